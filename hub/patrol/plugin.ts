// Electronic patrol at the hub: plans, scans from readers (through edges) and
// phones, the evaluator that raises missed-checkpoint alarms while rounds run,
// shift reports, and the guard's phone page at /patrol/.
import fp from 'fastify-plugin';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { fileURLToPath } from 'node:url';
import { PatrolEvaluator } from './evaluator.ts';
import { planRoutes } from './plan-routes.ts';
import { roundRoutes } from './round-routes.ts';
import type { ScanOutcome } from './store.ts';

const phonePageDir = fileURLToPath(new URL('../../dashboards/patrol/', import.meta.url));

async function patrolPlugin(app: FastifyInstance): Promise<void> {
  const settings = app.hubConfig.patrol;
  const log = app.log.child({ feature: 'patrol' });
  const evaluator = new PatrolEvaluator(app.store.patrol, app.store, app.live, settings, log);

  const onReaderScan = (outcome: ScanOutcome, edgeId: string): void => {
    const scan = outcome.scan;
    const detail = { edge: edgeId, reader: scan?.reader, guard: scan?.guard, tag: scan?.tag };
    if (outcome.status === 'recorded' && scan) {
      log.info({ ...detail, checkpoint: scan.checkpointId }, 'patrol scan from reader');
      void evaluator.scanRecorded(scan);
    } else if (outcome.status !== 'duplicate') {
      log.warn(
        { ...detail, status: outcome.status, reason: outcome.reason },
        'reader scan not counted',
      );
    }
  };
  app.live.on('patrolScan', onReaderScan);
  app.addHook('onReady', () => evaluator.start());
  app.addHook('onClose', async () => {
    app.live.off('patrolScan', onReaderScan);
    await evaluator.stop();
  });

  await planRoutes(app, () => evaluator.plansChanged());
  await roundRoutes(app, evaluator, settings.timeZone);
  await app.register(fastifyStatic, {
    root: phonePageDir,
    prefix: '/patrol/',
    decorateReply: false,
    redirect: true,
  });
}

export default fp(patrolPlugin, {
  name: 'haven-patrol',
  dependencies: ['haven-auth'],
  decorators: { fastify: ['store', 'live', 'hubConfig'] },
});

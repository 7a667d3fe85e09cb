// Edges: authenticated by their bearer token. They post what they accepted
// (idempotent by item key) and keep a WebSocket open for commands.
import fp from 'fastify-plugin';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import { IngestRequest, IngestResponse } from '../../common/contracts/uplink.ts';
import { UplinkItem } from '../../common/contracts/uplink.ts';
import { Validator } from '../../common/contracts/validator.ts';
import { hashToken } from '../../common/passwords.ts';
import { EdgeUnknown } from '../errors.ts';
import type { EdgeIdentity } from '../types.ts';
import type { EdgeCommandRelay } from './commands.ts';

declare module 'fastify' {
  interface FastifyInstance {
    commands: EdgeCommandRelay;
  }
}

/** item kind → the validator of that kind, so a reason names the wrong field */
const itemValidators = new Map(
  UplinkItem.anyOf.map((variant) => [variant.properties.kind.const, new Validator(variant)]),
);

function checkItem(item: { key: string; kind?: unknown }) {
  const validator = itemValidators.get(item.kind as UplinkItem['kind']);
  if (!validator)
    return { ok: false as const, reason: `unknown kind ${JSON.stringify(item.kind)}` };
  return validator.validate(item);
}

async function edgesPlugin(app: FastifyInstance): Promise<void> {
  /** token digest → the edge it belongs to */
  const edgesByToken = new Map<string, EdgeIdentity>();
  for (const edge of app.hubConfig.edges) {
    edgesByToken.set(hashToken(edge.token), { id: edge.id, site: edge.site });
  }

  function edgeFor(request: FastifyRequest): EdgeIdentity {
    const header = request.headers.authorization;
    const edge = header?.startsWith('Bearer ')
      ? edgesByToken.get(hashToken(header.slice('Bearer '.length)))
      : undefined;
    if (!edge) throw new EdgeUnknown();
    return edge;
  }

  app.decorateRequest('edge', undefined);
  app.decorate('requireEdge', async (request: FastifyRequest) => {
    request.edge = edgeFor(request);
  });

  app.post(
    '/api/edge/ingest',
    {
      onRequest: app.requireEdge,
      bodyLimit: 8 * 1024 * 1024,
      schema: { body: IngestRequest, response: { 200: IngestResponse }, tags: ['edge'] },
    },
    async (request) => {
      const edge = request.edge!;
      const { items } = request.body as IngestRequest;
      const valid: UplinkItem[] = [];
      const rejected: { key: string; reason: string }[] = [];
      for (const item of items) {
        const result = checkItem(item);
        if (result.ok) valid.push(result.value as UplinkItem);
        else rejected.push({ key: item.key, reason: result.reason });
      }
      if (rejected.length > 0) {
        request.log.warn(
          { edge: edge.id, rejected: rejected.length, reason: rejected[0]!.reason },
          'edge sent items the hub cannot take; set aside',
        );
      }
      await claimForEdge(edge, valid, request.log);

      const outcomes = await app.store.ingest(edge.id, valid);
      for (const outcome of outcomes) {
        if (outcome.patrolScan) app.live.emit('patrolScan', outcome.patrolScan, edge.id);
        if (!outcome.changedAlert) continue;
        const alert = outcome.changedAlert;
        app.live.emit('alert', alert, outcome.created ? 'created' : 'updated');
        if (outcome.created) {
          request.log.info(
            { alert: alert.id, type: alert.type, subject: alert.subject, edge: edge.id },
            'alert raised',
          );
        }
      }
      return { accepted: valid.map((item) => item.key), rejected };
    },
  );

  /**
   * The hub's registry says which site an edge serves. An edge configured for
   * another site still has its alarms stored, under the site it really serves,
   * and the police room is told once that the edge needs fixing: dropping them
   * would lose an SOS to a typo.
   */
  async function claimForEdge(
    edge: EdgeIdentity,
    items: UplinkItem[],
    log: FastifyBaseLogger,
  ): Promise<void> {
    const foreign = items.filter((item) => item.body.site !== edge.site);
    if (foreign.length === 0) return;
    const claimed = foreign[0]!.body.site;
    for (const item of foreign) {
      item.body.site = edge.site;
      if ('edgeId' in item.body) item.body.edgeId = edge.id;
    }
    log.error(
      { edge: edge.id, serves: edge.site, claimed, items: foreign.length },
      'edge is configured for another site; its items are stored under the site it serves',
    );
    const alert = await app.store.raiseOnce(
      {
        type: 'edge_site_mismatch',
        severity: 'warning',
        site: edge.site,
        edgeId: edge.id,
        subject: { kind: 'edge', id: edge.id },
        dedupKey: `${edge.site}/edge/${edge.id}/site_mismatch`,
        raisedAt: new Date().toISOString(),
        evidence: { serves: edge.site, claimed },
      },
      'hub',
    );
    if (alert) app.live.emit('alert', alert, 'created');
  }

  app.get(
    '/api/edge/commands',
    { websocket: true, onRequest: app.requireEdge, schema: { hide: true } },
    (socket, request) => {
      const edge = request.edge!;
      request.log.info({ edge: edge.id }, 'edge command channel opened');
      socket.on('close', () => request.log.info({ edge: edge.id }, 'edge command channel closed'));
      app.commands.attach(edge.id, socket).catch((error: unknown) => {
        request.log.error({ err: error, edge: edge.id }, 'could not send pending commands');
      });
    },
  );
}

export default fp(edgesPlugin, {
  name: 'haven-edges',
  dependencies: ['@fastify/websocket'],
  decorators: { fastify: ['store', 'live', 'hubConfig', 'commands'] },
});

// Edges: authenticated by their bearer token. They post what they accepted
// (idempotent by item key) and keep a WebSocket open for commands.
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { IngestRequest, IngestResponse } from '../../common/contracts/uplink.ts';
import type { UplinkItem } from '../../common/contracts/uplink.ts';
import { hashToken } from '../../common/passwords.ts';
import { EdgeUnknown } from '../errors.ts';
import type { EdgeIdentity } from '../types.ts';
import type { EdgeCommandRelay } from './commands.ts';

declare module 'fastify' {
  interface FastifyInstance {
    commands: EdgeCommandRelay;
  }
}

function itemSite(item: UplinkItem): string {
  return item.body.site;
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
      preHandler: app.requireEdge,
      bodyLimit: 8 * 1024 * 1024,
      schema: { body: IngestRequest, response: { 200: IngestResponse }, tags: ['edge'] },
    },
    async (request) => {
      const edge = request.edge!;
      const { items } = request.body as IngestRequest;
      // An edge speaks only for its own site; anything else is dropped, logged,
      // and still acknowledged so that it does not block the edge's outbox.
      const own = items.filter((item) => itemSite(item) === edge.site);
      if (own.length < items.length) {
        request.log.warn(
          { edge: edge.id, dropped: items.length - own.length },
          'edge sent items for another site; dropped',
        );
      }
      const outcomes = await app.store.ingest(edge.id, own);
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
      return { accepted: items.map((item) => item.key) };
    },
  );

  app.get(
    '/api/edge/commands',
    { websocket: true, preValidation: app.requireEdge, schema: { hide: true } },
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

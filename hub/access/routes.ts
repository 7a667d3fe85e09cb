// The access log for staff: who came through which gate, strangers included,
// and which vehicles came through the barriers (kind=vehicle, plate=).
//   GET /api/access?kind=&plate=&site=&gateId=&residentId=&decision=&before=&limit=
//   GET /api/access/:key/thumbnail   image/jpeg
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import createError from '@fastify/error';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { AccessDecision } from '../../common/contracts/access.ts';
import type { AccessLog } from './store.ts';

const ThumbnailNotFound = createError(
  'HAVEN_ACCESS_THUMBNAIL_NOT_FOUND',
  'no thumbnail for access event %s',
  404,
);

const ListQuery = Type.Object(
  {
    kind: Type.Optional(Type.Union([Type.Literal('person'), Type.Literal('vehicle')])),
    plate: Type.Optional(Type.String({ maxLength: 16 })),
    site: Type.Optional(Type.String({ maxLength: 64 })),
    gateId: Type.Optional(Type.String({ maxLength: 64 })),
    residentId: Type.Optional(Type.String({ maxLength: 64 })),
    decision: Type.Optional(AccessDecision),
    before: Type.Optional(Type.String({ format: 'date-time' })),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  },
  { additionalProperties: false },
);

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const AccessEntry = Type.Object({
  key: Type.String(),
  kind: Type.Union([Type.Literal('person'), Type.Literal('vehicle')]),
  site: Type.String(),
  edgeId: Type.String(),
  gateId: Type.String(),
  at: Type.String(),
  decision: AccessDecision,
  source: Type.String(),
  residentId: Type.Union([Type.String(), Type.Null()]),
  residentName: Type.Union([Type.String(), Type.Null()]),
  watchList: Type.Boolean(),
  score: Type.Union([Type.Number(), Type.Null()]),
  sightings: Type.Integer(),
  /** Where the thumbnail is, when there is one. */
  thumbnailUrl: Type.Union([Type.String(), Type.Null()]),
  receivedAt: Type.String(),
  /** Vehicles: the plate read, its colour and confidence, whose it is. */
  plate: Nullable(Type.String()),
  plateColour: Nullable(Type.String()),
  plateConfidence: Nullable(Type.Number()),
  householdId: Nullable(Type.String()),
  visitorPassId: Nullable(Type.String()),
});

async function accessPlugin(app: FastifyInstance, options: { log: AccessLog }): Promise<void> {
  const viewer = { preHandler: app.requireStaff('viewer') };

  app.get(
    '/api/access',
    {
      ...viewer,
      schema: {
        querystring: ListQuery,
        response: { 200: Type.Array(AccessEntry) },
        tags: ['access'],
      },
    },
    async (request) => {
      const query = request.query as Static<typeof ListQuery>;
      const events = await options.log.list(query);
      return events.map(({ hasThumbnail, ...event }) => ({
        ...event,
        thumbnailUrl: hasThumbnail
          ? `/api/access/${encodeURIComponent(event.key)}/thumbnail`
          : null,
      }));
    },
  );

  app.get(
    '/api/access/:key/thumbnail',
    {
      ...viewer,
      schema: { params: Type.Object({ key: Type.String({ maxLength: 128 }) }), tags: ['access'] },
    },
    async (request, reply) => {
      const { key } = request.params as { key: string };
      const thumbnail = await options.log.thumbnail(key);
      if (!thumbnail) throw new ThumbnailNotFound(key);
      return reply
        .type('image/jpeg')
        .header('cache-control', 'private, max-age=3600')
        .send(thumbnail);
    },
  );
}

export default fp(accessPlugin, {
  name: 'haven-access',
  dependencies: ['haven-auth'],
  decorators: { fastify: ['store'] },
});

// The community map's API. Administrators upload the floor plan (PNG, JPEG or
// WebP, sent as the raw body) and place items on it; police-room staff read it.
//   GET    /api/map                  { floorPlan: info | null, items }
//   GET    /api/map/floor-plan       the image
//   PUT    /api/map/floor-plan       image/png | image/jpeg | image/webp body
//   PUT    /api/map/items/:id        { kind, refId, label, x, y }  (x, y in 0..1)
//   DELETE /api/map/items/:id
import type { FastifyInstance } from 'fastify';
import createError from '@fastify/error';
import sharp from 'sharp';
import { Type, type Static } from '@sinclair/typebox';
import { FloorPlanInfo, MapItem, MapItemPlacement, type MapStore } from './store.ts';

declare module 'fastify' {
  interface FastifyInstance {
    map: MapStore;
  }
}

export const NoFloorPlan = createError('HAVEN_MAP_NO_FLOOR_PLAN', 'no floor plan uploaded', 404);
export const BadFloorPlan = createError('HAVEN_MAP_BAD_IMAGE', 'the floor plan %s', 400);
export const MapItemNotFound = createError('HAVEN_MAP_ITEM_NOT_FOUND', 'no map item %s', 404);

const imageTypes: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/webp': 'webp',
};
const ItemParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$' }) });

export default async function mapRoutes(app: FastifyInstance): Promise<void> {
  const { map, store } = app;
  const policeRoom = { preHandler: app.requireStaff('viewer') };
  const admin = { preHandler: app.requireStaff('admin') };

  for (const type of Object.keys(imageTypes)) {
    app.addContentTypeParser(type, { parseAs: 'buffer' }, (_request, body, done) => {
      done(null, body);
    });
  }

  app.get(
    '/api/map',
    {
      ...policeRoom,
      schema: {
        response: {
          200: Type.Object({
            floorPlan: Type.Union([FloorPlanInfo, Type.Null()]),
            items: Type.Array(MapItem),
          }),
        },
        tags: ['map'],
      },
    },
    async () => ({ floorPlan: map.floorPlan() ?? null, items: map.items() }),
  );

  app.get(
    '/api/map/floor-plan',
    { ...policeRoom, schema: { tags: ['map'] } },
    async (_request, reply) => {
      const plan = map.floorPlanImage();
      if (!plan) throw new NoFloorPlan();
      return reply
        .type(plan.contentType)
        .header('cache-control', 'private, no-cache')
        .header('last-modified', new Date(plan.uploadedAt).toUTCString())
        .send(plan.image);
    },
  );

  app.put(
    '/api/map/floor-plan',
    { ...admin, bodyLimit: 20 * 1024 * 1024, schema: { tags: ['map'] } },
    async (request) => {
      const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim();
      const expected = imageTypes[contentType];
      if (!expected || !Buffer.isBuffer(request.body)) {
        throw new BadFloorPlan('must be sent as image/png, image/jpeg or image/webp');
      }
      const image = request.body;
      const metadata = await sharp(image)
        .metadata()
        .catch(() => undefined);
      if (!metadata?.width || !metadata.height || metadata.format !== expected) {
        throw new BadFloorPlan(`is not a readable ${expected} image`);
      }
      const info = {
        contentType,
        width: metadata.width,
        height: metadata.height,
        uploadedBy: request.staff!.username,
        uploadedAt: new Date().toISOString(),
      };
      map.saveFloorPlan({ ...info, image });
      await store.audit(info.uploadedBy, 'map_floor_plan_uploaded', 'map:floor-plan', {
        width: info.width,
        height: info.height,
        bytes: image.length,
      });
      return info;
    },
  );

  app.put(
    '/api/map/items/:id',
    {
      ...admin,
      schema: { params: ItemParams, body: MapItemPlacement, response: { 200: MapItem } },
    },
    async (request) => {
      const { id } = request.params as Static<typeof ItemParams>;
      const item = map.placeItem(id, request.body as MapItemPlacement);
      await store.audit(request.staff!.username, 'map_item_placed', `map:${id}`, {
        kind: item.kind,
        refId: item.refId,
      });
      return item;
    },
  );

  app.delete(
    '/api/map/items/:id',
    { ...admin, schema: { params: ItemParams, tags: ['map'] } },
    async (request) => {
      const { id } = request.params as Static<typeof ItemParams>;
      if (!map.removeItem(id)) throw new MapItemNotFound(id);
      await store.audit(request.staff!.username, 'map_item_removed', `map:${id}`);
      return { ok: true };
    },
  );
}

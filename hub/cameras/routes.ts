// Cameras at the hub: administrators register where each camera's RTSP stream
// is; police-room staff list them (without the URL, which may hold a password)
// and watch them through the video relay (hub/video/routes.ts).
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import createError from '@fastify/error';
import { Type, type Static } from '@sinclair/typebox';
import { redactUrlCredentials } from '../../edge/cameras/redact.ts';
import type { VideoRelays } from '../video/relays.ts';
import { CameraId, CameraRegistration, CameraView, cameraView, type CameraStore } from './store.ts';

declare module 'fastify' {
  interface FastifyInstance {
    cameras: CameraStore;
    video: VideoRelays;
  }
}

export const CameraNotFound = createError('HAVEN_CAMERA_NOT_FOUND', 'no camera with id %s', 404);

const IdParams = Type.Object({ id: CameraId });
const StreamState = Type.Object({
  format: Type.String(),
  viewers: Type.Integer(),
  running: Type.Boolean(),
});
const CameraWithStreams = Type.Composite([
  CameraView,
  Type.Object({ streaming: Type.Array(StreamState) }),
]);

async function camerasPlugin(app: FastifyInstance): Promise<void> {
  const { cameras, video, store } = app;

  app.get(
    '/api/cameras',
    {
      preHandler: app.requireStaff('viewer'),
      schema: { response: { 200: Type.Array(CameraWithStreams) }, tags: ['cameras'] },
    },
    async () => {
      const streams = video.streams();
      return cameras.list().map((camera) => ({
        ...cameraView(camera),
        streaming: streams
          .filter((stream) => stream.cameraId === camera.id)
          .map((stream) => ({
            format: stream.format,
            viewers: stream.viewers,
            running: stream.pid !== undefined,
          })),
      }));
    },
  );

  app.get(
    '/api/cameras/:id',
    {
      preHandler: app.requireStaff('admin'),
      schema: {
        params: IdParams,
        response: { 200: Type.Composite([CameraView, Type.Object({ rtspUrl: Type.String() })]) },
        tags: ['cameras'],
      },
    },
    async (request) => {
      const { id } = request.params as Static<typeof IdParams>;
      const camera = cameras.get(id);
      if (!camera) throw new CameraNotFound(id);
      return camera;
    },
  );

  app.put(
    '/api/cameras/:id',
    {
      preHandler: app.requireStaff('admin'),
      schema: {
        params: IdParams,
        body: CameraRegistration,
        response: { 200: CameraView },
        tags: ['cameras'],
      },
    },
    async (request) => {
      const { id } = request.params as Static<typeof IdParams>;
      const body = request.body as CameraRegistration;
      const camera = cameras.upsert(id, body);
      // Viewers of the old settings reconnect and get the new stream.
      await video.forget(id);
      const rtspUrl = redactUrlCredentials(body.rtspUrl);
      await store.audit(request.staff!.username, 'camera_saved', `camera:${id}`, {
        name: body.name,
        site: body.site,
        rtspUrl,
      });
      request.log.info({ camera: id, site: body.site, rtspUrl }, 'camera registered');
      return cameraView(camera);
    },
  );

  app.delete(
    '/api/cameras/:id',
    {
      preHandler: app.requireStaff('admin'),
      schema: { params: IdParams, tags: ['cameras'] },
    },
    async (request) => {
      const { id } = request.params as Static<typeof IdParams>;
      if (!cameras.remove(id)) throw new CameraNotFound(id);
      await video.forget(id);
      await store.audit(request.staff!.username, 'camera_removed', `camera:${id}`);
      return { ok: true };
    },
  );
}

export default fp(camerasPlugin, {
  name: 'haven-cameras',
  dependencies: ['haven-auth'],
  decorators: { fastify: ['store', 'cameras', 'video'] },
});

// Live video for police-room staff: WebSocket /api/video/:cameraId?format=mp4
// (fragmented MP4 for Media Source Extensions; first a JSON "init" line with
// the codec, then binary segments) or ?format=mpeg1 (MPEG-TS bytes for
// JSMpeg). Video shows residents, so it goes only to logged-in police-room
// staff (not family or grid workers), and each viewing is audited.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { CameraId } from '../cameras/store.ts';
import type { VideoFormat, Viewer } from './relay.ts';

const Params = Type.Object({ cameraId: CameraId });
const Query = Type.Object(
  { format: Type.Union([Type.Literal('mp4'), Type.Literal('mpeg1')], { default: 'mp4' }) },
  { additionalProperties: false },
);

/** WebSocket close code for "no such camera" (application range 4000-4999). */
export const closeCameraNotFound = 4404;

async function videoPlugin(app: FastifyInstance): Promise<void> {
  app.addHook('onClose', async () => app.video.stop());

  app.get(
    '/api/video/:cameraId',
    {
      websocket: true,
      preValidation: app.requireStaff('viewer'),
      schema: { params: Params, querystring: Query, hide: true },
    },
    (socket, request) => {
      const { cameraId } = request.params as Static<typeof Params>;
      const format = (request.query as { format: VideoFormat }).format;
      const staff = request.staff!;
      const viewer: Viewer = {
        sendText: (message) => socket.send(JSON.stringify(message)),
        sendBytes: (bytes) => socket.send(bytes, { binary: true }),
        backlogBytes: () => socket.bufferedAmount,
        close: (reason) => socket.close(1001, reason),
      };
      const relay = app.video.watch(cameraId, format, viewer);
      if (!relay) {
        socket.close(closeCameraNotFound, 'no such camera');
        return;
      }
      socket.on('close', () => relay.remove(viewer));
      request.log.info({ camera: cameraId, format, username: staff.username }, 'video viewer');
      void app.store
        .audit(staff.username, 'video_viewed', `camera:${cameraId}`, { format })
        .catch((error: unknown) => request.log.error({ err: error }, 'video audit failed'));
    },
  );
}

export default fp(videoPlugin, {
  name: 'haven-video',
  dependencies: ['haven-auth', '@fastify/websocket', 'haven-cameras'],
  decorators: { fastify: ['video', 'store'] },
});

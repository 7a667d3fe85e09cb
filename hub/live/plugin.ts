// Live push to dashboards: a logged-in staff member's browser keeps a
// WebSocket open and receives every new or changed alert as one JSON message.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { Alert } from '../../common/contracts/alert.ts';

async function livePlugin(app: FastifyInstance): Promise<void> {
  app.get(
    '/api/live',
    { websocket: true, preValidation: app.requireStaff('viewer'), schema: { hide: true } },
    (socket, request) => {
      const staff = request.staff!;
      const onAlert = (alert: Alert, change: 'created' | 'updated'): void => {
        socket.send(JSON.stringify({ type: 'alert', change, alert }));
      };
      app.live.on('alert', onAlert);
      socket.on('close', () => app.live.off('alert', onAlert));
      socket.send(JSON.stringify({ type: 'hello', username: staff.username, role: staff.role }));
      request.log.info({ username: staff.username }, 'dashboard connected to live push');
    },
  );
}

export default fp(livePlugin, {
  name: 'haven-live',
  dependencies: ['haven-auth', '@fastify/websocket'],
  decorators: { fastify: ['live'] },
});

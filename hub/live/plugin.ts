// Live push to dashboards: a logged-in staff member's browser keeps a
// WebSocket open and receives every new or changed alert in their scope as one
// JSON message, and notifications addressed to them, which it marks read.
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hashToken } from '../../common/passwords.ts';
import { sessionToken } from '../auth/plugin.ts';
import { OriginRefused } from '../errors.ts';
import type { Alert } from '../../common/contracts/alert.ts';
import type { LiveNotification } from './bus.ts';

/** A dashboard says it showed a notification: {"type":"read","deliveryId":"…"}. */
function parseReadReceipt(data: Buffer): { deliveryId: string } | undefined {
  if (data.length > 1024) return undefined;
  try {
    const message = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
    const { type, deliveryId } = message;
    if (type !== 'read' || typeof deliveryId !== 'string' || deliveryId.length > 64) return;
    return { deliveryId };
  } catch {
    return undefined;
  }
}

/**
 * Browsers send Origin on WebSocket upgrades; one from another host is
 * refused, so a page served elsewhere cannot ride a staff member's cookie.
 */
async function refuseOtherOrigins(request: FastifyRequest): Promise<void> {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    throw new OriginRefused(origin.slice(0, 100));
  }
  if (host !== request.headers.host) throw new OriginRefused(host);
}

async function livePlugin(app: FastifyInstance): Promise<void> {
  app.get(
    '/api/live',
    {
      websocket: true,
      onRequest: [refuseOtherOrigins, app.requireStaff('viewer', { scoped: true })],
      schema: { hide: true },
    },
    (socket, request) => {
      const staff = request.staff!;
      const tokenHash = hashToken(sessionToken(request) ?? '');
      // A session that ended (logout, expiry, account removed) closes its socket
      // before anything else is pushed on it.
      const sessionStillValid = async (): Promise<boolean> => {
        if (await app.store.getSession(tokenHash)) return true;
        socket.close(4401, 'session ended');
        return false;
      };
      const sessionCheck = setInterval(() => void sessionStillValid(), 60_000);
      // Scope checks are async; a chain keeps this socket's messages in order.
      let pushed = Promise.resolve();
      const onAlert = (alert: Alert, change: 'created' | 'updated'): void => {
        pushed = pushed
          .then(async () => {
            if (!(await sessionStillValid())) return;
            if (!(await app.scopes.canSeeAlert(staff, alert))) return;
            socket.send(JSON.stringify({ type: 'alert', change, alert }));
          })
          .catch((error: unknown) => {
            request.log.error({ err: error, alert: alert.id }, 'live push failed');
          });
      };
      const onNotification = (username: string, notification: LiveNotification): void => {
        if (username !== staff.username) return;
        socket.send(JSON.stringify({ type: 'notification', ...notification }), (error) => {
          if (!error) app.live.emit('receipt', username, notification.deliveryId, 'delivered');
        });
      };
      socket.on('message', (data: Buffer) => {
        const message = parseReadReceipt(data);
        if (message) app.live.emit('receipt', staff.username, message.deliveryId, 'read');
      });
      app.live.on('alert', onAlert);
      app.live.on('notification', onNotification);
      const open = app.live.openSockets;
      open.set(staff.username, (open.get(staff.username) ?? 0) + 1);
      socket.on('close', () => {
        clearInterval(sessionCheck);
        app.live.off('alert', onAlert);
        app.live.off('notification', onNotification);
        open.set(staff.username, (open.get(staff.username) ?? 1) - 1);
      });
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

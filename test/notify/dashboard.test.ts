import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../hub/server.ts';
import {
  client,
  daughterOfZhang,
  raiseAlert,
  registerCommunity,
  startCommunityHub,
  workerNorth,
  type Client,
} from '../support/community.ts';
import { temporaryFolder, waitUntil } from '../support/spine.ts';

interface Notification {
  type: 'notification';
  deliveryId: string;
  alertId: string;
  title: string;
}

/** A dashboard's live socket that keeps the notifications addressed to its user. */
async function openDashboard(url: string, token: string) {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/api/live`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const notifications: Notification[] = [];
  socket.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as { type: string };
    if (message.type === 'notification') notifications.push(message as Notification);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('message', () => resolve());
    socket.once('error', reject);
  });
  return { socket, notifications };
}

describe('notices on the dashboard', () => {
  const folder = temporaryFolder('dashboard-notices');
  let hub: Hub;
  let url: string;
  let daughter: Client;
  let wang: Client;

  beforeAll(async () => {
    ({ hub, url } = await startCommunityHub(folder.path));
    await registerCommunity(url);
    daughter = await client(url, daughterOfZhang);
    wang = await client(url, workerNorth);
  });

  afterAll(async () => {
    await hub.stop();
    folder.remove();
  });

  it('reach the open dashboard, which marks them delivered and then read', async () => {
    const family = await openDashboard(url, daughter.token);
    const north = await openDashboard(url, wang.token);
    try {
      const sos = await raiseAlert(url, hub, { kind: 'band', id: 'band-zhang' });
      await waitUntil(() => family.notifications.length > 0, 'the daughter got a notice');
      const [notice] = family.notifications;
      expect(notice!.alertId).toBe(sos.id);
      expect(notice!.title).toMatch(/SOS/);
      const status = async (id: string) => (await hub.notifyStore.getDelivery(id))!.status;
      await waitUntil(async () => (await status(notice!.deliveryId)) === 'delivered', 'delivered');

      await waitUntil(() => north.notifications.length > 0, 'the grid worker got his');
      north.socket.send(JSON.stringify({ type: 'read', deliveryId: notice!.deliveryId }));
      family.socket.send(
        JSON.stringify({ type: 'read', deliveryId: north.notifications[0]!.deliveryId }),
      );
      family.socket.send(JSON.stringify({ type: 'read', deliveryId: notice!.deliveryId }));
      await waitUntil(async () => (await status(notice!.deliveryId)) === 'read', 'read');
      expect(
        await status(north.notifications[0]!.deliveryId),
        'a read receipt for someone else’s notice is ignored',
      ).toBe('delivered');
      const trail = await hub.store.auditTrail(`alert:${sos.id}`);
      const read = trail.filter((entry) => entry.action === 'notification_read');
      expect(
        read.map((entry) => entry.actor),
        'only the daughter’s read counts',
      ).toEqual([`staff:${daughterOfZhang.username}`]);
    } finally {
      family.socket.close();
      north.socket.close();
    }
  });
});

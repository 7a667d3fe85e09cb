import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import type { Hub } from '../../hub/server.ts';
import {
  client,
  raiseAlert,
  registerCommunity,
  startCommunityHub,
  workerNorth,
  type Client,
} from '../support/community.ts';
import { makeCertificate, PushService, Subscriber, verifyVapid } from '../support/push-service.ts';
import { temporaryFolder, waitUntil } from '../support/spine.ts';

describe('Web Push to a grid worker’s phone', () => {
  const folder = temporaryFolder('web-push');
  const vapid = webpush.generateVAPIDKeys();
  const phone = new Subscriber();
  let pushService: PushService;
  let hub: Hub;
  let url: string;
  let wang: Client;

  beforeAll(async () => {
    const certificate = makeCertificate(folder.path);
    pushService = await PushService.start(certificate);
    ({ hub, url } = await startCommunityHub(`${folder.path}/hub`, {
      notify: {
        webPush: {
          subject: 'mailto:duty@xincun.example',
          publicKey: vapid.publicKey,
          privateKey: vapid.privateKey,
          caFile: certificate.certFile,
        },
      },
    }));
    const registrar = await registerCommunity(url);
    const saved = await registrar.call('PUT', `/api/registry/staff/${workerNorth.username}`, {
      role: 'grid_worker',
      channels: ['webpush', 'dashboard'],
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    wang = await client(url, workerNorth);
  });

  afterAll(async () => {
    await hub.stop();
    await pushService.stop();
    folder.remove();
  });

  it('hands out the VAPID key and takes the phone’s subscription', async () => {
    const key = await wang.call<{ publicKey: string }>('GET', '/api/notify/web-push-key');
    expect(key.body.publicKey).toBe(vapid.publicKey);
    const subscribed = await wang.call('POST', '/api/notify/push-subscriptions', {
      endpoint: pushService.endpoint('/push/wang-phone'),
      keys: phone.keys,
    });
    expect(subscribed.status, JSON.stringify(subscribed.body)).toBe(200);
  });

  it('pushes an SOS the phone can decrypt, signed with the hub’s VAPID key', async () => {
    const sos = await raiseAlert(url, hub, { kind: 'band', id: 'band-zhang' });
    await waitUntil(() => pushService.received.length > 0, 'the push service got a message');
    const [message] = pushService.received;
    expect(message!.path).toBe('/push/wang-phone');
    expect(message!.headers['content-encoding']).toBe('aes128gcm');
    expect(message!.headers.urgency, 'an SOS is urgent').toBe('high');
    const claims = verifyVapid(message!.headers.authorization!, vapid.publicKey);
    expect(claims.aud, 'the token is for this push service').toBe(
      new URL(pushService.endpoint('/')).origin,
    );
    const payload = JSON.parse(phone.decrypt(message!.body)) as { alertId: string; title: string };
    expect(payload.alertId, 'the phone learns which alert').toBe(sos.id);
    expect(payload.title).toMatch(/报警/);

    await waitUntil(async () => {
      const deliveries = await hub.notifyStore.deliveriesOf(sos.id);
      return deliveries.some((d) => d.recipientId === workerNorth.username && d.status === 'sent');
    }, 'the delivery is tracked as sent');
    const [delivery] = (await hub.notifyStore.deliveriesOf(sos.id)).filter(
      (d) => d.recipientId === workerNorth.username,
    );
    expect(delivery!.channel).toBe('webpush');
  });

  it('forgets a subscription the push service says is gone, and falls back', async () => {
    pushService.answers.push(410);
    const fall = await raiseAlert(url, hub, { kind: 'band', id: 'band-zhang' }, 'fall');
    await waitUntil(async () => {
      const deliveries = await hub.notifyStore.deliveriesOf(fall.id);
      return deliveries.some(
        (d) => d.recipientId === workerNorth.username && d.status !== 'queued',
      );
    }, 'the delivery was tried');
    const [delivery] = (await hub.notifyStore.deliveriesOf(fall.id)).filter(
      (d) => d.recipientId === workerNorth.username,
    );
    expect(delivery!.attempts.map((a) => `${a.channel}:${a.outcome}`)).toEqual([
      'webpush:failed',
      'dashboard:failed',
    ]);
    expect(delivery!.status, 'with no dashboard open either, it failed').toBe('failed');
    expect(await hub.notifyStore.pushSubscriptionsOf('staff', workerNorth.username)).toEqual([]);
  });
});

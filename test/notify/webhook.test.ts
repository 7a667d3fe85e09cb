import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../common/contracts/alert.ts';
import { silentLogger } from '../../common/log.ts';
import { ChannelFailure, type Notice } from '../../hub/notify/channel.ts';
import {
  WebhookChannel,
  verifyWebhookSignature,
  webhookSignature,
} from '../../hub/notify/webhook-channel.ts';
import type { Hub } from '../../hub/server.ts';
import {
  client,
  raiseAlert,
  registerCommunity,
  startCommunityHub,
  workerNorth,
} from '../support/community.ts';
import { Gateway } from '../support/gateway.ts';
import { LiveWatcher, temporaryFolder, waitUntil } from '../support/spine.ts';

const secret = 'gateway-shared-secret-0123456789';

const alert: Alert = {
  id: 'alert-1',
  type: 'sos',
  severity: 'critical',
  state: 'new',
  site: 'xincun',
  edgeId: 'home-1',
  subject: { kind: 'band', id: 'band-zhang' },
  dedupKey: 'band:band-zhang:sos',
  raisedAt: '2026-12-04T03:00:00.000Z',
  receivedAt: '2026-12-04T03:00:00.100Z',
  updatedAt: '2026-12-04T03:00:00.100Z',
  occurrences: 1,
  conditionCleared: false,
  assignee: null,
  evidence: null,
};

function notice(phone: string | null = '13800000001'): Notice {
  return {
    deliveryId: 'delivery-1',
    alert,
    recipient: {
      kind: 'contact',
      id: 'zhang-daughter',
      name: '李娟',
      reason: 'family',
      channels: ['webhook'],
      phone,
      username: null,
    },
    title: '报警: SOS',
    body: 'SOS band-zhang',
    reminder: 0,
  };
}

describe('the webhook channel', () => {
  let gateway: Gateway;
  let channel: WebhookChannel;

  beforeEach(async () => {
    gateway = await Gateway.start();
    channel = new WebhookChannel(
      {
        url: gateway.url,
        secret,
        maxAttempts: 4,
        firstRetryMs: 10,
        maxRetryMs: 40,
        timeoutMs: 2000,
      },
      silentLogger(),
    );
  });

  afterEach(async () => {
    channel.stop();
    await gateway.stop();
  });

  it('signs each post so the gateway can check it came from this hub', async () => {
    expect(await channel.send(notice())).toBe('sent');
    const [post] = gateway.posts;
    const timestamp = post!.headers['x-haven-timestamp'] as string;
    const signature = post!.headers['x-haven-signature'] as string;
    expect(signature, 'the signature is an HMAC over timestamp and body').toBe(
      webhookSignature(secret, timestamp, post!.body),
    );
    expect(verifyWebhookSignature(secret, timestamp, post!.body, signature)).toBe(true);
    expect(
      verifyWebhookSignature(secret, timestamp, post!.body.replace('李娟', '王五'), signature),
      'a changed body fails the check',
    ).toBe(false);
    expect(JSON.parse(post!.body), 'the gateway gets who, what and the phone').toMatchObject({
      deliveryId: 'delivery-1',
      alertType: 'sos',
      to: { name: '李娟', phone: '13800000001' },
    });
  });

  it('retries a failing gateway with back-off until it takes the message', async () => {
    gateway.answers.push(503, 502, 500);
    expect(await channel.send(notice()), 'the fourth attempt gets through').toBe('sent');
    expect(gateway.posts, 'three failures and one success').toHaveLength(4);
    const ids = new Set(gateway.posts.map((post) => post.headers['x-haven-delivery']));
    expect(ids, 'every retry carries the same delivery id').toEqual(new Set(['delivery-1']));
  });

  it('gives up after its attempts, and at once on a refusal that would repeat', async () => {
    gateway.answers.push(503, 503, 503, 503);
    await expect(channel.send(notice()), 'four 503s').rejects.toBeInstanceOf(ChannelFailure);
    expect(gateway.posts).toHaveLength(4);

    gateway.answers.push(400);
    await expect(channel.send(notice()), 'a 400 is final').rejects.toThrow(/HTTP 400/);
    expect(gateway.posts, 'a 400 is not retried').toHaveLength(5);

    await expect(channel.send(notice(null)), 'no phone, nothing to send').rejects.toThrow(/phone/);
    expect(gateway.posts).toHaveLength(5);
  });
});

describe('an SOS told by webhook', () => {
  const folder = temporaryFolder('webhook');
  let gateway: Gateway;
  let hub: Hub;
  let url: string;

  beforeEach(async () => {
    gateway = await Gateway.start();
    ({ hub, url } = await startCommunityHub(folder.path, {
      notify: {
        webhook: { url: gateway.url, secret, maxAttempts: 3, firstRetryMs: 10 },
      },
    }));
    await registerCommunity(url);
  });

  afterEach(async () => {
    await hub.stop();
    await gateway.stop();
    folder.remove();
  });

  it('falls back from a closed dashboard to SMS, and a signed reply acknowledges it', async () => {
    gateway.answers.push(503);
    const sos = await raiseAlert(url, hub, { kind: 'band', id: 'band-zhang' });
    await waitUntil(() => gateway.posts.length >= 2, 'the gateway got the SMS on the retry');
    const message = JSON.parse(gateway.posts[1]!.body) as { deliveryId: string };

    const toDaughter = async () =>
      (await hub.notifyStore.deliveriesOf(sos.id)).find((d) => d.recipientId === 'zhang-daughter');
    await waitUntil(async () => (await toDaughter())?.status === 'sent', 'the delivery is sent');
    const delivery = await toDaughter();
    expect(
      delivery!.attempts.map((a) => `${a.channel}:${a.outcome}`),
      'fell back',
    ).toEqual(['dashboard:failed', 'webhook:sent']);

    const reply = JSON.stringify({
      deliveryId: message.deliveryId,
      status: 'read',
      acknowledged: true,
    });
    const unsigned = await fetch(`${url}/api/notify/receipts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: reply,
    });
    expect(unsigned.status, 'an unsigned receipt is refused').toBe(401);

    const timestamp = String(Date.now());
    const signed = await fetch(`${url}/api/notify/receipts`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-haven-timestamp': timestamp,
        'x-haven-signature': webhookSignature(secret, timestamp, reply),
      },
      body: reply,
    });
    expect(signed.status, await signed.clone().text()).toBe(200);

    expect((await hub.store.getAlert(sos.id))!.state, 'the daughter acknowledged it').toBe(
      'acknowledged',
    );
    expect((await hub.notifyStore.getDelivery(message.deliveryId))!.status).toBe('read');
    await waitUntil(
      async () => (await hub.notifyStore.getEscalation(sos.id))?.phase === 'acknowledged',
      'the escalation stopped',
    );
    const trail = await hub.store.auditTrail(`alert:${sos.id}`);
    expect(trail.find((e) => e.action === 'acknowledged')!.actor).toBe('contact:zhang-daughter');
    const [command] = await hub.store.pendingCommands('home-1');
    expect(JSON.parse(command!.body), 'the band is told help is coming').toMatchObject({
      deviceId: 'band-zhang',
      payload: { kind: 'help_coming', alertId: sos.id },
    });
  });
});

describe('a hub stopping while a gateway is down', () => {
  const folder = temporaryFolder('webhook-stop');

  it('a gateway in back-off does not hold up the grid worker’s notice', async () => {
    const gateway = await Gateway.start();
    gateway.answers.push(503, 503);
    const notify = { webhook: { url: gateway.url, secret, maxAttempts: 3, firstRetryMs: 60_000 } };
    const { hub, url } = await startCommunityHub(`${folder.path}/parallel`, { notify });
    try {
      await registerCommunity(url);
      const north = await LiveWatcher.open(url, (await client(url, workerNorth)).token);
      const sos = await raiseAlert(url, hub, { kind: 'band', id: 'band-zhang' });
      const byRecipient = async () =>
        new Map((await hub.notifyStore.deliveriesOf(sos.id)).map((d) => [d.recipientId, d]));
      await waitUntil(
        async () => (await byRecipient()).get(workerNorth.username)?.channel === 'dashboard',
        'the grid worker’s notice went out',
      );
      expect(
        (await byRecipient()).get('zhang-daughter')!.status,
        'while the daughter’s SMS still waits for its retry',
      ).toBe('queued');
      north.close();
    } finally {
      await hub.stop();
      await gateway.stop();
    }
  });

  it('stops without waiting out the back-off, and tells the person again after restart', async () => {
    const gateway = await Gateway.start();
    gateway.answers.push(503, 503, 503, 503, 503);
    const notify = {
      webhook: { url: gateway.url, secret, maxAttempts: 5, firstRetryMs: 60_000 },
    };
    let { hub, url } = await startCommunityHub(folder.path, { notify });
    try {
      await registerCommunity(url);
      const sos = await raiseAlert(url, hub, { kind: 'band', id: 'band-zhang' });
      await waitUntil(() => gateway.posts.length >= 1, 'the first post failed');

      // With a minute before the next retry, only an abort lets this finish in time.
      await hub.stop();
      const escalation = await (async () => {
        ({ hub, url } = await startCommunityHub(folder.path, { notify }));
        return hub.notifyStore.getEscalation(sos.id);
      })();
      expect(escalation!.phase, 'the escalation is still running').toBe('running');
      expect(escalation!.tier, 'its first tier was not recorded as done').toBe(-1);
      await waitUntil(() => gateway.posts.length >= 2, 'the daughter is tried again');
    } finally {
      await hub.stop();
      await gateway.stop();
      folder.remove();
    }
  });
});

// Notification at the hub: builds the channels from config, starts escalation
// when the hub is ready and stops it when the hub closes, and serves
//   POST   /api/notify/receipts                 signed receipts from the SMS/phone gateway
//   GET    /api/notify/web-push-key             the VAPID public key for a page to subscribe
//   POST   /api/notify/push-subscriptions       a logged-in phone subscribes to push
//   DELETE /api/notify/push-subscriptions       … and unsubscribes
//   GET    /api/notify/alerts/:id/deliveries    who was told about an alert, how far it got
import fp from 'fastify-plugin';
import { acknowledgeAlert } from '../alerts/acknowledge.ts';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { Validator } from '../../common/contracts/validator.ts';
import { AlertNotFound } from '../errors.ts';
import type { ChannelName } from '../registry/schemas.ts';
import type { NotificationChannel } from './channel.ts';
import { DashboardChannel } from './dashboard-channel.ts';
import { Dispatcher } from './dispatcher.ts';
import { Escalation } from './escalation.ts';
import { NotificationUnsigned, PushNotConfigured } from './errors.ts';
import { AlertRouter } from './routing.ts';
import { NotifyStore } from './store.ts';
import { WebPushChannel } from './web-push-channel.ts';
import { WebhookChannel, verifyWebhookSignature } from './webhook-channel.ts';

export interface NotifyOptions {
  store: NotifyStore;
}

declare module 'fastify' {
  interface FastifyInstance {
    escalation: Escalation;
    dispatcher: Dispatcher;
  }
}

const Receipt = Type.Object(
  {
    deliveryId: Type.String({ minLength: 1, maxLength: 64 }),
    status: Type.Union([Type.Literal('delivered'), Type.Literal('read'), Type.Literal('failed')]),
    /** The person answered that they are on it (a reply to the SMS, a key on the call). */
    acknowledged: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const receiptValidator = new Validator(Receipt);

const PushSubscription = Type.Object(
  {
    endpoint: Type.String({ pattern: '^https://', maxLength: 1024 }),
    keys: Type.Object(
      {
        p256dh: Type.String({ minLength: 16, maxLength: 256 }),
        auth: Type.String({ minLength: 8, maxLength: 64 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

async function notifyPlugin(app: FastifyInstance, options: NotifyOptions): Promise<void> {
  const { store: hubStore, registry, live, hubConfig } = app;
  const { store } = options;
  const config = hubConfig.notify;
  const log = app.log.child({ feature: 'notify' });

  const channels = new Map<ChannelName, NotificationChannel>();
  channels.set('dashboard', new DashboardChannel(live));
  if (config.webhook) channels.set('webhook', new WebhookChannel(config.webhook, log));
  if (config.webPush) channels.set('webpush', new WebPushChannel(config.webPush, store, log));

  const dispatcher = new Dispatcher(channels, store, hubStore, live, registry, log);
  const router = new AlertRouter(registry, (username) => hubStore.getStaff(username));
  const escalation = new Escalation({
    policies: config.policies,
    store,
    hubStore,
    router,
    dispatcher,
    live,
    log,
  });
  app.decorate('escalation', escalation);
  app.decorate('dispatcher', dispatcher);
  app.addHook('onReady', async () => {
    dispatcher.start();
    await escalation.start();
  });
  app.addHook('preClose', async () => {
    // Channels stop first so that a gateway's back-off does not hold up shutdown.
    const stopping = escalation.stop();
    dispatcher.stop();
    await stopping;
  });

  // Receipts are signed with the webhook secret over the exact bytes sent.
  await app.register(async (receipts) => {
    receipts.addContentTypeParser(
      'application/json',
      { parseAs: 'string', bodyLimit: 16 * 1024 },
      (_request, body, done) => done(null, body),
    );
    receipts.post('/api/notify/receipts', { schema: { tags: ['notify'] } }, async (request) => {
      const body = request.body as string;
      const secret = config.webhook?.secret;
      const header = (name: string) => request.headers[name] as string | undefined;
      if (
        !secret ||
        !verifyWebhookSignature(
          secret,
          header('x-haven-timestamp'),
          body,
          header('x-haven-signature'),
        )
      ) {
        throw new NotificationUnsigned('missing, stale or wrong signature');
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        parsed = undefined;
      }
      const receipt = receiptValidator.validate(parsed);
      if (!receipt.ok) throw new NotificationUnsigned(`receipt is malformed: ${receipt.reason}`);
      const { deliveryId, status, acknowledged } = receipt.value;
      const delivery = await store.getDelivery(deliveryId);
      if (!delivery) return { ok: false };
      await dispatcher.receipt(deliveryId, status, 'gateway');
      if (acknowledged) await acknowledgeByRecipient(delivery.alertId, delivery);
      return { ok: true };
    });
  });

  /** Someone told by phone answered they are on it: the alert is acknowledged in their name. */
  async function acknowledgeByRecipient(
    alertId: string,
    delivery: { recipientKind: string; recipientId: string; id: string },
  ): Promise<void> {
    const alert = await hubStore.getAlert(alertId);
    if (!alert || alert.state !== 'new') return;
    const actor = `${delivery.recipientKind}:${delivery.recipientId}`;
    // As when the police room acknowledges: the wearer feels that help is coming.
    await acknowledgeAlert(app, alertId, actor, { via: 'webhook', delivery: delivery.id });
  }

  const anyStaff = { preHandler: app.requireStaff('viewer', { scoped: true }) };

  app.get('/api/notify/web-push-key', { ...anyStaff, schema: { tags: ['notify'] } }, async () => {
    if (!config.webPush) throw new PushNotConfigured();
    return { publicKey: config.webPush.publicKey };
  });

  app.post(
    '/api/notify/push-subscriptions',
    { ...anyStaff, schema: { body: PushSubscription, tags: ['notify'] } },
    async (request) => {
      if (!config.webPush) throw new PushNotConfigured();
      const subscription = request.body as Static<typeof PushSubscription>;
      const username = request.staff!.username;
      await store.addPushSubscription({
        ...subscription,
        recipientKind: 'staff',
        recipientId: username,
      });
      await hubStore.audit(username, 'push_subscribed', `staff:${username}`);
      return { ok: true };
    },
  );

  app.delete(
    '/api/notify/push-subscriptions',
    {
      ...anyStaff,
      schema: { body: Type.Pick(PushSubscription, ['endpoint']), tags: ['notify'] },
    },
    async (request) => {
      const { endpoint } = request.body as { endpoint: string };
      const username = request.staff!.username;
      const own = await store.pushSubscriptionsOf('staff', username);
      if (own.some((subscription) => subscription.endpoint === endpoint)) {
        await store.removePushSubscription(endpoint);
      }
      return { ok: true };
    },
  );

  app.get(
    '/api/notify/alerts/:id/deliveries',
    {
      ...anyStaff,
      schema: { params: Type.Object({ id: Type.String({ maxLength: 64 }) }), tags: ['notify'] },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const alert = await hubStore.getAlert(id);
      if (!alert || !(await app.scopes.canSeeAlert(request.staff!, alert))) {
        throw new AlertNotFound(id);
      }
      return {
        escalation: (await store.getEscalation(id)) ?? null,
        deliveries: await store.deliveriesOf(id),
      };
    },
  );
}

export default fp(notifyPlugin, {
  name: 'haven-notify',
  dependencies: ['haven-auth', 'haven-registry'],
  decorators: { fastify: ['store', 'registry', 'live', 'hubConfig', 'scopes', 'commands'] },
});

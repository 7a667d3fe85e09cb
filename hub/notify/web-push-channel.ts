// Notices by Web Push (VAPID, RFC 8030/8291 via the web-push package) to every
// phone or browser the recipient subscribed from. The push service accepting
// the message is "sent"; it cannot tell us more. A subscription the service
// says is gone (404/410) is forgotten.
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import webpush from 'web-push';
import type { Logger } from '../../common/log.ts';
import { ChannelFailure, type NotificationChannel, type Notice } from './channel.ts';
import type { NotifyConfig } from './config.ts';
import type { NotifyStore } from './store.ts';

type WebPushConfig = NonNullable<NotifyConfig['webPush']>;

export class WebPushChannel implements NotificationChannel {
  readonly name = 'webpush' as const;
  readonly #agent: Agent;

  constructor(
    private readonly config: WebPushConfig,
    private readonly store: NotifyStore,
    private readonly log: Pick<Logger, 'warn' | 'info'>,
  ) {
    this.#agent = new Agent({
      keepAlive: false,
      ...(config.caFile && { ca: readFileSync(config.caFile) }),
    });
  }

  async send(notice: Notice): Promise<'sent'> {
    const { recipient } = notice;
    // Phones subscribe after logging in, so subscriptions belong to logins.
    const subscriptions = recipient.username
      ? await this.store.pushSubscriptionsOf('staff', recipient.username)
      : [];
    if (subscriptions.length === 0) {
      throw new ChannelFailure(this.name, `${recipient.name} has no phone subscribed to push`);
    }
    const payload = JSON.stringify({
      deliveryId: notice.deliveryId,
      alertId: notice.alert.id,
      title: notice.title,
      body: notice.body,
    });
    const problems: string[] = [];
    let accepted = 0;
    for (const subscription of subscriptions) {
      try {
        await webpush.sendNotification(
          { endpoint: subscription.endpoint, keys: subscription.keys },
          payload,
          {
            vapidDetails: {
              subject: this.config.subject,
              publicKey: this.config.publicKey,
              privateKey: this.config.privateKey,
            },
            TTL: 3600,
            urgency: notice.alert.severity === 'critical' ? 'high' : 'normal',
            timeout: this.config.timeoutMs,
            agent: this.#agent,
          },
        );
        accepted++;
      } catch (error) {
        const status = (error as { statusCode?: number }).statusCode;
        problems.push(status ? `HTTP ${status}` : (error as Error).message);
        if (status === 404 || status === 410) {
          await this.store.removePushSubscription(subscription.endpoint);
          this.log.info(
            { recipient: recipient.id, status },
            'push subscription expired; forgotten',
          );
        }
      }
    }
    if (accepted === 0) {
      throw new ChannelFailure(this.name, `no push service took it: ${problems.join(', ')}`);
    }
    return 'sent';
  }

  stop(): void {
    this.#agent.destroy();
  }
}

// Tells one recipient about one alert: records the delivery as queued, tries
// the recipient's channels in order of preference until one takes it, and
// records every attempt. A failed channel falls back to the next; when all
// fail the delivery is marked failed and the police room sees it in the audit.
// Receipts (delivered, read) from dashboards and gateways move it forward.
import { randomUUID } from 'node:crypto';
import type { Alert } from '../../common/contracts/alert.ts';
import type { Logger } from '../../common/log.ts';
import type { LiveBus } from '../live/bus.ts';
import type { ChannelName } from '../registry/schemas.ts';
import type { RegistryStore } from '../registry/store.ts';
import type { HubStore } from '../store/store.ts';
import { ChannelFailure, type NotificationChannel } from './channel.ts';
import type { ChannelAttempt, Delivery, DeliveryStatus, NotifyStore, Recipient } from './store.ts';

const typeWords: Record<string, string> = {
  sos: 'SOS 一键呼叫',
  fall: '跌倒',
  band_removed: '手环摘下',
  low_battery: '电量低',
  inactivity: '长时间未活动',
};

function describe(alert: Alert, reminder: number): { title: string; body: string } {
  const what = typeWords[alert.type] ?? alert.type;
  const prefix = reminder > 0 ? `[提醒 ${reminder}] ` : '';
  return {
    title: `${prefix}${alert.severity === 'critical' ? '报警' : '告警'}: ${what}`,
    body: `${what} (${alert.subject.kind} ${alert.subject.id}), ${alert.raisedAt}`,
  };
}

export class Dispatcher {
  readonly #onReceipt = (username: string, deliveryId: string, status: DeliveryStatus): void => {
    this.#dashboardReceipt(username, deliveryId, status).catch((error: unknown) => {
      this.log.error({ err: error, delivery: deliveryId }, 'could not record a receipt');
    });
  };

  constructor(
    private readonly channels: Map<ChannelName, NotificationChannel>,
    private readonly store: NotifyStore,
    private readonly hubStore: HubStore,
    private readonly live: LiveBus,
    private readonly registry: RegistryStore,
    private readonly log: Pick<Logger, 'info' | 'warn' | 'error'>,
  ) {}

  start(): void {
    this.live.on('receipt', this.#onReceipt);
  }

  stop(): void {
    this.live.off('receipt', this.#onReceipt);
    for (const channel of this.channels.values()) channel.stop();
  }

  async notify(
    alert: Alert,
    recipient: Recipient,
    tier: number,
    reminder: number,
  ): Promise<Delivery> {
    const now = new Date().toISOString();
    const delivery: Delivery = {
      id: randomUUID(),
      alertId: alert.id,
      recipientKind: recipient.kind,
      recipientId: recipient.id,
      reason: recipient.reason,
      tier,
      reminder,
      channel: null,
      status: 'queued',
      attempts: [],
      createdAt: now,
      updatedAt: now,
    };
    await this.store.createDelivery(delivery);

    const words = describe(alert, reminder);
    for (const name of recipient.channels) {
      const channel = this.channels.get(name);
      const attempt = await this.#try(channel, name, {
        deliveryId: delivery.id,
        alert,
        recipient,
        reminder,
        ...words,
      });
      delivery.attempts.push(attempt);
      if (attempt.outcome !== 'failed') {
        delivery.channel = name;
        delivery.status = attempt.outcome;
        break;
      }
    }
    if (delivery.channel === null) delivery.status = 'failed';
    await this.store.recordAttempts(
      delivery.id,
      delivery.channel,
      delivery.status,
      delivery.attempts,
    );
    await this.hubStore.audit(
      'haven',
      delivery.channel ? 'notified' : 'notification_failed',
      `alert:${alert.id}`,
      {
        delivery: delivery.id,
        recipient: `${recipient.kind}:${recipient.id}`,
        reason: recipient.reason,
        tier,
        reminder,
        channel: delivery.channel,
        attempts: delivery.attempts.map((a) => `${a.channel}:${a.outcome}`),
      },
    );
    const log = { alert: alert.id, recipient: recipient.id, reason: recipient.reason, tier };
    if (delivery.channel) {
      this.log.info({ ...log, channel: delivery.channel, reminder }, 'recipient notified');
    } else {
      this.log.warn({ ...log, attempts: delivery.attempts }, 'no channel reached the recipient');
    }
    return delivery;
  }

  async #try(
    channel: NotificationChannel | undefined,
    name: ChannelName,
    notice: Parameters<NotificationChannel['send']>[0],
  ): Promise<ChannelAttempt> {
    const at = new Date().toISOString();
    if (!channel) return { channel: name, outcome: 'failed', detail: 'channel not configured', at };
    try {
      return { channel: name, outcome: await channel.send(notice), at };
    } catch (error) {
      if (!(error instanceof ChannelFailure)) {
        this.log.error({ err: error, channel: name }, 'channel failed unexpectedly');
      }
      return { channel: name, outcome: 'failed', detail: (error as Error).message, at };
    }
  }

  /** Only the recipient's own dashboard may mark their notice delivered or read. */
  async #dashboardReceipt(
    username: string,
    deliveryId: string,
    status: DeliveryStatus,
  ): Promise<void> {
    const delivery = await this.store.getDelivery(deliveryId);
    if (!delivery) return;
    const login =
      delivery.recipientKind === 'staff'
        ? delivery.recipientId
        : (await this.registry.getContact(delivery.recipientId))?.username;
    if (login !== username) {
      this.log.warn({ username, delivery: deliveryId }, 'receipt for someone else ignored');
      return;
    }
    await this.receipt(deliveryId, status, `staff:${username}`);
  }

  /** A dashboard, gateway or phone reports a delivery got further. */
  async receipt(deliveryId: string, status: DeliveryStatus, from: string): Promise<boolean> {
    const advanced = await this.store.advanceStatus(deliveryId, status);
    if (!advanced) return false;
    await this.hubStore.audit(from, `notification_${status}`, `alert:${advanced.alertId}`, {
      delivery: deliveryId,
    });
    return true;
  }
}

// What notification keeps: each delivery to each recipient with its channel
// attempts, each alert's escalation progress (so timers can be rebuilt after a
// restart), and the Web Push subscriptions of phones. SQLite implementation on
// the hub's database; the tables come from notify/migrations.ts.
import type Database from 'better-sqlite3';
import type { ChannelName } from '../registry/schemas.ts';
import type { EscalationTarget } from './config.ts';

export type DeliveryStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'failed';

/** Later statuses win; a late "sent" never overwrites "read". */
const statusRank: Record<DeliveryStatus, number> = {
  failed: 0,
  queued: 1,
  sent: 2,
  delivered: 3,
  read: 4,
};

export interface Recipient {
  kind: 'staff' | 'contact';
  /** Staff username or contact id. */
  id: string;
  name: string;
  /** Why this person is told. */
  reason: EscalationTarget;
  /** In order of preference. */
  channels: ChannelName[];
  phone: string | null;
  /** The login whose dashboards can show it, if any. */
  username: string | null;
}

export interface ChannelAttempt {
  channel: ChannelName;
  outcome: 'sent' | 'delivered' | 'failed';
  detail?: string;
  at: string;
}

export interface Delivery {
  id: string;
  alertId: string;
  recipientKind: Recipient['kind'];
  recipientId: string;
  reason: string;
  tier: number;
  reminder: number;
  channel: ChannelName | null;
  status: DeliveryStatus;
  attempts: ChannelAttempt[];
  createdAt: string;
  updatedAt: string;
}

export type EscalationPhase = 'running' | 'acknowledged' | 'resolved' | 'completed' | 'gone';

export interface EscalationState {
  alertId: string;
  policy: string;
  /** Index of the last tier notified; -1 before the first. */
  tier: number;
  /** Epoch ms the alert's escalation started; tier times count from here. */
  startedAt: number;
  nextTierAt: number | null;
  nextReminderAt: number | null;
  reminders: number;
  phase: EscalationPhase;
  endedAt: number | null;
}

export interface PushSubscriptionRecord {
  endpoint: string;
  recipientKind: Recipient['kind'];
  recipientId: string;
  keys: { p256dh: string; auth: string };
}

interface DeliveryRow {
  id: string;
  alert_id: string;
  recipient_kind: string;
  recipient_id: string;
  reason: string;
  tier: number;
  reminder: number;
  channel: string | null;
  status: string;
  attempts: string;
  created_at: string;
  updated_at: string;
}

interface EscalationRow {
  alert_id: string;
  policy: string;
  tier: number;
  started_at: number;
  next_tier_at: number | null;
  next_reminder_at: number | null;
  reminders: number;
  state: string;
  ended_at: number | null;
}

function toDelivery(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    alertId: row.alert_id,
    recipientKind: row.recipient_kind as Recipient['kind'],
    recipientId: row.recipient_id,
    reason: row.reason,
    tier: row.tier,
    reminder: row.reminder,
    channel: row.channel as ChannelName | null,
    status: row.status as DeliveryStatus,
    attempts: JSON.parse(row.attempts) as ChannelAttempt[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toEscalation(row: EscalationRow): EscalationState {
  return {
    alertId: row.alert_id,
    policy: row.policy,
    tier: row.tier,
    startedAt: row.started_at,
    nextTierAt: row.next_tier_at,
    nextReminderAt: row.next_reminder_at,
    reminders: row.reminders,
    phase: row.state as EscalationPhase,
    endedAt: row.ended_at,
  };
}

export class NotifyStore {
  constructor(private readonly db: Database.Database) {}

  async createDelivery(delivery: Delivery): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO deliveries (id, alert_id, recipient_kind, recipient_id, reason, tier,
           reminder, channel, status, attempts, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        delivery.id,
        delivery.alertId,
        delivery.recipientKind,
        delivery.recipientId,
        delivery.reason,
        delivery.tier,
        delivery.reminder,
        delivery.channel,
        delivery.status,
        JSON.stringify(delivery.attempts),
        delivery.createdAt,
        delivery.updatedAt,
      );
  }

  async recordAttempts(
    id: string,
    channel: ChannelName | null,
    status: DeliveryStatus,
    attempts: ChannelAttempt[],
  ): Promise<void> {
    this.db
      .prepare(
        `UPDATE deliveries SET channel = ?, status = ?, attempts = ?, updated_at = ? WHERE id = ?`,
      )
      .run(channel, status, JSON.stringify(attempts), new Date().toISOString(), id);
  }

  /** Moves a delivery forward (sent → delivered → read); never backwards. */
  async advanceStatus(id: string, status: DeliveryStatus): Promise<Delivery | undefined> {
    const current = await this.getDelivery(id);
    if (!current || statusRank[status] <= statusRank[current.status]) return undefined;
    this.db
      .prepare('UPDATE deliveries SET status = ?, updated_at = ? WHERE id = ?')
      .run(status, new Date().toISOString(), id);
    return this.getDelivery(id);
  }

  async getDelivery(id: string): Promise<Delivery | undefined> {
    const row = this.db.prepare('SELECT * FROM deliveries WHERE id = ?').get(id) as
      DeliveryRow | undefined;
    return row && toDelivery(row);
  }

  async deliveriesOf(alertId: string): Promise<Delivery[]> {
    const rows = this.db
      .prepare('SELECT * FROM deliveries WHERE alert_id = ? ORDER BY created_at, rowid')
      .all(alertId) as DeliveryRow[];
    return rows.map(toDelivery);
  }

  async saveEscalation(state: EscalationState): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO escalations (alert_id, policy, tier, started_at, next_tier_at,
           next_reminder_at, reminders, state, ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT DO UPDATE SET policy = excluded.policy, tier = excluded.tier,
           started_at = excluded.started_at, next_tier_at = excluded.next_tier_at,
           next_reminder_at = excluded.next_reminder_at, reminders = excluded.reminders,
           state = excluded.state, ended_at = excluded.ended_at`,
      )
      .run(
        state.alertId,
        state.policy,
        state.tier,
        state.startedAt,
        state.nextTierAt,
        state.nextReminderAt,
        state.reminders,
        state.phase,
        state.endedAt,
      );
  }

  async getEscalation(alertId: string): Promise<EscalationState | undefined> {
    const row = this.db.prepare('SELECT * FROM escalations WHERE alert_id = ?').get(alertId) as
      EscalationRow | undefined;
    return row && toEscalation(row);
  }

  async runningEscalations(): Promise<EscalationState[]> {
    const rows = this.db
      .prepare(`SELECT * FROM escalations WHERE state = 'running' ORDER BY started_at`)
      .all() as EscalationRow[];
    return rows.map(toEscalation);
  }

  async addPushSubscription(subscription: PushSubscriptionRecord): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO push_subscriptions (endpoint, recipient_kind, recipient_id, keys, created_at)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT DO UPDATE SET recipient_kind = excluded.recipient_kind,
           recipient_id = excluded.recipient_id, keys = excluded.keys`,
      )
      .run(
        subscription.endpoint,
        subscription.recipientKind,
        subscription.recipientId,
        JSON.stringify(subscription.keys),
        new Date().toISOString(),
      );
  }

  async pushSubscriptionsOf(
    kind: Recipient['kind'],
    id: string,
  ): Promise<PushSubscriptionRecord[]> {
    const rows = this.db
      .prepare(
        `SELECT endpoint, recipient_kind, recipient_id, keys FROM push_subscriptions
         WHERE recipient_kind = ? AND recipient_id = ? ORDER BY created_at`,
      )
      .all(kind, id) as {
      endpoint: string;
      recipient_kind: string;
      recipient_id: string;
      keys: string;
    }[];
    return rows.map((row) => ({
      endpoint: row.endpoint,
      recipientKind: row.recipient_kind as Recipient['kind'],
      recipientId: row.recipient_id,
      keys: JSON.parse(row.keys) as PushSubscriptionRecord['keys'],
    }));
  }

  async removePushSubscription(endpoint: string): Promise<void> {
    this.db.prepare('DELETE FROM push_subscriptions WHERE endpoint = ?').run(endpoint);
  }
}

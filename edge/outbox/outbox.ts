// The durable outbox: every alert, event and telemetry sample the edge accepted
// stays here until the hub confirms it. Critical alerts are sent first.
import { randomUUID } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { UplinkItem } from '../../common/contracts/uplink.ts';
import type { EdgeDatabase } from '../store/database.ts';

/** Lower is sent first. */
export const Priority = {
  criticalAlert: 0,
  alert: 1,
  event: 2,
  status: 3,
  telemetry: 4,
} as const;

/** A range of priorities that one sender serves. */
export interface Lane {
  lowest: number;
  highest: number;
}

export const everything: Lane = { lowest: Priority.criticalAlert, highest: Priority.telemetry };
/** Alerts and clears: sent on their own, never behind a telemetry batch. */
export const alarmLane: Lane = { lowest: Priority.criticalAlert, highest: Priority.alert };
/** Events, device status and telemetry. */
export const bulkLane: Lane = { lowest: Priority.event, highest: Priority.telemetry };

type UplinkBody<K extends UplinkItem['kind']> = Extract<UplinkItem, { kind: K }>['body'];

export interface QueuedItem {
  id: number;
  item: UplinkItem;
}

export class Outbox {
  readonly #database: EdgeDatabase;
  readonly #insert: Statement;
  readonly #take: Statement;
  readonly #countTelemetry: Statement;
  readonly #dropOldTelemetry: Statement;
  readonly #maxTelemetry: number;
  /** Telemetry waiting for the next batched commit, oldest first. */
  #pendingTelemetry: UplinkItem[] = [];
  #flushTimer: NodeJS.Timeout | undefined;
  #listeners = new Set<(priority: number) => void>();

  constructor(database: EdgeDatabase, options: { maxTelemetry: number; flushMs?: number }) {
    this.#database = database;
    this.#maxTelemetry = options.maxTelemetry;
    this.flushMs = options.flushMs ?? 50;
    this.#insert = database.prepare(
      `INSERT OR IGNORE INTO outbox (key, priority, kind, body, created_at)
       VALUES (?, ?, ?, ?, ?)`,
    );
    this.#take = database.prepare(
      `SELECT id, key, kind, body FROM outbox WHERE priority BETWEEN ? AND ?
       ORDER BY priority, id LIMIT ?`,
    );
    this.#countTelemetry = database.prepare(
      `SELECT count(*) AS n FROM outbox WHERE priority = ${Priority.telemetry}`,
    );
    this.#dropOldTelemetry = database.prepare(
      `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox
         WHERE priority = ${Priority.telemetry} ORDER BY id LIMIT ?)`,
    );
  }

  /** How long telemetry may wait in memory before its batched commit. */
  readonly flushMs: number;

  /** Commit now: returns once the item is on disk. For alarms and events. */
  putNow<K extends UplinkItem['kind']>(kind: K, body: UplinkBody<K>, priority: number): string {
    const key = randomUUID();
    this.#insert.run(key, priority, kind, JSON.stringify(body), Date.now());
    this.#notify(priority);
    return key;
  }

  /** Telemetry: committed with others within flushMs. */
  putBatched(body: UplinkBody<'telemetry'>): void {
    this.#pendingTelemetry.push({ key: randomUUID(), kind: 'telemetry', body });
    this.#flushTimer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  flush(): void {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    const pending = this.#pendingTelemetry;
    if (pending.length === 0) return;
    this.#pendingTelemetry = [];
    const now = Date.now();
    this.#database.transaction(() => {
      for (const item of pending) {
        this.#insert.run(item.key, Priority.telemetry, item.kind, JSON.stringify(item.body), now);
      }
      const { n } = this.#countTelemetry.get() as { n: number };
      if (n > this.#maxTelemetry) this.#dropOldTelemetry.run(n - this.#maxTelemetry);
    })();
    this.#notify(Priority.telemetry);
  }

  /** The next items to send, most urgent first. */
  peek(limit: number, lane: Lane = everything): UplinkItem[] {
    const rows = this.#take.all(lane.lowest, lane.highest, limit) as {
      key: string;
      kind: string;
      body: string;
    }[];
    return rows.map(
      (row) => ({ key: row.key, kind: row.kind, body: JSON.parse(row.body) }) as UplinkItem,
    );
  }

  /** The hub holds these now. */
  remove(keys: readonly string[]): void {
    if (keys.length === 0) return;
    const remove = this.#database.prepare('DELETE FROM outbox WHERE key = ?');
    this.#database.transaction(() => {
      for (const key of keys) remove.run(key);
    })();
  }

  /**
   * Items the hub will never take (it said why) leave the queue for the
   * dead-letter table, so one bad item cannot hold up an SOS behind it.
   */
  setAside(rejected: readonly { key: string; reason: string }[]): void {
    if (rejected.length === 0) return;
    const move = this.#database.prepare(
      `INSERT OR REPLACE INTO dead_letter (key, kind, body, reason, set_aside_at)
       SELECT key, kind, body, ?, ? FROM outbox WHERE key = ?`,
    );
    const remove = this.#database.prepare('DELETE FROM outbox WHERE key = ?');
    const now = Date.now();
    this.#database.transaction(() => {
      for (const { key, reason } of rejected) {
        move.run(reason, now, key);
        remove.run(key);
      }
    })();
  }

  setAsideCount(): number {
    return (this.#database.prepare('SELECT count(*) AS n FROM dead_letter').get() as { n: number })
      .n;
  }

  size(): number {
    return (this.#database.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
  }

  /** Called whenever something new was committed. */
  onCommitted(listener: (priority: number) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  stop(): void {
    this.flush();
    this.#listeners.clear();
  }

  #notify(priority: number): void {
    for (const listener of this.#listeners) listener(priority);
  }
}

// What the elderly-care rules remember per band, kept in the edge's SQLite so
// that a restart neither forgets that a band is off the wrist nor restarts
// an inactivity clock. Transitions are written at once (putNow); per-sample
// bookkeeping is written behind, every flushMs, in one transaction.
import type { Statement } from 'better-sqlite3';
import type { EdgeDatabase } from '../store/database.ts';

export class CareStateStore {
  readonly #database: EdgeDatabase;
  readonly #upsert: Statement;
  readonly #delete: Statement;
  /** "rule\tband id" → state; mirrors the table */
  readonly #states = new Map<string, unknown>();
  /** keys changed since the last flush; undefined value means deleted */
  readonly #dirty = new Set<string>();
  #flushTimer: NodeJS.Timeout | undefined;

  constructor(
    database: EdgeDatabase,
    private readonly flushMs = 2000,
  ) {
    this.#database = database;
    this.#upsert = database.prepare(
      `INSERT INTO care_state (rule, band_id, state) VALUES (?, ?, ?)
       ON CONFLICT DO UPDATE SET state = excluded.state`,
    );
    this.#delete = database.prepare('DELETE FROM care_state WHERE rule = ? AND band_id = ?');
    const rows = database.prepare('SELECT rule, band_id, state FROM care_state').all() as {
      rule: string;
      band_id: string;
      state: string;
    }[];
    for (const row of rows) this.#states.set(keyOf(row.rule, row.band_id), JSON.parse(row.state));
  }

  start(): void {
    this.#flushTimer = setInterval(() => this.flush(), this.flushMs);
  }

  stop(): void {
    clearInterval(this.#flushTimer);
    this.#flushTimer = undefined;
    this.flush();
  }

  get<T>(rule: string, bandId: string): T | undefined {
    return this.#states.get(keyOf(rule, bandId)) as T | undefined;
  }

  /** Every band that has state for this rule. */
  bands<T>(rule: string): [bandId: string, state: T][] {
    const prefix = `${rule}\t`;
    const found: [string, T][] = [];
    for (const [key, state] of this.#states) {
      if (key.startsWith(prefix)) found.push([key.slice(prefix.length), state as T]);
    }
    return found;
  }

  /** Remembered now, on disk within flushMs. */
  put(rule: string, bandId: string, state: unknown): void {
    const key = keyOf(rule, bandId);
    this.#states.set(key, state);
    this.#dirty.add(key);
  }

  /** On disk before this returns. */
  putNow(rule: string, bandId: string, state: unknown): void {
    const key = keyOf(rule, bandId);
    this.#states.set(key, state);
    this.#dirty.delete(key);
    this.#upsert.run(rule, bandId, JSON.stringify(state));
  }

  forgetNow(rule: string, bandId: string): void {
    const key = keyOf(rule, bandId);
    if (!this.#states.delete(key) && !this.#dirty.has(key)) return;
    this.#dirty.delete(key);
    this.#delete.run(rule, bandId);
  }

  flush(): void {
    if (this.#dirty.size === 0) return;
    const keys = [...this.#dirty];
    this.#dirty.clear();
    this.#database.transaction(() => {
      for (const key of keys) {
        const [rule, bandId] = key.split('\t') as [string, string];
        const state = this.#states.get(key);
        if (state === undefined) this.#delete.run(rule, bandId);
        else this.#upsert.run(rule, bandId, JSON.stringify(state));
      }
    })();
  }
}

function keyOf(rule: string, bandId: string): string {
  return `${rule}\t${bandId}`;
}

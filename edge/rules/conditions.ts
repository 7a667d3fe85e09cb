// Standing conditions (band off the wrist, battery low) that have raised an
// alert and not yet cleared. Kept in SQLite so that a restart neither forgets
// a condition nor raises it again.
import type { Statement } from 'better-sqlite3';
import type { EdgeDatabase } from '../store/database.ts';

export class StandingConditions {
  readonly #insert: Statement;
  readonly #delete: Statement;
  /** dedupKey → when it was raised (ms); mirrors the table for fast checks. */
  readonly #raised = new Map<string, number>();

  constructor(database: EdgeDatabase) {
    this.#insert = database.prepare(
      'INSERT OR IGNORE INTO conditions (dedup_key, raised_at) VALUES (?, ?)',
    );
    this.#delete = database.prepare('DELETE FROM conditions WHERE dedup_key = ?');
    const rows = database.prepare('SELECT dedup_key, raised_at FROM conditions').all() as {
      dedup_key: string;
      raised_at: number;
    }[];
    for (const row of rows) this.#raised.set(row.dedup_key, row.raised_at);
  }

  isRaised(dedupKey: string): boolean {
    return this.#raised.has(dedupKey);
  }

  /** True when the condition is new and an alert should go out. */
  raise(dedupKey: string, atMs: number): boolean {
    if (this.#raised.has(dedupKey)) return false;
    this.#insert.run(dedupKey, atMs);
    this.#raised.set(dedupKey, atMs);
    return true;
  }

  /** True when the condition was standing and has now cleared. */
  clear(dedupKey: string): boolean {
    if (!this.#raised.has(dedupKey)) return false;
    this.#delete.run(dedupKey);
    this.#raised.delete(dedupKey);
    return true;
  }
}

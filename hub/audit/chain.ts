// A tamper-evident audit log. Each entry's hash covers the previous entry's
// hash and the entry's own fields, so changing, removing or inserting any
// entry breaks the link at the next one, and `haven audit verify` reports the
// first broken link. Cutting entries off the end leaves no broken link; the
// newest hash printed by verify is what to keep elsewhere to catch that.
import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';

export interface ChainedFields {
  at: string;
  actor: string;
  action: string;
  target: string;
  /** The detail exactly as stored (JSON text), or null. */
  detail: string | null;
}

export function auditEntryHash(prevHash: string, entry: ChainedFields): string {
  return createHash('sha256')
    .update(
      JSON.stringify([prevHash, entry.at, entry.actor, entry.action, entry.target, entry.detail]),
    )
    .digest('hex');
}

/** The hash the next entry must chain to: the newest entry's, or '' for none. */
export function latestAuditHash(db: Database.Database): string {
  const row = db
    .prepare('SELECT hash FROM audit WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1')
    .get() as { hash: string } | undefined;
  return row?.hash ?? '';
}

export interface ChainBreak {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  problem: string;
}

export interface ChainReport {
  entries: number;
  /** Entries older than the chain (written before it existed). */
  unchained: number;
  /** Hash of the newest entry: keep it elsewhere to detect a cut-off tail. */
  head: string;
  firstBreak: ChainBreak | null;
}

interface AuditRow extends ChainedFields {
  id: number;
  prev_hash: string | null;
  hash: string | null;
}

export function verifyAuditChain(db: Database.Database): ChainReport {
  const report: ChainReport = { entries: 0, unchained: 0, head: '', firstBreak: null };
  let expectedPrev: string | undefined;
  for (const row of db.prepare('SELECT * FROM audit ORDER BY id').iterate() as Iterable<AuditRow>) {
    report.entries++;
    if (row.hash === null && expectedPrev === undefined) {
      report.unchained++;
      continue;
    }
    const broken = (problem: string): ChainReport => {
      const { id, at, actor, action, target } = row;
      report.firstBreak = { id, at, actor, action, target, problem };
      return report;
    };
    if (row.hash === null) return broken('the entry has no hash inside the chain');
    const prev = expectedPrev ?? '';
    if ((row.prev_hash ?? '') !== prev) {
      return broken('it does not chain to the entry before it (an entry was removed or changed)');
    }
    if (auditEntryHash(prev, row) !== row.hash) {
      return broken('its content does not match its hash (the entry was changed)');
    }
    expectedPrev = row.hash;
    report.head = row.hash;
  }
  return report;
}

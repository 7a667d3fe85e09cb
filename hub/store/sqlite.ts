// The embedded hub store on SQLite (WAL). Migrations run in order at start;
// user_version records how far this file has come.
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Alert, AuditEntry, RaisedAlert, Severity } from '../../common/contracts/alert.ts';
import type { UplinkItem } from '../../common/contracts/uplink.ts';
import { accessMigration } from '../access/migrations.ts';
import { auditChainMigration } from '../audit/migrations.ts';
import { auditEntryHash, latestAuditHash } from '../audit/chain.ts';
import { camerasMigration } from '../cameras/migrations.ts';
import { recordAccessEvent } from '../access/store.ts';
import { facesMigration } from '../faces/migrations.ts';
import { governanceMigration } from '../governance/migrations.ts';
import { mapMigration } from '../map/migrations.ts';
import { notifyMigration } from '../notify/migrations.ts';
import { patrolMigration } from '../patrol/migrations.ts';
import { SqlitePatrolStore } from '../patrol/sqlite.ts';
import { registryMigration } from '../registry/migrations.ts';
import { telemetryMigration } from '../telemetry/migrations.ts';
import { vehiclesMigration } from '../vehicles/migrations.ts';
import { AlertStateMismatch } from './store.ts';
import type {
  AlertChange,
  AlertFilter,
  DeviceState,
  HubStore,
  IngestOutcome,
  Session,
  StaffAccount,
  StoredCommand,
} from './store.ts';

const migrations: string[] = [
  `CREATE TABLE alerts (
     id TEXT PRIMARY KEY,
     type TEXT NOT NULL,
     severity TEXT NOT NULL,
     state TEXT NOT NULL,
     site TEXT NOT NULL,
     edge_id TEXT NOT NULL,
     subject_kind TEXT NOT NULL,
     subject_id TEXT NOT NULL,
     dedup_key TEXT NOT NULL,
     raised_at TEXT NOT NULL,
     received_at TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     occurrences INTEGER NOT NULL DEFAULT 1,
     condition_cleared INTEGER NOT NULL DEFAULT 0,
     assignee TEXT,
     evidence TEXT
   );
   CREATE INDEX alerts_open ON alerts (dedup_key) WHERE state != 'resolved';
   CREATE INDEX alerts_state ON alerts (state, received_at);
   CREATE TABLE ingested_keys (
     key TEXT PRIMARY KEY,
     edge_id TEXT NOT NULL,
     received_at TEXT NOT NULL
   );
   CREATE TABLE audit (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     at TEXT NOT NULL,
     actor TEXT NOT NULL,
     action TEXT NOT NULL,
     target TEXT NOT NULL,
     detail TEXT
   );
   CREATE INDEX audit_target ON audit (target, id);
   CREATE TABLE staff (
     username TEXT PRIMARY KEY,
     display_name TEXT NOT NULL,
     role TEXT NOT NULL,
     password_hash TEXT NOT NULL
   );
   CREATE TABLE sessions (
     token_hash TEXT PRIMARY KEY,
     username TEXT NOT NULL,
     role TEXT NOT NULL,
     expires_at INTEGER NOT NULL
   );
   CREATE TABLE edge_commands (
     id TEXT PRIMARY KEY,
     edge_id TEXT NOT NULL,
     body TEXT NOT NULL,
     created_at TEXT NOT NULL,
     delivered_at TEXT
   );
   CREATE TABLE device_events (
     key TEXT PRIMARY KEY,
     site TEXT NOT NULL,
     device_kind TEXT NOT NULL,
     device_id TEXT NOT NULL,
     kind TEXT NOT NULL,
     at TEXT NOT NULL,
     body TEXT NOT NULL
   );
   CREATE TABLE device_state (
     site TEXT NOT NULL,
     device_kind TEXT NOT NULL,
     device_id TEXT NOT NULL,
     online INTEGER,
     status_at TEXT,
     telemetry TEXT,
     telemetry_at TEXT,
     PRIMARY KEY (site, device_kind, device_id)
   );
   CREATE TABLE telemetry (
     site TEXT NOT NULL,
     device_id TEXT NOT NULL,
     at TEXT NOT NULL,
     body TEXT NOT NULL
   );
   CREATE INDEX telemetry_device ON telemetry (device_id, at);`,
  registryMigration,
  notifyMigration,
  patrolMigration,
  accessMigration,
  facesMigration,
  camerasMigration,
  mapMigration,
  telemetryMigration,
  governanceMigration,
  auditChainMigration,
  vehiclesMigration,
  // Staff written from the config file, so that removing one there removes the
  // account here; accounts made through the registry API are not touched.
  `ALTER TABLE staff ADD COLUMN from_config INTEGER NOT NULL DEFAULT 0;`,
];

/** Lower is more severe. */
const severityRank: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

interface AlertRow {
  id: string;
  type: string;
  severity: string;
  state: string;
  site: string;
  edge_id: string;
  subject_kind: string;
  subject_id: string;
  dedup_key: string;
  raised_at: string;
  received_at: string;
  updated_at: string;
  occurrences: number;
  condition_cleared: number;
  assignee: string | null;
  evidence: string | null;
}

function toAlert(row: AlertRow): Alert {
  return {
    id: row.id,
    type: row.type,
    severity: row.severity as Alert['severity'],
    state: row.state as Alert['state'],
    site: row.site,
    edgeId: row.edge_id,
    subject: { kind: row.subject_kind as Alert['subject']['kind'], id: row.subject_id },
    dedupKey: row.dedup_key,
    raisedAt: row.raised_at,
    receivedAt: row.received_at,
    updatedAt: row.updated_at,
    occurrences: row.occurrences,
    conditionCleared: row.condition_cleared === 1,
    assignee: row.assignee,
    evidence: row.evidence ? (JSON.parse(row.evidence) as Record<string, unknown>) : null,
  };
}

export class SqliteHubStore implements HubStore {
  readonly #db: Database.Database;
  readonly patrol: SqlitePatrolStore;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.#db = new Database(join(dataDir, 'hub.sqlite'));
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = FULL');
    this.#db.pragma('busy_timeout = 5000');
    const current = this.#db.pragma('user_version', { simple: true }) as number;
    for (let version = current; version < migrations.length; version++) {
      this.#db.transaction(() => {
        this.#db.exec(migrations[version]!);
        this.#db.pragma(`user_version = ${version + 1}`);
      })();
    }
    this.patrol = new SqlitePatrolStore(this.#db);
  }

  /** The open database, for feature stores that share it (registry, notify). */
  get database(): Database.Database {
    return this.#db;
  }

  async ingest(edgeId: string, items: UplinkItem[]): Promise<IngestOutcome[]> {
    const seen = this.#db.prepare('SELECT 1 FROM ingested_keys WHERE key = ?');
    const remember = this.#db.prepare(
      'INSERT INTO ingested_keys (key, edge_id, received_at) VALUES (?, ?, ?)',
    );
    return this.#db.transaction(() => {
      const now = new Date().toISOString();
      return items.map((item): IngestOutcome => {
        if (seen.get(item.key)) return { key: item.key, duplicate: true };
        remember.run(item.key, edgeId, now);
        return { key: item.key, duplicate: false, ...this.#apply(edgeId, item, now) };
      });
    })();
  }

  #apply(edgeId: string, item: UplinkItem, now: string): Partial<IngestOutcome> {
    switch (item.kind) {
      case 'alert':
        return this.#raise(edgeId, item.body, now);
      case 'clear':
        return this.#clear(item.body, now);
      case 'band_event': {
        const { site, deviceKind, deviceId, event } = item.body;
        this.#db
          .prepare(
            `INSERT INTO device_events (key, site, device_kind, device_id, kind, at, body)
             VALUES (?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(item.key, site, deviceKind, deviceId, event.kind, event.time, JSON.stringify(event));
        return {};
      }
      case 'telemetry': {
        const { site, deviceKind, deviceId, telemetry } = item.body;
        const body = JSON.stringify(telemetry);
        this.#db
          .prepare('INSERT INTO telemetry (site, device_id, at, body) VALUES (?, ?, ?, ?)')
          .run(site, deviceId, telemetry.time, body);
        this.#db
          .prepare(
            `INSERT INTO device_state (site, device_kind, device_id, telemetry, telemetry_at)
             VALUES (?, ?, ?, ?, ?)
             ON CONFLICT DO UPDATE SET telemetry = excluded.telemetry,
               telemetry_at = excluded.telemetry_at
             WHERE telemetry_at IS NULL OR excluded.telemetry_at >= telemetry_at`,
          )
          .run(site, deviceKind, deviceId, body, telemetry.time);
        return {};
      }
      case 'access':
        recordAccessEvent(this.#db, edgeId, item.key, item.body, now);
        return {};
      case 'device_status': {
        const { site, deviceKind, deviceId, online, at } = item.body;
        this.#db
          .prepare(
            `INSERT INTO device_state (site, device_kind, device_id, online, status_at)
             VALUES (?, ?, ?, ?, ?)
             ON CONFLICT DO UPDATE SET online = excluded.online, status_at = excluded.status_at`,
          )
          .run(site, deviceKind, deviceId, online ? 1 : 0, at);
        return {};
      }
      case 'patrol_scan': {
        const { site, deviceId, scan } = item.body;
        const report = { site, reader: deviceId, report: scan };
        return { patrolScan: this.patrol.recordReaderScanNow(report, Date.parse(now)) };
      }
    }
  }

  #raise(
    edgeId: string,
    raised: Extract<UplinkItem, { kind: 'alert' }>['body'],
    now: string,
  ): Partial<IngestOutcome> {
    // Scoped by site: one site's edge can never touch another site's alerts.
    const open = this.#db
      .prepare(
        `SELECT * FROM alerts WHERE dedup_key = ? AND site = ? AND state != 'resolved' LIMIT 1`,
      )
      .get(raised.dedupKey, raised.site) as AlertRow | undefined;
    if (open) {
      // A standing condition that got worse is the same alert at a higher
      // severity with the newest evidence; it never drops back by itself.
      const escalated = severityRank[raised.severity] < severityRank[open.severity as Severity];
      this.#db
        .prepare(
          `UPDATE alerts SET occurrences = occurrences + 1, condition_cleared = 0,
             updated_at = ?, severity = ?, evidence = coalesce(?, evidence) WHERE id = ?`,
        )
        .run(
          now,
          escalated ? raised.severity : open.severity,
          raised.evidence ? JSON.stringify(raised.evidence) : null,
          open.id,
        );
      if (escalated) {
        this.#auditNow(
          `edge:${edgeId}`,
          'severity_raised',
          `alert:${open.id}`,
          { from: open.severity, to: raised.severity },
          now,
        );
      }
      // A critical alarm raised again after the police room answered (another SOS
      // press, a second fall, a condition that became critical) means the person
      // still needs help: back to new, so the wall sounds again and the next
      // acknowledgement tells the band once more.
      const critical = (escalated ? raised.severity : open.severity) === 'critical';
      if (critical && open.state !== 'new') {
        this.#db.prepare(`UPDATE alerts SET state = 'new' WHERE id = ?`).run(open.id);
        this.#auditNow(
          `edge:${edgeId}`,
          'repeated_after_answer',
          `alert:${open.id}`,
          {
            previousState: open.state,
          },
          now,
        );
      }
      return { changedAlert: this.#alert(open.id), created: false };
    }
    const id = randomUUID();
    this.#db
      .prepare(
        `INSERT INTO alerts (id, type, severity, state, site, edge_id, subject_kind, subject_id,
           dedup_key, raised_at, received_at, updated_at, evidence)
         VALUES (?, ?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        raised.type,
        raised.severity,
        raised.site,
        edgeId,
        raised.subject.kind,
        raised.subject.id,
        raised.dedupKey,
        raised.raisedAt,
        now,
        now,
        raised.evidence ? JSON.stringify(raised.evidence) : null,
      );
    this.#auditNow(`edge:${edgeId}`, 'raised', `alert:${id}`, { type: raised.type }, now);
    return { changedAlert: this.#alert(id), created: true };
  }

  #clear(
    cleared: Extract<UplinkItem, { kind: 'clear' }>['body'],
    now: string,
  ): Partial<IngestOutcome> {
    const open = this.#db
      .prepare(
        `SELECT * FROM alerts WHERE dedup_key = ? AND site = ? AND state != 'resolved' LIMIT 1`,
      )
      .get(cleared.dedupKey, cleared.site) as AlertRow | undefined;
    if (!open) return {};
    const detail = { clearedAt: cleared.clearedAt };
    this.#endOpen(open, `edge:${cleared.edgeId}`, detail, now);
    return { changedAlert: this.#alert(open.id), created: false };
  }

  #endOpen(open: AlertRow, actor: string, detail: Record<string, unknown>, now: string): void {
    // A warning or notice whose condition ended resolves itself; a critical
    // alert waits for a person to close it.
    const autoResolve = open.severity !== 'critical';
    this.#db
      .prepare(
        `UPDATE alerts SET condition_cleared = 1, updated_at = ?,
           state = CASE WHEN ? THEN 'resolved' ELSE state END WHERE id = ?`,
      )
      .run(now, autoResolve ? 1 : 0, open.id);
    this.#auditNow(
      actor,
      autoResolve ? 'resolved' : 'condition_cleared',
      `alert:${open.id}`,
      detail,
      now,
    );
  }

  async raiseOnce(raised: RaisedAlert, actor: string): Promise<Alert | undefined> {
    return this.#db.transaction(() => {
      const ever = this.#db.prepare('SELECT 1 FROM alerts WHERE dedup_key = ? LIMIT 1');
      if (ever.get(raised.dedupKey)) return undefined;
      const now = new Date().toISOString();
      const id = randomUUID();
      this.#db
        .prepare(
          `INSERT INTO alerts (id, type, severity, state, site, edge_id, subject_kind, subject_id,
             dedup_key, raised_at, received_at, updated_at, evidence)
           VALUES (?, ?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          raised.type,
          raised.severity,
          raised.site,
          raised.edgeId,
          raised.subject.kind,
          raised.subject.id,
          raised.dedupKey,
          raised.raisedAt,
          now,
          now,
          raised.evidence ? JSON.stringify(raised.evidence) : null,
        );
      this.#auditNow(actor, 'raised', `alert:${id}`, { type: raised.type }, now);
      return this.#alert(id);
    })();
  }

  async endCondition(dedupKey: string, actor: string, atMs: number): Promise<Alert | undefined> {
    return this.#db.transaction(() => {
      const open = this.#db
        .prepare(`SELECT * FROM alerts WHERE dedup_key = ? AND state != 'resolved' LIMIT 1`)
        .get(dedupKey) as AlertRow | undefined;
      if (!open || open.condition_cleared === 1) return undefined;
      const detail = { clearedAt: new Date(atMs).toISOString() };
      this.#endOpen(open, actor, detail, new Date().toISOString());
      return this.#alert(open.id);
    })();
  }

  #alert(id: string): Alert {
    return toAlert(this.#db.prepare('SELECT * FROM alerts WHERE id = ?').get(id) as AlertRow);
  }

  async listAlerts(filter: AlertFilter): Promise<Alert[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    if (filter.states?.length) {
      where.push(`state IN (${filter.states.map(() => '?').join(',')})`);
      values.push(...filter.states);
    }
    if (filter.type) {
      where.push('type = ?');
      values.push(filter.type);
    }
    if (filter.site) {
      where.push('site = ?');
      values.push(filter.site);
    }
    if (filter.subjects) {
      if (filter.subjects.length === 0) return [];
      where.push(`subject_kind || ':' || subject_id IN (SELECT value FROM json_each(?))`);
      values.push(
        JSON.stringify(filter.subjects.map((subject) => `${subject.kind}:${subject.id}`)),
      );
    }
    const sql = `SELECT * FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END,
        received_at DESC LIMIT ?`;
    const rows = this.#db.prepare(sql).all(...values, filter.limit ?? 200) as AlertRow[];
    return rows.map(toAlert);
  }

  async getAlert(id: string): Promise<Alert | undefined> {
    const row = this.#db.prepare('SELECT * FROM alerts WHERE id = ?').get(id) as
      AlertRow | undefined;
    return row ? toAlert(row) : undefined;
  }

  async changeAlert(
    id: string,
    change: AlertChange,
    audit: { actor: string; action: string; detail?: Record<string, unknown> },
  ): Promise<Alert | undefined> {
    return this.#db.transaction(() => {
      const now = new Date().toISOString();
      const existing = this.#db.prepare('SELECT state FROM alerts WHERE id = ?').get(id) as
        { state: Alert['state'] } | undefined;
      if (!existing) return undefined;
      if (change.fromStates && !change.fromStates.includes(existing.state)) {
        throw new AlertStateMismatch(existing.state);
      }
      if (change.command) {
        const { id: commandId, edgeId, body } = change.command;
        this.#db
          .prepare('INSERT INTO edge_commands (id, edge_id, body, created_at) VALUES (?, ?, ?, ?)')
          .run(commandId, edgeId, body, now);
      }
      if (change.state !== undefined) {
        this.#db
          .prepare('UPDATE alerts SET state = ?, updated_at = ? WHERE id = ?')
          .run(change.state, now, id);
      }
      if (change.assignee !== undefined) {
        this.#db
          .prepare('UPDATE alerts SET assignee = ?, updated_at = ? WHERE id = ?')
          .run(change.assignee, now, id);
      }
      this.#auditNow(audit.actor, audit.action, `alert:${id}`, audit.detail, now);
      return this.#alert(id);
    })();
  }

  async audit(
    actor: string,
    action: string,
    target: string,
    detail?: Record<string, unknown>,
  ): Promise<void> {
    this.#auditNow(actor, action, target, detail, new Date().toISOString());
  }

  #auditNow(
    actor: string,
    action: string,
    target: string,
    detail: Record<string, unknown> | undefined,
    at: string,
  ): void {
    // Each entry chains to the one before it (hub/audit/chain.ts).
    const entry = { at, actor, action, target, detail: detail ? JSON.stringify(detail) : null };
    const prevHash = latestAuditHash(this.#db);
    this.#db
      .prepare(
        `INSERT INTO audit (at, actor, action, target, detail, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(at, actor, action, target, entry.detail, prevHash, auditEntryHash(prevHash, entry));
  }

  async auditTrail(target: string): Promise<AuditEntry[]> {
    const rows = this.#db
      .prepare('SELECT * FROM audit WHERE target = ? ORDER BY id')
      .all(target) as (Omit<AuditEntry, 'detail'> & { detail: string | null })[];
    return rows.map((row) => ({
      ...row,
      detail: row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : null,
    }));
  }

  async upsertStaff(account: StaffAccount): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO staff (username, display_name, role, password_hash) VALUES (?, ?, ?, ?)
         ON CONFLICT DO UPDATE SET display_name = excluded.display_name, role = excluded.role,
           password_hash = excluded.password_hash`,
      )
      .run(account.username, account.displayName, account.role, account.passwordHash);
  }

  async syncConfigStaff(accounts: StaffAccount[]): Promise<string[]> {
    return this.#db.transaction(() => {
      for (const account of accounts) {
        this.#db
          .prepare(
            `INSERT INTO staff (username, display_name, role, password_hash, from_config)
             VALUES (?, ?, ?, ?, 1)
             ON CONFLICT DO UPDATE SET display_name = excluded.display_name,
               role = excluded.role, password_hash = excluded.password_hash, from_config = 1`,
          )
          .run(account.username, account.displayName, account.role, account.passwordHash);
      }
      const keep = new Set(accounts.map((account) => account.username));
      const removed = (
        this.#db.prepare('SELECT username FROM staff WHERE from_config = 1').all() as {
          username: string;
        }[]
      )
        .map((row) => row.username)
        .filter((username) => !keep.has(username));
      for (const username of removed) {
        this.#db.prepare('DELETE FROM sessions WHERE username = ?').run(username);
        this.#db.prepare('DELETE FROM staff WHERE username = ?').run(username);
      }
      return removed;
    })();
  }

  async getStaff(username: string): Promise<StaffAccount | undefined> {
    const row = this.#db.prepare('SELECT * FROM staff WHERE username = ?').get(username) as
      { username: string; display_name: string; role: string; password_hash: string } | undefined;
    if (!row) return undefined;
    return {
      username: row.username,
      displayName: row.display_name,
      role: row.role as StaffAccount['role'],
      passwordHash: row.password_hash,
    };
  }

  async createSession(tokenHash: string, session: Session): Promise<void> {
    this.#db.prepare('DELETE FROM sessions WHERE expires_at < ?').run(Date.now());
    this.#db
      .prepare('INSERT INTO sessions (token_hash, username, role, expires_at) VALUES (?, ?, ?, ?)')
      .run(tokenHash, session.username, session.role, session.expiresAt);
  }

  async getSession(tokenHash: string): Promise<Session | undefined> {
    // The role comes from the account as it is now, not as it was at login:
    // a demoted or removed member of staff loses rights at once.
    const row = this.#db
      .prepare(
        `SELECT sessions.username, staff.role, sessions.expires_at FROM sessions
         JOIN staff ON staff.username = sessions.username WHERE sessions.token_hash = ?`,
      )
      .get(tokenHash) as { username: string; role: string; expires_at: number } | undefined;
    if (!row || row.expires_at < Date.now()) return undefined;
    return {
      username: row.username,
      role: row.role as Session['role'],
      expiresAt: row.expires_at,
    };
  }

  async deleteSession(tokenHash: string): Promise<void> {
    this.#db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash);
  }

  async listDevices(): Promise<DeviceState[]> {
    const rows = this.#db
      .prepare('SELECT * FROM device_state ORDER BY site, device_kind, device_id')
      .all() as {
      site: string;
      device_kind: string;
      device_id: string;
      online: number | null;
      status_at: string | null;
      telemetry: string | null;
      telemetry_at: string | null;
    }[];
    return rows.map((row) => ({
      site: row.site,
      deviceKind: row.device_kind,
      deviceId: row.device_id,
      online: row.online === null ? null : row.online === 1,
      statusAt: row.status_at,
      telemetry: row.telemetry ? (JSON.parse(row.telemetry) as Record<string, unknown>) : null,
      telemetryAt: row.telemetry_at,
    }));
  }

  async queueCommand(command: StoredCommand): Promise<void> {
    this.#db
      .prepare('INSERT INTO edge_commands (id, edge_id, body, created_at) VALUES (?, ?, ?, ?)')
      .run(command.id, command.edgeId, command.body, new Date().toISOString());
  }

  async pendingCommands(edgeId: string): Promise<StoredCommand[]> {
    const rows = this.#db
      .prepare(
        `SELECT id, edge_id, body FROM edge_commands
         WHERE edge_id = ? AND delivered_at IS NULL ORDER BY created_at`,
      )
      .all(edgeId) as { id: string; edge_id: string; body: string }[];
    return rows.map((row) => ({ id: row.id, edgeId: row.edge_id, body: row.body }));
  }

  async markCommandDelivered(id: string, edgeId: string): Promise<void> {
    this.#db
      .prepare('UPDATE edge_commands SET delivered_at = ? WHERE id = ? AND edge_id = ?')
      .run(new Date().toISOString(), id, edgeId);
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}

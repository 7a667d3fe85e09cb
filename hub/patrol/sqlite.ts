// Patrol on the hub's SQLite database (the tables come from
// patrol/migrations.ts, applied by the hub store). The scan methods have a
// synchronous core so that an edge's ingest can record scans in its own
// transaction.
import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import type { Assignment, Checkpoint, Route, Schedule } from '../../common/contracts/patrol.ts';
import type {
  PatrolStore,
  PhoneScanInput,
  ReaderScan,
  RoundPlan,
  ScanOutcome,
  ScanRecord,
  StoredSchedule,
} from './store.ts';

/** A scan time further ahead than this is a broken clock, not a scan. */
const futureSlackMs = 5 * 60_000;
/** Older than this, a queued scan is refused rather than rewriting last week. */
const oldestScanMs = 7 * 24 * 3600_000;

interface CheckpointRow {
  id: string;
  site: string;
  name: string;
  x_m: number;
  y_m: number;
  tag_id: string;
}

interface ScheduleRow {
  id: string;
  route_id: string;
  name: string;
  time_zone: string;
  first_round: string;
  until: string;
  every_minutes: number;
  tolerance_minutes: number;
  active: number;
  created_at: number;
}

interface ScanRow {
  id: string;
  site: string;
  source: string;
  reader: string;
  guard: string;
  tag: string;
  checkpoint_id: string | null;
  scanned_at: number;
  received_at: number;
  problem: string | null;
}

function toCheckpoint(row: CheckpointRow): Checkpoint {
  return {
    id: row.id,
    site: row.site,
    name: row.name,
    location: { xM: row.x_m, yM: row.y_m },
    tagId: row.tag_id,
  };
}

function toSchedule(row: ScheduleRow): StoredSchedule {
  return {
    id: row.id,
    routeId: row.route_id,
    name: row.name,
    timeZone: row.time_zone,
    firstRound: row.first_round,
    until: row.until,
    everyMinutes: row.every_minutes,
    toleranceMinutes: row.tolerance_minutes,
    active: row.active === 1,
    createdAtMs: row.created_at,
  };
}

function toScan(row: ScanRow): ScanRecord {
  return {
    id: row.id,
    site: row.site,
    source: row.source as ScanRecord['source'],
    reader: row.reader,
    guard: row.guard,
    tag: row.tag,
    checkpointId: row.checkpoint_id,
    scannedAtMs: row.scanned_at,
    receivedAtMs: row.received_at,
    problem: row.problem as ScanRecord['problem'],
  };
}

function parsePlan(row: { plan: string }): RoundPlan {
  return JSON.parse(row.plan) as RoundPlan;
}

export class SqlitePatrolStore implements PatrolStore {
  constructor(private readonly db: Database.Database) {}

  async saveCheckpoint(checkpoint: Checkpoint): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO patrol_checkpoints (id, site, name, x_m, y_m, tag_id, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET site = excluded.site, name = excluded.name,
           x_m = excluded.x_m, y_m = excluded.y_m, tag_id = excluded.tag_id,
           updated_at = excluded.updated_at`,
      )
      .run(
        checkpoint.id,
        checkpoint.site,
        checkpoint.name,
        checkpoint.location.xM,
        checkpoint.location.yM,
        checkpoint.tagId,
        new Date().toISOString(),
      );
  }

  async getCheckpoint(id: string): Promise<Checkpoint | undefined> {
    const row = this.db.prepare('SELECT * FROM patrol_checkpoints WHERE id = ?').get(id) as
      CheckpointRow | undefined;
    return row ? toCheckpoint(row) : undefined;
  }

  async checkpointByTag(tagId: string): Promise<Checkpoint | undefined> {
    return this.#checkpointByTag(tagId);
  }

  #checkpointByTag(tagId: string): Checkpoint | undefined {
    const row = this.db.prepare('SELECT * FROM patrol_checkpoints WHERE tag_id = ?').get(tagId) as
      CheckpointRow | undefined;
    return row ? toCheckpoint(row) : undefined;
  }

  async listCheckpoints(): Promise<Checkpoint[]> {
    const rows = this.db
      .prepare('SELECT * FROM patrol_checkpoints ORDER BY site, id')
      .all() as CheckpointRow[];
    return rows.map(toCheckpoint);
  }

  async deleteCheckpoint(id: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM patrol_checkpoints WHERE id = ?').run(id).changes > 0;
  }

  async routesThrough(checkpointId: string): Promise<string[]> {
    const rows = this.db
      .prepare('SELECT DISTINCT route_id FROM patrol_route_stops WHERE checkpoint_id = ?')
      .all(checkpointId) as { route_id: string }[];
    return rows.map((row) => row.route_id);
  }

  async saveRoute(route: Route): Promise<void> {
    const upsert = this.db.prepare(
      `INSERT INTO patrol_routes (id, site, name, ordered, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET site = excluded.site, name = excluded.name,
         ordered = excluded.ordered, updated_at = excluded.updated_at`,
    );
    const clearStops = this.db.prepare('DELETE FROM patrol_route_stops WHERE route_id = ?');
    const addStop = this.db.prepare(
      `INSERT INTO patrol_route_stops (route_id, position, checkpoint_id, walk_seconds)
       VALUES (?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      upsert.run(route.id, route.site, route.name, route.ordered ? 1 : 0, new Date().toISOString());
      clearStops.run(route.id);
      route.stops.forEach((stop, position) => {
        addStop.run(route.id, position, stop.checkpointId, stop.walkSeconds);
      });
    })();
  }

  async getRoute(id: string): Promise<Route | undefined> {
    return (await this.#routes(id))[0];
  }

  async listRoutes(): Promise<Route[]> {
    return this.#routes();
  }

  async #routes(id?: string): Promise<Route[]> {
    const routes = this.db
      .prepare(`SELECT * FROM patrol_routes ${id ? 'WHERE id = ?' : ''} ORDER BY site, id`)
      .all(...(id ? [id] : [])) as { id: string; site: string; name: string; ordered: number }[];
    const stops = this.db.prepare(
      `SELECT checkpoint_id, walk_seconds FROM patrol_route_stops
       WHERE route_id = ? ORDER BY position`,
    );
    return routes.map((row) => ({
      id: row.id,
      site: row.site,
      name: row.name,
      ordered: row.ordered === 1,
      stops: (stops.all(row.id) as { checkpoint_id: string; walk_seconds: number }[]).map(
        (stop) => ({ checkpointId: stop.checkpoint_id, walkSeconds: stop.walk_seconds }),
      ),
    }));
  }

  async deleteRoute(id: string): Promise<boolean> {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM patrol_route_stops WHERE route_id = ?').run(id);
      return this.db.prepare('DELETE FROM patrol_routes WHERE id = ?').run(id).changes > 0;
    })();
  }

  async schedulesOn(routeId: string): Promise<string[]> {
    const rows = this.db
      .prepare('SELECT id FROM patrol_schedules WHERE route_id = ?')
      .all(routeId) as { id: string }[];
    return rows.map((row) => row.id);
  }

  async saveSchedule(schedule: Schedule, nowMs: number): Promise<StoredSchedule> {
    this.db
      .prepare(
        `INSERT INTO patrol_schedules (id, route_id, name, time_zone, first_round, until,
           every_minutes, tolerance_minutes, active, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET route_id = excluded.route_id, name = excluded.name,
           time_zone = excluded.time_zone, first_round = excluded.first_round,
           until = excluded.until, every_minutes = excluded.every_minutes,
           tolerance_minutes = excluded.tolerance_minutes, active = excluded.active,
           updated_at = excluded.updated_at`,
      )
      .run(
        schedule.id,
        schedule.routeId,
        schedule.name,
        schedule.timeZone,
        schedule.firstRound,
        schedule.until,
        schedule.everyMinutes,
        schedule.toleranceMinutes,
        schedule.active ? 1 : 0,
        nowMs,
        new Date(nowMs).toISOString(),
      );
    return (await this.getSchedule(schedule.id))!;
  }

  async getSchedule(id: string): Promise<StoredSchedule | undefined> {
    const row = this.db.prepare('SELECT * FROM patrol_schedules WHERE id = ?').get(id) as
      ScheduleRow | undefined;
    return row ? toSchedule(row) : undefined;
  }

  async listSchedules(): Promise<StoredSchedule[]> {
    const rows = this.db
      .prepare('SELECT * FROM patrol_schedules ORDER BY id')
      .all() as ScheduleRow[];
    return rows.map(toSchedule);
  }

  async deleteSchedule(id: string): Promise<boolean> {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM patrol_assignments WHERE schedule_id = ?').run(id);
      return this.db.prepare('DELETE FROM patrol_schedules WHERE id = ?').run(id).changes > 0;
    })();
  }

  async saveAssignment(assignment: Assignment): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO patrol_assignments (id, schedule_id, guard, from_date, until_date)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET schedule_id = excluded.schedule_id,
           guard = excluded.guard, from_date = excluded.from_date,
           until_date = excluded.until_date`,
      )
      .run(
        assignment.id,
        assignment.scheduleId,
        assignment.guard,
        assignment.fromDate ?? null,
        assignment.untilDate ?? null,
      );
  }

  async listAssignments(): Promise<Assignment[]> {
    const rows = this.db.prepare('SELECT * FROM patrol_assignments ORDER BY id').all() as {
      id: string;
      schedule_id: string;
      guard: string;
      from_date: string | null;
      until_date: string | null;
    }[];
    return rows.map((row) => ({
      id: row.id,
      scheduleId: row.schedule_id,
      guard: row.guard,
      ...(row.from_date !== null && { fromDate: row.from_date }),
      ...(row.until_date !== null && { untilDate: row.until_date }),
    }));
  }

  async deleteAssignment(id: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM patrol_assignments WHERE id = ?').run(id).changes > 0;
  }

  async recordReaderScan(scan: ReaderScan, nowMs: number): Promise<ScanOutcome> {
    return this.recordReaderScanNow(scan, nowMs);
  }

  /** For the hub store's ingest transaction. */
  recordReaderScanNow({ site, reader, report }: ReaderScan, nowMs: number): ScanOutcome {
    const scannedAtMs = Date.parse(report.time);
    const id = createHash('sha256')
      .update(`reader|${site}|${reader}|${report.guard}|${report.tag}|${scannedAtMs}`)
      .digest('hex')
      .slice(0, 32);
    const checkpoint = this.#checkpointByTag(report.tag);
    const ofSite = checkpoint?.site === site ? checkpoint : undefined;
    const isGuard = this.db
      .prepare(`SELECT 1 FROM staff WHERE username = ? AND role = 'guard'`)
      .get(report.guard);
    return this.#record(
      {
        id,
        site,
        source: 'reader',
        reader,
        guard: report.guard,
        tag: report.tag,
        checkpointId: ofSite?.id ?? null,
        scannedAtMs,
        receivedAtMs: nowMs,
        problem: !ofSite ? 'unknown_code' : !isGuard ? 'unknown_guard' : null,
      },
      ofSite,
    );
  }

  async recordPhoneScan(scan: PhoneScanInput, nowMs: number): Promise<ScanOutcome> {
    const checkpoint = this.#checkpointByTag(scan.code);
    return this.#record(
      {
        id: `phone:${scan.guard}:${scan.scanId}`,
        site: checkpoint?.site ?? '',
        source: 'phone',
        reader: 'phone',
        guard: scan.guard,
        tag: scan.code,
        checkpointId: checkpoint?.id ?? null,
        scannedAtMs: scan.scannedAtMs,
        receivedAtMs: nowMs,
        problem: checkpoint ? null : 'unknown_code',
      },
      checkpoint,
    );
  }

  #record(scan: ScanRecord, checkpoint: Checkpoint | undefined): ScanOutcome {
    if (scan.scannedAtMs > scan.receivedAtMs + futureSlackMs) {
      return { status: 'rejected', reason: 'scan time is in the future; check the clock' };
    }
    if (scan.scannedAtMs < scan.receivedAtMs - oldestScanMs) {
      return { status: 'rejected', reason: 'scan is more than 7 days old' };
    }
    const inserted = this.db
      .prepare(
        `INSERT OR IGNORE INTO patrol_scans (id, site, source, reader, guard, tag, checkpoint_id,
           scanned_at, received_at, problem)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        scan.id,
        scan.site,
        scan.source,
        scan.reader,
        scan.guard,
        scan.tag,
        scan.checkpointId,
        scan.scannedAtMs,
        scan.receivedAtMs,
        scan.problem,
      );
    if (inserted.changes === 0) {
      const stored = this.db.prepare('SELECT * FROM patrol_scans WHERE id = ?').get(scan.id);
      return {
        status: 'duplicate',
        scan: toScan(stored as ScanRow),
        ...(checkpoint && { checkpoint }),
      };
    }
    return {
      status: scan.problem ?? 'recorded',
      scan,
      ...(checkpoint && { checkpoint }),
    };
  }

  async scansBetween(fromMs: number, untilMs: number): Promise<ScanRecord[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM patrol_scans WHERE scanned_at >= ? AND scanned_at < ?
         ORDER BY scanned_at, received_at`,
      )
      .all(fromMs, untilMs) as ScanRow[];
    return rows.map(toScan);
  }

  async createRound(round: RoundPlan): Promise<boolean> {
    const result = this.db
      .prepare(
        `INSERT OR IGNORE INTO patrol_rounds (id, schedule_id, shift_date, planned_start,
           accept_from, accept_until, plan)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        round.id,
        round.scheduleId,
        round.shiftDate,
        round.plannedStartMs,
        round.acceptFromMs,
        round.acceptUntilMs,
        JSON.stringify(round),
      );
    return result.changes > 0;
  }

  async getRound(id: string): Promise<RoundPlan | undefined> {
    const row = this.db.prepare('SELECT plan FROM patrol_rounds WHERE id = ?').get(id) as
      { plan: string } | undefined;
    return row ? parsePlan(row) : undefined;
  }

  async openRounds(): Promise<RoundPlan[]> {
    return this.#rounds('closed_at IS NULL');
  }

  async roundsAt(instantMs: number): Promise<RoundPlan[]> {
    return this.#rounds('accept_from <= ? AND accept_until > ?', instantMs, instantMs);
  }

  async roundsOfShift(shiftDate: string): Promise<RoundPlan[]> {
    return this.#rounds('shift_date = ?', shiftDate);
  }

  async roundsStartingBetween(fromMs: number, untilMs: number): Promise<RoundPlan[]> {
    return this.#rounds('planned_start >= ? AND planned_start < ?', fromMs, untilMs);
  }

  #rounds(where: string, ...values: (string | number)[]): RoundPlan[] {
    const rows = this.db
      .prepare(`SELECT plan FROM patrol_rounds WHERE ${where} ORDER BY planned_start, id`)
      .all(...values) as { plan: string }[];
    return rows.map(parsePlan);
  }

  async setRoundGuards(id: string, guards: string[]): Promise<void> {
    const round = await this.getRound(id);
    if (!round) return;
    this.db
      .prepare('UPDATE patrol_rounds SET plan = ? WHERE id = ?')
      .run(JSON.stringify({ ...round, guards }), id);
  }

  async closeRound(id: string, atMs: number): Promise<void> {
    this.db.prepare('UPDATE patrol_rounds SET closed_at = ? WHERE id = ?').run(atMs, id);
  }
}

// What patrol needs from the hub's database. Async like HubStore, so that a
// PostgreSQL implementation can stand in for the embedded SQLite one.
import type {
  Assignment,
  Checkpoint,
  MapPoint,
  PatrolScanReport,
  Route,
  Schedule,
  ScanStatus,
} from '../../common/contracts/patrol.ts';

/** A schedule as stored, with when it was first saved (no round before that is due). */
export interface StoredSchedule extends Schedule {
  createdAtMs: number;
}

/** A round as planned when it came due: later plan edits do not rewrite it. */
export interface RoundPlan {
  id: string;
  site: string;
  scheduleId: string;
  scheduleName: string;
  routeName: string;
  ordered: boolean;
  shiftDate: string;
  plannedStartMs: number;
  toleranceMs: number;
  /** Scans from here until acceptUntilMs count for this round. */
  acceptFromMs: number;
  acceptUntilMs: number;
  stops: { checkpointId: string; name: string; location: MapPoint; walkSeconds: number }[];
  /** Guards assigned for this shift; empty when none were: any guard's scans count. */
  guards: string[];
}

export interface ScanRecord {
  id: string;
  site: string;
  source: 'reader' | 'phone';
  /** The reader's device id, or "phone". */
  reader: string;
  guard: string;
  tag: string;
  /** null when the tag names no checkpoint of the site. */
  checkpointId: string | null;
  scannedAtMs: number;
  receivedAtMs: number;
  /** Why the scan does not count, or null when it does. */
  problem: 'unknown_code' | 'unknown_guard' | null;
}

export interface ScanOutcome {
  status: ScanStatus;
  scan?: ScanRecord;
  checkpoint?: Checkpoint;
  reason?: string;
}

export interface ReaderScan {
  site: string;
  reader: string;
  report: PatrolScanReport;
}

export interface PhoneScanInput {
  guard: string;
  scanId: string;
  code: string;
  scannedAtMs: number;
}

export interface PatrolStore {
  saveCheckpoint(checkpoint: Checkpoint): Promise<void>;
  getCheckpoint(id: string): Promise<Checkpoint | undefined>;
  checkpointByTag(tagId: string): Promise<Checkpoint | undefined>;
  listCheckpoints(): Promise<Checkpoint[]>;
  deleteCheckpoint(id: string): Promise<boolean>;
  /** Routes that stop at this checkpoint. */
  routesThrough(checkpointId: string): Promise<string[]>;

  saveRoute(route: Route): Promise<void>;
  getRoute(id: string): Promise<Route | undefined>;
  listRoutes(): Promise<Route[]>;
  deleteRoute(id: string): Promise<boolean>;
  schedulesOn(routeId: string): Promise<string[]>;

  saveSchedule(schedule: Schedule, nowMs: number): Promise<StoredSchedule>;
  getSchedule(id: string): Promise<StoredSchedule | undefined>;
  listSchedules(): Promise<StoredSchedule[]>;
  /** Deletes the schedule and its assignments; its past rounds stay. */
  deleteSchedule(id: string): Promise<boolean>;

  saveAssignment(assignment: Assignment): Promise<void>;
  listAssignments(): Promise<Assignment[]>;
  deleteAssignment(id: string): Promise<boolean>;

  recordReaderScan(scan: ReaderScan, nowMs: number): Promise<ScanOutcome>;
  recordPhoneScan(scan: PhoneScanInput, nowMs: number): Promise<ScanOutcome>;
  /** Scans made within [fromMs, untilMs), oldest first. */
  scansBetween(fromMs: number, untilMs: number): Promise<ScanRecord[]>;

  /** Stores the round unless it is stored already; true when it was new. */
  createRound(round: RoundPlan): Promise<boolean>;
  getRound(id: string): Promise<RoundPlan | undefined>;
  /** Rounds whose verdict may still change by time alone. */
  openRounds(): Promise<RoundPlan[]>;
  /** Rounds whose scan window contains this instant. */
  roundsAt(instantMs: number): Promise<RoundPlan[]>;
  roundsOfShift(shiftDate: string): Promise<RoundPlan[]>;
  roundsStartingBetween(fromMs: number, untilMs: number): Promise<RoundPlan[]>;
  /** Assignments may change until a round is over: its guards follow them. */
  setRoundGuards(id: string, guards: string[]): Promise<void>;
  closeRound(id: string, atMs: number): Promise<void>;
}

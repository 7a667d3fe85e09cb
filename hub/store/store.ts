// What the hub needs from its database. The SQLite implementation is the
// embedded default; a PostgreSQL one can satisfy the same interface, which is
// why every method returns a promise even though SQLite answers at once.
import type {
  Alert,
  AlertState,
  AlertSubject,
  AuditEntry,
  RaisedAlert,
} from '../../common/contracts/alert.ts';
import type { UplinkItem } from '../../common/contracts/uplink.ts';
import type { StaffRole } from '../config.ts';
import type { PatrolStore, ScanOutcome } from '../patrol/store.ts';

export interface AlertFilter {
  states?: AlertState[];
  type?: string;
  site?: string;
  /** Only alerts about these subjects (what a scoped staff member may see). */
  subjects?: AlertSubject[];
  limit?: number;
}

export interface StaffAccount {
  username: string;
  displayName: string;
  role: StaffRole;
  passwordHash: string;
}

export interface Session {
  username: string;
  role: StaffRole;
  expiresAt: number;
}

export interface StoredCommand {
  id: string;
  edgeId: string;
  body: string;
}

/** What one ingested item did, for live push and logs. */
export interface IngestOutcome {
  key: string;
  duplicate: boolean;
  changedAlert?: Alert;
  created?: boolean;
  /** A reader's patrol scan, for the patrol evaluator. */
  patrolScan?: ScanOutcome;
}

export interface AlertChange {
  state?: AlertState;
  assignee?: string | null;
  /** The change applies only while the alert is in one of these states. */
  fromStates?: AlertState[];
  /** A device command stored in the same transaction as the change. */
  command?: StoredCommand;
}

/** The alert was not in a state the change expected (someone else was quicker). */
export class AlertStateMismatch extends Error {
  constructor(readonly state: AlertState) {
    super(`alert is ${state}`);
  }
}

export interface DeviceState {
  site: string;
  deviceKind: string;
  deviceId: string;
  online: boolean | null;
  statusAt: string | null;
  telemetry: Record<string, unknown> | null;
  telemetryAt: string | null;
}

export interface HubStore {
  /** Patrol plans, scans and rounds, in the same database. */
  readonly patrol: PatrolStore;

  /** Applies items from one edge, each exactly once across retries. */
  ingest(edgeId: string, items: UplinkItem[]): Promise<IngestOutcome[]>;

  listAlerts(filter: AlertFilter): Promise<Alert[]>;
  getAlert(id: string): Promise<Alert | undefined>;
  /** Changes an alert and writes the audit entry in one transaction. */
  changeAlert(
    id: string,
    change: AlertChange,
    audit: { actor: string; action: string; detail?: Record<string, unknown> },
  ): Promise<Alert | undefined>;

  /**
   * An alert the hub itself raises. Undefined when an alert with this dedup key
   * was ever raised, open or resolved: a restart cannot raise it twice.
   */
  raiseOnce(raised: RaisedAlert, actor: string): Promise<Alert | undefined>;
  /** The condition behind an open alert ended, as an edge's clear does. */
  endCondition(dedupKey: string, actor: string, atMs: number): Promise<Alert | undefined>;

  audit(
    actor: string,
    action: string,
    target: string,
    detail?: Record<string, unknown>,
  ): Promise<void>;
  auditTrail(target: string): Promise<AuditEntry[]>;

  upsertStaff(account: StaffAccount): Promise<void>;
  /** Makes the config's staff the accounts from config; returns those removed. */
  syncConfigStaff(accounts: StaffAccount[]): Promise<string[]>;
  getStaff(username: string): Promise<StaffAccount | undefined>;
  createSession(tokenHash: string, session: Session): Promise<void>;
  getSession(tokenHash: string): Promise<Session | undefined>;
  deleteSession(tokenHash: string): Promise<void>;

  listDevices(): Promise<DeviceState[]>;

  queueCommand(command: StoredCommand): Promise<void>;
  pendingCommands(edgeId: string): Promise<StoredCommand[]>;
  markCommandDelivered(id: string, edgeId: string): Promise<void>;

  close(): Promise<void>;
}

// Shapes the hub's API returns, as far as the dashboard reads them.

export type Severity = 'critical' | 'warning' | 'info';
export type AlertState = 'new' | 'acknowledged' | 'dispatched' | 'resolved';
export type Role = 'viewer' | 'operator' | 'admin' | 'grid_worker' | 'family' | 'doctor';

export interface Alert {
  id: string;
  type: string;
  severity: Severity;
  state: AlertState;
  site: string;
  edgeId: string;
  subject: { kind: string; id: string };
  dedupKey: string;
  raisedAt: string;
  receivedAt: string;
  updatedAt: string;
  occurrences: number;
  conditionCleared: boolean;
  assignee: string | null;
  evidence: Record<string, unknown> | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  detail: Record<string, unknown> | null;
}

export interface Me {
  username: string;
  role: Role;
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

export interface Camera {
  id: string;
  name: string;
  site: string;
  placeId: string | null;
  streaming?: { format: string; viewers: number }[];
}

export interface MapItem {
  id: string;
  kind: string;
  refId: string;
  label: string;
  x: number;
  y: number;
}

export interface Grid {
  id: string;
  name: string;
  workers: string[];
}
export interface Place {
  id: string;
  kind: string;
  name: string;
  parentId: string | null;
  gridId: string | null;
}
export interface Household {
  id: string;
  placeId: string;
  name: string | null;
  phone: string | null;
}
export interface Resident {
  id: string;
  householdId: string | null;
  name: string;
  birthYear: number | null;
  livesAlone: boolean;
  careLevel: string;
  phone: string | null;
}
export interface Contact {
  id: string;
  kind: string;
  name: string;
  relation: string;
  phone: string | null;
}
export interface DeviceBinding {
  deviceKind: string;
  deviceId: string;
  residentId: string | null;
  placeId: string | null;
}

export interface AccessEntry {
  key: string;
  site: string;
  gateId: string;
  at: string;
  decision: string;
  residentId: string | null;
  residentName: string | null;
  watchList: boolean;
  score: number | null;
  hasThumbnail?: boolean;
}

/** Viewers watch; every other role may act on the alerts it can see. */
export function canOperate(role: Role | undefined): boolean {
  return role !== undefined && role !== 'viewer';
}

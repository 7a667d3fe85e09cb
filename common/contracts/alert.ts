// Alerts: raised at the edge, stored and driven through their lifecycle at the hub.
import { Type, type Static } from '@sinclair/typebox';
import { Timestamp } from './band.ts';

export const Severity = Type.Union([
  Type.Literal('critical'),
  Type.Literal('warning'),
  Type.Literal('info'),
]);
export type Severity = Static<typeof Severity>;

export const AlertState = Type.Union([
  Type.Literal('new'),
  Type.Literal('acknowledged'),
  Type.Literal('dispatched'),
  Type.Literal('resolved'),
]);
export type AlertState = Static<typeof AlertState>;

export const AlertSubject = Type.Object(
  {
    kind: Type.Union([
      Type.Literal('band'),
      Type.Literal('gate'),
      Type.Literal('camera'),
      Type.Literal('zone'),
      Type.Literal('patrol'),
      Type.Literal('resident'),
      Type.Literal('edge'),
    ]),
    id: Type.String({ minLength: 1, maxLength: 128 }),
  },
  { additionalProperties: false },
);
export type AlertSubject = Static<typeof AlertSubject>;

/** An alert as the edge raises it. dedupKey names the standing condition. */
export const RaisedAlert = Type.Object(
  {
    type: Type.String({ minLength: 1, maxLength: 64 }),
    severity: Severity,
    site: Type.String({ minLength: 1, maxLength: 64 }),
    edgeId: Type.String({ minLength: 1, maxLength: 64 }),
    subject: AlertSubject,
    dedupKey: Type.String({ minLength: 1, maxLength: 256 }),
    raisedAt: Timestamp,
    /** Telemetry, position or snapshot reference that shows why. */
    evidence: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);
export type RaisedAlert = Static<typeof RaisedAlert>;

/** The edge saw a standing condition end (band worn again, battery charged). */
export const ClearedCondition = Type.Object(
  {
    site: Type.String(),
    edgeId: Type.String(),
    dedupKey: Type.String({ minLength: 1, maxLength: 256 }),
    clearedAt: Timestamp,
  },
  { additionalProperties: false },
);
export type ClearedCondition = Static<typeof ClearedCondition>;

export const Alert = Type.Object({
  id: Type.String(),
  type: Type.String(),
  severity: Severity,
  state: AlertState,
  site: Type.String(),
  edgeId: Type.String(),
  subject: AlertSubject,
  dedupKey: Type.String(),
  raisedAt: Timestamp,
  receivedAt: Timestamp,
  updatedAt: Timestamp,
  occurrences: Type.Integer(),
  conditionCleared: Type.Boolean(),
  assignee: Type.Union([Type.String(), Type.Null()]),
  evidence: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
});
export type Alert = Static<typeof Alert>;

export const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: Timestamp,
  actor: Type.String(),
  action: Type.String(),
  target: Type.String(),
  detail: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
});
export type AuditEntry = Static<typeof AuditEntry>;

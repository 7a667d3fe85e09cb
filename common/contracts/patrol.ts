// Electronic patrol (巡更): what a checkpoint reader publishes at the edge, what
// the guard's phone posts to the hub, and the plans the hub keeps.
//   haven/{site}/patrol/{reader}/scan   PatrolScanReport
import { Type, type Static } from '@sinclair/typebox';
import { Timestamp } from './band.ts';

const Id = Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' });
const SiteId = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });
/** What a checkpoint's NFC/iButton tag or QR code holds. */
export const TagId = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$' });
/** A guard is a staff account; readers learn his username from his card. */
// Known shortcoming: no card-number → guard table; a reader must report the username.
const GuardName = Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' });
/** A local date, YYYY-MM-DD. */
export const LocalDate = Type.String({
  pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$',
});
/** A local time of day, HH:MM (24 h). */
const LocalTime = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' });

/** One tag read by a reader. */
export const PatrolScanReport = Type.Object(
  {
    /** When the tag was read, by the reader's clock; kept even when it arrives late. */
    time: Timestamp,
    tag: TagId,
    guard: GuardName,
  },
  { additionalProperties: false },
);
export type PatrolScanReport = Static<typeof PatrolScanReport>;

/** One code the guard's phone read or the guard typed, sent when the phone is online. */
export const PhoneScan = Type.Object(
  {
    /** Made by the phone at scan time, so that a resend is recognised. */
    scanId: Type.String({ pattern: '^[A-Za-z0-9-]{8,64}$' }),
    code: TagId,
    time: Timestamp,
  },
  { additionalProperties: false },
);
export type PhoneScan = Static<typeof PhoneScan>;

export const PhoneScanBatch = Type.Object(
  { scans: Type.Array(PhoneScan, { minItems: 1, maxItems: 500 }) },
  { additionalProperties: false },
);
export type PhoneScanBatch = Static<typeof PhoneScanBatch>;

export const ScanStatus = Type.Union([
  Type.Literal('recorded'),
  Type.Literal('duplicate'),
  Type.Literal('unknown_code'),
  Type.Literal('unknown_guard'),
  Type.Literal('rejected'),
]);
export type ScanStatus = Static<typeof ScanStatus>;

export const ScanResult = Type.Object({
  scanId: Type.String(),
  status: ScanStatus,
  checkpoint: Type.Optional(Type.Object({ id: Type.String(), name: Type.String() })),
  reason: Type.Optional(Type.String()),
});
export type ScanResult = Static<typeof ScanResult>;

/** Metres east (x) and north (y) of the community map's origin. */
export const MapPoint = Type.Object(
  {
    xM: Type.Number({ minimum: -100_000, maximum: 100_000 }),
    yM: Type.Number({ minimum: -100_000, maximum: 100_000 }),
  },
  { additionalProperties: false },
);
export type MapPoint = Static<typeof MapPoint>;

const checkpointFields = {
  site: SiteId,
  /** As the guards and the police room call it, e.g. "3号楼东门". */
  name: Type.String({ minLength: 1, maxLength: 64 }),
  location: MapPoint,
  /** Unique across the hub: the code on the checkpoint's tag or QR sticker. */
  tagId: TagId,
};
export const CheckpointBody = Type.Object(checkpointFields, { additionalProperties: false });
export type CheckpointBody = Static<typeof CheckpointBody>;
export const Checkpoint = Type.Object({ id: Id, ...checkpointFields });
export type Checkpoint = Static<typeof Checkpoint>;

export const RouteStop = Type.Object(
  {
    checkpointId: Id,
    /** Expected walking time from the previous stop; 0 for the first. */
    walkSeconds: Type.Integer({ minimum: 0, maximum: 4 * 3600 }),
  },
  { additionalProperties: false },
);
export type RouteStop = Static<typeof RouteStop>;

const routeFields = {
  site: SiteId,
  name: Type.String({ minLength: 1, maxLength: 64 }),
  /** Ordered: the stops are walked in this order. Unordered: any order within the round. */
  ordered: Type.Boolean(),
  stops: Type.Array(RouteStop, { minItems: 1, maxItems: 200 }),
};
export const RouteBody = Type.Object(routeFields, { additionalProperties: false });
export type RouteBody = Static<typeof RouteBody>;
export const Route = Type.Object({ id: Id, ...routeFields });
export type Route = Static<typeof Route>;

const scheduleFields = {
  routeId: Id,
  name: Type.String({ minLength: 1, maxLength: 64 }),
  /** IANA zone the times are in. Default Asia/Shanghai. */
  timeZone: Type.String({ minLength: 1, maxLength: 64, default: 'Asia/Shanghai' }),
  /** The first round of the shift starts at this local time. */
  firstRound: LocalTime,
  /** Rounds start every everyMinutes while before this local time (past midnight if earlier). */
  until: LocalTime,
  everyMinutes: Type.Integer({ minimum: 10, maximum: 24 * 60 }),
  /** How late a round may start, and a checkpoint be scanned, before it is an alert. */
  toleranceMinutes: Type.Integer({ minimum: 1, maximum: 120, default: 10 }),
  active: Type.Boolean({ default: true }),
};
export const ScheduleBody = Type.Object(scheduleFields, { additionalProperties: false });
export type ScheduleBody = Static<typeof ScheduleBody>;
export const Schedule = Type.Object({ id: Id, ...scheduleFields });
export type Schedule = Static<typeof Schedule>;

const assignmentFields = {
  scheduleId: Id,
  guard: GuardName,
  /** First and last shift (the local date its first round starts) this covers. */
  fromDate: Type.Optional(LocalDate),
  untilDate: Type.Optional(LocalDate),
};
export const AssignmentBody = Type.Object(assignmentFields, { additionalProperties: false });
export type AssignmentBody = Static<typeof AssignmentBody>;
export const Assignment = Type.Object({ id: Id, ...assignmentFields });
export type Assignment = Static<typeof Assignment>;

export const StopStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('on_time'),
  Type.Literal('late'),
  Type.Literal('missed'),
]);
export type StopStatus = Static<typeof StopStatus>;

export const Anomaly = Type.Object({
  kind: Type.Union([Type.Literal('out_of_order'), Type.Literal('too_fast')]),
  scanId: Type.String(),
  guard: Type.String(),
  checkpointId: Type.String(),
  previousCheckpointId: Type.String(),
  at: Timestamp,
  gapSeconds: Type.Number(),
  expectedWalkSeconds: Type.Number(),
});
export type Anomaly = Static<typeof Anomaly>;

export const RoundState = Type.Union([
  Type.Literal('upcoming'),
  Type.Literal('waiting'),
  Type.Literal('not_started'),
  Type.Literal('in_progress'),
  Type.Literal('completed'),
  Type.Literal('incomplete'),
]);
export type RoundState = Static<typeof RoundState>;

export const RoundView = Type.Object({
  id: Type.String(),
  site: Type.String(),
  scheduleId: Type.String(),
  scheduleName: Type.String(),
  routeName: Type.String(),
  ordered: Type.Boolean(),
  /** The local date the shift's first round starts. */
  shiftDate: LocalDate,
  plannedStart: Timestamp,
  startDeadline: Timestamp,
  endsAt: Timestamp,
  guards: Type.Array(Type.String()),
  state: RoundState,
  startedAt: Type.Union([Timestamp, Type.Null()]),
  startDelayMinutes: Type.Union([Type.Number(), Type.Null()]),
  stops: Type.Array(
    Type.Object({
      checkpointId: Type.String(),
      name: Type.String(),
      due: Timestamp,
      windowCloses: Timestamp,
      status: StopStatus,
      scannedAt: Type.Union([Timestamp, Type.Null()]),
      guard: Type.Union([Type.String(), Type.Null()]),
      repeats: Type.Integer(),
    }),
  ),
  anomalies: Type.Array(Anomaly),
});
export type RoundView = Static<typeof RoundView>;

export const GuardSummary = Type.Object({
  guard: Type.String(),
  rounds: Type.Array(Type.String()),
  checkpointsScanned: Type.Integer(),
  lateCheckpoints: Type.Integer(),
  anomalies: Type.Integer(),
});
export type GuardSummary = Static<typeof GuardSummary>;

export const ShiftReport = Type.Object({
  shiftDate: LocalDate,
  generatedAt: Timestamp,
  rounds: Type.Array(
    Type.Object({
      round: RoundView,
      checkpointsPlanned: Type.Integer(),
      checkpointsScanned: Type.Integer(),
      completionPercent: Type.Number(),
      lateCheckpoints: Type.Integer(),
      missedCheckpoints: Type.Array(Type.String()),
    }),
  ),
  guards: Type.Array(GuardSummary),
});
export type ShiftReport = Static<typeof ShiftReport>;

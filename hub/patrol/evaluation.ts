// The verdict on one round from its plan, the scans the hub holds and the time:
// which checkpoints were scanned in their window, late or missed, which scans
// were out of order or faster than walking allows, and which alert conditions
// stand or have ended. Pure, so the evaluator, the guard's page and the shift
// report all see the same answer, and a restart recomputes the same one.
//
// Windows: a round's checkpoints are due one walking time after another from
// its start. The start is the planned one, or the guard's first scan when he
// began late, so one late start does not turn into a missed alert per checkpoint.
import type { Anomaly, RoundState, StopStatus } from '../../common/contracts/patrol.ts';
import type { RoundPlan, ScanRecord } from './store.ts';

export interface EvaluationSettings {
  /** A pair of scans faster than this share of the expected walk is flagged. */
  tooFastFraction: number;
  /** Walking speed for pairs of checkpoints that are not neighbours on the route. */
  walkingSpeedMps: number;
}

export interface StopVerdict {
  checkpointId: string;
  name: string;
  dueMs: number;
  closesMs: number;
  status: StopStatus;
  scan: ScanRecord | undefined;
  /** Further scans of the same checkpoint in this round. */
  repeats: number;
}

export type PatrolAlertType =
  'patrol_round_not_started' | 'patrol_checkpoint_missed' | 'patrol_scan_too_fast';

export interface PatrolCondition {
  dedupKey: string;
  type: PatrolAlertType;
  /** The checkpoint or round the alert is about. */
  subjectId: string;
  raisedAtMs: number;
  evidence: Record<string, unknown>;
}

export interface RoundVerdict {
  state: RoundState;
  startedAtMs: number | undefined;
  startDeadlineMs: number;
  endsAtMs: number;
  stops: StopVerdict[];
  anomalies: Anomaly[];
  /** Conditions that stand now: raise each once. */
  raise: PatrolCondition[];
  /** Dedup keys of conditions that have ended: clear the alert if open. */
  clear: string[];
  /** When the verdict next changes by time alone, if it still can. */
  nextDeadlineMs: number | undefined;
}

export function conditionKey(roundId: string, what: string): string {
  return `patrol:${roundId}:${what}`;
}

export function evaluateRound(
  plan: RoundPlan,
  allScans: readonly ScanRecord[],
  nowMs: number,
  settings: EvaluationSettings,
): RoundVerdict {
  const scans = acceptedScans(plan, allScans);
  const startDeadlineMs = plan.plannedStartMs + plan.toleranceMs;
  const offsets = dueOffsetsMs(plan);
  const first = scans[0];
  const anchorMs = first ? startAnchorMs(plan, first, offsets) : plan.plannedStartMs;

  const stops = plan.stops.map((stop, index): StopVerdict => {
    const dueMs = anchorMs + offsets[index]!;
    const closesMs = Math.min(dueMs + plan.toleranceMs, plan.acceptUntilMs);
    const own = scans.filter((scan) => scan.checkpointId === stop.checkpointId);
    const scan = own[0];
    return {
      checkpointId: stop.checkpointId,
      name: stop.name,
      dueMs,
      closesMs,
      status: stopStatus(scan, closesMs, nowMs, first !== undefined),
      scan,
      repeats: Math.max(0, own.length - 1),
    };
  });

  const firsts = stops.flatMap((stop) => (stop.scan ? [stop.scan] : []));
  firsts.sort((a, b) => a.scannedAtMs - b.scannedAtMs);
  const anomalies = [...outOfOrder(plan, firsts), ...tooFast(plan, firsts, settings)];
  const completed = stops.every((stop) => stop.scan !== undefined);
  const startedOnTime = first !== undefined && first.scannedAtMs <= startDeadlineMs;
  const endsAtMs = Math.max(...stops.map((stop) => stop.closesMs));

  const verdict: RoundVerdict = {
    state: roundState(plan, nowMs, first, completed, startDeadlineMs, endsAtMs),
    startedAtMs: first?.scannedAtMs,
    startDeadlineMs,
    endsAtMs,
    stops,
    anomalies,
    raise: [],
    clear: [],
    nextDeadlineMs: nextDeadline(plan, stops, nowMs, first !== undefined, startDeadlineMs),
  };
  judge(plan, verdict, nowMs, { completed, startedOnTime, started: first !== undefined });
  return verdict;
}

/** Scans that count for this round: its checkpoints, its guards, its window. */
function acceptedScans(plan: RoundPlan, scans: readonly ScanRecord[]): ScanRecord[] {
  const checkpoints = new Set(plan.stops.map((stop) => stop.checkpointId));
  return scans
    .filter(
      (scan) =>
        scan.problem === null &&
        scan.checkpointId !== null &&
        checkpoints.has(scan.checkpointId) &&
        (plan.guards.length === 0 || plan.guards.includes(scan.guard)) &&
        scan.scannedAtMs >= plan.acceptFromMs &&
        scan.scannedAtMs < plan.acceptUntilMs,
    )
    .sort((a, b) => a.scannedAtMs - b.scannedAtMs || a.receivedAtMs - b.receivedAtMs);
}

/** How long after the round's start each stop is due. Unordered: all by the end. */
function dueOffsetsMs(plan: RoundPlan): number[] {
  let total = 0;
  const cumulative = plan.stops.map((stop, index) => {
    if (index > 0) total += stop.walkSeconds * 1000;
    return total;
  });
  return plan.ordered ? cumulative : cumulative.map(() => total);
}

function startAnchorMs(plan: RoundPlan, first: ScanRecord, offsets: number[]): number {
  const index = plan.stops.findIndex((stop) => stop.checkpointId === first.checkpointId);
  const offset = plan.ordered ? offsets[index]! : 0;
  return Math.max(plan.plannedStartMs, first.scannedAtMs - offset);
}

function stopStatus(
  scan: ScanRecord | undefined,
  closesMs: number,
  nowMs: number,
  started: boolean,
): StopStatus {
  if (scan) return scan.scannedAtMs <= closesMs ? 'on_time' : 'late';
  return started && nowMs >= closesMs ? 'missed' : 'pending';
}

function roundState(
  plan: RoundPlan,
  nowMs: number,
  first: ScanRecord | undefined,
  completed: boolean,
  startDeadlineMs: number,
  endsAtMs: number,
): RoundState {
  if (completed) return 'completed';
  if (!first) {
    if (nowMs < plan.plannedStartMs) return 'upcoming';
    return nowMs < startDeadlineMs ? 'waiting' : 'not_started';
  }
  return nowMs < endsAtMs ? 'in_progress' : 'incomplete';
}

function outOfOrder(plan: RoundPlan, firsts: ScanRecord[]): Anomaly[] {
  if (!plan.ordered) return [];
  const position = new Map(plan.stops.map((stop, index) => [stop.checkpointId, index]));
  const anomalies: Anomaly[] = [];
  let furthest: ScanRecord | undefined;
  for (const scan of firsts) {
    const index = position.get(scan.checkpointId!)!;
    if (furthest && index < position.get(furthest.checkpointId!)!) {
      anomalies.push(anomaly('out_of_order', scan, furthest, 0));
    } else {
      furthest = scan;
    }
  }
  return anomalies;
}

/** Consecutive scans by one guard closer in time than walking between them allows. */
function tooFast(plan: RoundPlan, firsts: ScanRecord[], settings: EvaluationSettings): Anomaly[] {
  const anomalies: Anomaly[] = [];
  /** guard → his previous scan in this round */
  const previous = new Map<string, ScanRecord>();
  for (const scan of firsts) {
    const before = previous.get(scan.guard);
    previous.set(scan.guard, scan);
    if (!before) continue;
    const expectedSeconds = walkSeconds(plan, before.checkpointId!, scan.checkpointId!, settings);
    const gapSeconds = (scan.scannedAtMs - before.scannedAtMs) / 1000;
    if (gapSeconds < expectedSeconds * settings.tooFastFraction) {
      anomalies.push(anomaly('too_fast', scan, before, expectedSeconds));
    }
  }
  return anomalies;
}

/** The planned walk between neighbours on the route, else the straight line at walking pace. */
function walkSeconds(
  plan: RoundPlan,
  fromId: string,
  toId: string,
  settings: EvaluationSettings,
): number {
  const from = plan.stops.findIndex((stop) => stop.checkpointId === fromId);
  const to = plan.stops.findIndex((stop) => stop.checkpointId === toId);
  if (to === from + 1) return plan.stops[to]!.walkSeconds;
  if (from === to + 1) return plan.stops[from]!.walkSeconds;
  const a = plan.stops[from]!.location;
  const b = plan.stops[to]!.location;
  return Math.hypot(a.xM - b.xM, a.yM - b.yM) / settings.walkingSpeedMps;
}

function anomaly(
  kind: Anomaly['kind'],
  scan: ScanRecord,
  previous: ScanRecord,
  expectedSeconds: number,
): Anomaly {
  return {
    kind,
    scanId: scan.id,
    guard: scan.guard,
    checkpointId: scan.checkpointId!,
    previousCheckpointId: previous.checkpointId!,
    at: new Date(scan.scannedAtMs).toISOString(),
    gapSeconds: Math.round((scan.scannedAtMs - previous.scannedAtMs) / 1000),
    expectedWalkSeconds: Math.round(expectedSeconds),
  };
}

function nextDeadline(
  plan: RoundPlan,
  stops: StopVerdict[],
  nowMs: number,
  started: boolean,
  startDeadlineMs: number,
): number | undefined {
  const times = [plan.acceptUntilMs];
  if (!started) times.push(startDeadlineMs);
  for (const stop of stops) if (!stop.scan) times.push(stop.closesMs);
  const future = times.filter((time) => time > nowMs);
  return future.length > 0 ? Math.min(...future) : undefined;
}

function judge(
  plan: RoundPlan,
  verdict: RoundVerdict,
  nowMs: number,
  facts: { completed: boolean; startedOnTime: boolean; started: boolean },
): void {
  const base = {
    round: plan.id,
    schedule: plan.scheduleName,
    route: plan.routeName,
    plannedStart: new Date(plan.plannedStartMs).toISOString(),
    guards: plan.guards,
  };

  const notStarted = conditionKey(plan.id, 'not-started');
  if (facts.startedOnTime || facts.completed) {
    verdict.clear.push(notStarted);
  } else if (nowMs >= verdict.startDeadlineMs) {
    verdict.raise.push({
      dedupKey: notStarted,
      type: 'patrol_round_not_started',
      subjectId: plan.id,
      raisedAtMs: verdict.startDeadlineMs,
      evidence: { ...base, startDeadline: new Date(verdict.startDeadlineMs).toISOString() },
    });
  }

  for (const stop of verdict.stops) {
    const missed = conditionKey(plan.id, `missed:${stop.checkpointId}`);
    if (stop.scan) {
      verdict.clear.push(missed);
    } else if (stop.status === 'missed') {
      verdict.raise.push({
        dedupKey: missed,
        type: 'patrol_checkpoint_missed',
        subjectId: stop.checkpointId,
        raisedAtMs: stop.closesMs,
        evidence: {
          ...base,
          checkpoint: { id: stop.checkpointId, name: stop.name },
          windowClosed: new Date(stop.closesMs).toISOString(),
        },
      });
    }
  }

  for (const found of verdict.anomalies) {
    if (found.kind !== 'too_fast') continue;
    verdict.raise.push({
      dedupKey: conditionKey(plan.id, `too-fast:${found.scanId}`),
      type: 'patrol_scan_too_fast',
      subjectId: found.checkpointId,
      raisedAtMs: Date.parse(found.at),
      evidence: { ...base, ...found },
    });
  }
}

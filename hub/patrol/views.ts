// Rounds as the API shows them: a stored round with its verdict, or a round
// the schedules plan but that has not come due yet.
import type { RoundView } from '../../common/contracts/patrol.ts';
import { roundId, roundsBetween } from './calendar.ts';
import type { RoundVerdict } from './evaluation.ts';
import { guardsOnShift } from './guards.ts';
import type { PatrolStore, RoundPlan } from './store.ts';

const minuteMs = 60_000;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function roundView(plan: RoundPlan, verdict: RoundVerdict): RoundView {
  const { startedAtMs } = verdict;
  return {
    id: plan.id,
    site: plan.site,
    scheduleId: plan.scheduleId,
    scheduleName: plan.scheduleName,
    routeName: plan.routeName,
    ordered: plan.ordered,
    shiftDate: plan.shiftDate,
    plannedStart: iso(plan.plannedStartMs),
    startDeadline: iso(verdict.startDeadlineMs),
    endsAt: iso(verdict.endsAtMs),
    guards: plan.guards,
    state: verdict.state,
    startedAt: startedAtMs === undefined ? null : iso(startedAtMs),
    startDelayMinutes:
      startedAtMs === undefined
        ? null
        : Math.max(0, Math.round((startedAtMs - plan.plannedStartMs) / minuteMs)),
    stops: verdict.stops.map((stop) => ({
      checkpointId: stop.checkpointId,
      name: stop.name,
      due: iso(stop.dueMs),
      windowCloses: iso(stop.closesMs),
      status: stop.status,
      scannedAt: stop.scan ? iso(stop.scan.scannedAtMs) : null,
      guard: stop.scan?.guard ?? null,
      repeats: stop.repeats,
    })),
    anomalies: verdict.anomalies,
  };
}

/** Rounds the schedules plan in [fromMs, untilMs) that are not stored yet. */
export async function upcomingRounds(
  patrol: PatrolStore,
  fromMs: number,
  untilMs: number,
  stored: ReadonlySet<string>,
): Promise<RoundView[]> {
  const views: RoundView[] = [];
  const checkpoints = new Map((await patrol.listCheckpoints()).map((c) => [c.id, c]));
  const assignments = await patrol.listAssignments();
  for (const schedule of await patrol.listSchedules()) {
    if (!schedule.active) continue;
    const route = await patrol.getRoute(schedule.routeId);
    if (!route) continue;
    const toleranceMs = schedule.toleranceMinutes * minuteMs;
    for (const round of roundsBetween(schedule, fromMs, untilMs)) {
      const id = roundId(schedule.id, round.plannedStartMs);
      if (stored.has(id) || round.plannedStartMs < schedule.createdAtMs) continue;
      let dueMs = round.plannedStartMs;
      const totalMs = route.stops.reduce((sum, stop) => sum + stop.walkSeconds * 1000, 0);
      views.push({
        id,
        site: route.site,
        scheduleId: schedule.id,
        scheduleName: schedule.name,
        routeName: route.name,
        ordered: route.ordered,
        shiftDate: round.shiftDate,
        plannedStart: iso(round.plannedStartMs),
        startDeadline: iso(round.plannedStartMs + toleranceMs),
        endsAt: iso(round.plannedStartMs + totalMs + toleranceMs),
        guards: guardsOnShift(assignments, schedule.id, round.shiftDate),
        state: 'upcoming',
        startedAt: null,
        startDelayMinutes: null,
        stops: route.stops.map((stop, index) => {
          if (index > 0) dueMs += stop.walkSeconds * 1000;
          const stopDueMs = route.ordered ? dueMs : round.plannedStartMs + totalMs;
          return {
            checkpointId: stop.checkpointId,
            name: checkpoints.get(stop.checkpointId)?.name ?? stop.checkpointId,
            due: iso(stopDueMs),
            windowCloses: iso(stopDueMs + toleranceMs),
            status: 'pending' as const,
            scannedAt: null,
            guard: null,
            repeats: 0,
          };
        }),
        anomalies: [],
      });
    }
  }
  return views;
}

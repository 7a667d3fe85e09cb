// Judges every scheduled round while it runs. Rounds come due from the
// schedules (each stored as planned, so a restart finds it again), one timer
// wakes at the next moment a verdict can change (a start deadline, a
// checkpoint's window closing), and every recorded scan re-judges its rounds
// at once. Alerts go through the hub store with a key per round and condition,
// raised at most once ever: a restart re-judges and raises only what is new.
import type { Alert, RaisedAlert } from '../../common/contracts/alert.ts';
import type { Assignment } from '../../common/contracts/patrol.ts';
import type { Logger } from '../../common/log.ts';
import type { LiveBus } from '../live/bus.ts';
import type { HubStore } from '../store/store.ts';
import { roundId, roundsBetween } from './calendar.ts';
import {
  evaluateRound,
  type EvaluationSettings,
  type PatrolCondition,
  type RoundVerdict,
} from './evaluation.ts';
import { guardsOnShift } from './guards.ts';
import type { PatrolStore, RoundPlan, ScanRecord, StoredSchedule } from './store.ts';

export interface PatrolSettings extends EvaluationSettings {
  /** After a hub outage, rounds that started up to this long ago are still judged. */
  catchUpHours: number;
}

const minuteMs = 60_000;
/** The longest the timer sleeps, also when nothing is planned. */
const longestSleepMs = 6 * 3600_000;
/** Who the audit trail names for what the patrol evaluator does. */
export const patrolActor = 'hub:patrol';

export class PatrolEvaluator {
  #running = false;
  #timer: NodeJS.Timeout | undefined;
  /** Work runs one piece at a time, in the order it came. */
  #chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly patrol: PatrolStore,
    private readonly store: HubStore,
    private readonly live: LiveBus,
    private readonly settings: PatrolSettings,
    private readonly log: Pick<Logger, 'info' | 'warn' | 'error'>,
  ) {}

  async start(): Promise<void> {
    this.#running = true;
    await this.#enqueue('start', () => this.#tick());
    this.log.info('patrol evaluator started');
  }

  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#chain;
  }

  /** A scan was stored: judge the rounds it counts for now, not at the next deadline. */
  scanRecorded(scan: ScanRecord): Promise<void> {
    return this.#enqueue('scan', async () => {
      const now = Date.now();
      const active = await this.#activeSchedules();
      for (const round of await this.patrol.roundsAt(scan.scannedAtMs)) {
        if (!active.some((schedule) => schedule.id === round.scheduleId)) continue;
        if (round.stops.some((stop) => stop.checkpointId === scan.checkpointId)) {
          await this.#judge(round, now);
        }
      }
    });
  }

  /** Plans changed: rounds may come due at other times. */
  plansChanged(): Promise<void> {
    return this.#enqueue('plans changed', () => this.#tick());
  }

  /** The verdict on a round as of now, without raising anything. */
  async verdict(round: RoundPlan, nowMs = Date.now()): Promise<RoundVerdict> {
    const scans = await this.patrol.scansBetween(round.acceptFromMs, round.acceptUntilMs);
    return evaluateRound(round, scans, nowMs, this.settings);
  }

  #enqueue(what: string, work: () => Promise<void>): Promise<void> {
    const next = this.#chain.then(async () => {
      if (this.#running) await work();
    });
    this.#chain = next.catch((error: unknown) => {
      this.log.error({ err: error, work: what }, 'patrol evaluation failed');
    });
    return this.#chain;
  }

  async #tick(): Promise<void> {
    const now = Date.now();
    clearTimeout(this.#timer);
    const schedules = await this.#activeSchedules();
    await this.#bringDue(schedules, now);

    let wakeAt = this.#nextRoundDue(schedules, now);
    const assignments = await this.patrol.listAssignments();
    for (const stored of await this.patrol.openRounds()) {
      const round = await this.#withCurrentGuards(stored, assignments);
      if (!schedules.some((schedule) => schedule.id === round.scheduleId)) {
        // Its schedule was deleted or paused: the round is called off, not missed.
        await this.patrol.closeRound(round.id, now);
        this.log.info({ round: round.id }, 'patrol round called off with its schedule');
        continue;
      }
      const verdict = await this.#judge(round, now);
      if (verdict.nextDeadlineMs === undefined) {
        await this.patrol.closeRound(round.id, now);
        continue;
      }
      wakeAt = Math.min(wakeAt, verdict.nextDeadlineMs);
    }

    if (!this.#running) return;
    const delayMs = Math.max(0, Math.min(wakeAt - now, longestSleepMs));
    this.#timer = setTimeout(() => void this.#enqueue('timer', () => this.#tick()), delayMs);
  }

  async #withCurrentGuards(round: RoundPlan, assignments: Assignment[]): Promise<RoundPlan> {
    const guards = guardsOnShift(assignments, round.scheduleId, round.shiftDate);
    if (guards.join() === round.guards.join()) return round;
    await this.patrol.setRoundGuards(round.id, guards);
    this.log.info({ round: round.id, guards }, 'patrol round guards changed');
    return { ...round, guards };
  }

  async #activeSchedules(): Promise<StoredSchedule[]> {
    return (await this.patrol.listSchedules()).filter((schedule) => schedule.active);
  }

  /** Stores every round whose scan window has opened (or opened during an outage). */
  async #bringDue(schedules: StoredSchedule[], now: number): Promise<void> {
    const assignments = await this.patrol.listAssignments();
    for (const schedule of schedules) {
      const toleranceMs = schedule.toleranceMinutes * minuteMs;
      const earliest = Math.max(now - this.settings.catchUpHours * 3600_000, schedule.createdAtMs);
      const planned = roundsBetween(schedule, earliest, now + toleranceMs + 1);
      if (planned.length === 0) continue;
      const route = await this.patrol.getRoute(schedule.routeId);
      if (!route) {
        this.log.warn({ schedule: schedule.id, route: schedule.routeId }, 'schedule has no route');
        continue;
      }
      const checkpoints = new Map(
        (await this.patrol.listCheckpoints()).map((checkpoint) => [checkpoint.id, checkpoint]),
      );
      for (const round of planned) {
        const plan: RoundPlan = {
          id: roundId(schedule.id, round.plannedStartMs),
          site: route.site,
          scheduleId: schedule.id,
          scheduleName: schedule.name,
          routeName: route.name,
          ordered: route.ordered,
          shiftDate: round.shiftDate,
          plannedStartMs: round.plannedStartMs,
          toleranceMs,
          acceptFromMs: round.plannedStartMs - toleranceMs,
          acceptUntilMs: round.nextStartMs - toleranceMs,
          stops: route.stops.map((stop) => {
            const checkpoint = checkpoints.get(stop.checkpointId);
            return {
              checkpointId: stop.checkpointId,
              name: checkpoint?.name ?? stop.checkpointId,
              location: checkpoint?.location ?? { xM: 0, yM: 0 },
              walkSeconds: stop.walkSeconds,
            };
          }),
          guards: guardsOnShift(assignments, schedule.id, round.shiftDate),
        };
        if (await this.patrol.createRound(plan)) {
          this.log.info(
            { round: plan.id, schedule: schedule.name, guards: plan.guards },
            'patrol round due',
          );
        }
      }
    }
  }

  /** When the next round's scan window opens. */
  #nextRoundDue(schedules: StoredSchedule[], now: number): number {
    let next = now + longestSleepMs;
    for (const schedule of schedules) {
      const toleranceMs = schedule.toleranceMinutes * minuteMs;
      const [round] = roundsBetween(schedule, now + toleranceMs + 1, now + 2 * 24 * 3600_000);
      if (round) next = Math.min(next, round.plannedStartMs - toleranceMs);
    }
    return next;
  }

  async #judge(round: RoundPlan, now: number): Promise<RoundVerdict> {
    const verdict = await this.verdict(round, now);
    for (const condition of verdict.raise) await this.#raise(round, condition);
    for (const dedupKey of verdict.clear) await this.#clear(round, dedupKey, now);
    return verdict;
  }

  async #raise(round: RoundPlan, condition: PatrolCondition): Promise<void> {
    const raised: RaisedAlert = {
      type: condition.type,
      severity: 'warning',
      site: round.site,
      edgeId: 'hub',
      subject: { kind: 'patrol', id: condition.subjectId },
      dedupKey: condition.dedupKey,
      raisedAt: new Date(condition.raisedAtMs).toISOString(),
      evidence: condition.evidence,
    };
    const alert = await this.store.raiseOnce(raised, patrolActor);
    if (!alert) return;
    this.live.emit('alert', alert, 'created');
    this.log.warn(
      {
        alert: alert.id,
        type: alert.type,
        round: round.id,
        checkpoint: condition.subjectId,
        guards: round.guards,
        shift: round.shiftDate,
      },
      'patrol alert raised',
    );
  }

  async #clear(round: RoundPlan, dedupKey: string, now: number): Promise<void> {
    const alert: Alert | undefined = await this.store.endCondition(dedupKey, patrolActor, now);
    if (!alert) return;
    this.live.emit('alert', alert, 'updated');
    this.log.info(
      { alert: alert.id, type: alert.type, round: round.id, state: alert.state },
      'patrol alert condition ended',
    );
  }
}

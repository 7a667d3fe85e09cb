// The guard's round in the demo: four checkpoints on a short loop, one round
// starting at the next whole minute, and the guard scanning every checkpoint
// with the phone but the garage entrance. Patrol rounds are judged on the
// hub's real clock at minute precision with at least a minute's tolerance, so
// this scene runs in real time whatever --speed says (about two minutes).
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { Logger } from '../../common/log.ts';
import type { HubClient } from './hub-client.ts';

export const demoGuard = { username: 'guard.zhang', role: 'guard' as const };

const checkpoints = [
  { id: 'cp-1', name: '1号楼东门', tagId: 'TAG-1', location: { xM: 0, yM: 0 } },
  { id: 'cp-2', name: '2号楼北侧', tagId: 'TAG-2', location: { xM: 8, yM: 0 } },
  { id: 'cp-3', name: '地下车库入口', tagId: 'TAG-3', location: { xM: 8, yM: 8 } },
  { id: 'cp-4', name: '西门岗亭', tagId: 'TAG-4', location: { xM: 0, yM: 8 } },
];
/** Seconds between neighbouring checkpoints on the loop. */
const legSeconds = 5;
const skipped = 'cp-3';
const minuteMs = 60_000;

export interface RoundSummary {
  round: string;
  state: string;
  stops: Record<string, string>;
}

function shanghaiClock(ms: number): string {
  return new Date(ms).toLocaleTimeString('en-GB', {
    timeZone: 'Asia/Shanghai',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
}

export class DemoPatrol {
  #startMs = 0;
  readonly #stopped = new AbortController();

  constructor(
    private readonly site: string,
    private readonly log: Logger,
  ) {}

  /** Plans the loop and one round at the next whole minute; returns its start. */
  async plan(admin: HubClient): Promise<number> {
    for (const { id, ...checkpoint } of checkpoints) {
      await admin.expect(200, 'PUT', `/api/patrol/checkpoints/${id}`, {
        site: this.site,
        ...checkpoint,
      });
    }
    await admin.expect(200, 'PUT', '/api/patrol/routes/loop', {
      site: this.site,
      name: '夜间环线',
      ordered: true,
      stops: checkpoints.map((checkpoint, index) => ({
        checkpointId: checkpoint.id,
        walkSeconds: index === 0 ? 0 : legSeconds,
      })),
    });
    // The schedule must exist before its round starts: at least 3 s ahead.
    this.#startMs = Math.ceil((Date.now() + 3000) / minuteMs) * minuteMs;
    await admin.expect(200, 'PUT', '/api/patrol/schedules/night', {
      routeId: 'loop',
      name: '夜班巡更',
      timeZone: 'Asia/Shanghai',
      firstRound: shanghaiClock(this.#startMs),
      until: shanghaiClock(this.#startMs + minuteMs),
      everyMinutes: 10,
      toleranceMinutes: 1,
    });
    await admin.expect(200, 'PUT', '/api/patrol/assignments/zhang-night', {
      scheduleId: 'night',
      guard: demoGuard.username,
    });
    return this.#startMs;
  }

  /** The guard walks the round, skipping the garage, until its last window closes. */
  async walk(guard: HubClient): Promise<void> {
    try {
      await this.#walk(guard);
    } catch (error) {
      if (!this.#stopped.signal.aborted) throw error;
    }
  }

  async #sleep(ms: number): Promise<void> {
    await sleepFor(Math.max(0, ms), undefined, { signal: this.#stopped.signal });
  }

  async #walk(guard: HubClient): Promise<void> {
    let offsetSeconds = 0;
    for (const [index, checkpoint] of checkpoints.entries()) {
      if (index > 0) offsetSeconds += legSeconds;
      if (checkpoint.id === skipped) continue;
      await this.#sleep(this.#startMs + offsetSeconds * 1000 + 1000 - Date.now());
      await guard.expect(200, 'POST', '/api/patrol/scans', {
        scans: [
          {
            scanId: `demo-${checkpoint.id}-${this.#startMs}`,
            code: checkpoint.tagId,
            time: new Date().toISOString(),
          },
        ],
      });
      this.log.info({ guard: demoGuard.username, checkpoint: checkpoint.id }, 'demo scan');
    }
    // The skipped checkpoint's window closes a minute after it was due.
    const closesMs = this.#startMs + 2 * legSeconds * 1000 + minuteMs;
    await this.#sleep(closesMs + 3000 - Date.now());
  }

  /** Ends the walk early (Ctrl-C); the round stays as it was. */
  stop(): void {
    this.#stopped.abort();
  }

  /** The round as the hub judged it; undefined when it had not begun (Ctrl-C early). */
  async summary(operator: HubClient): Promise<RoundSummary | undefined> {
    const round = `night@${new Date(this.#startMs).toISOString()}`;
    const view = await operator.call<{ state: string; stops: { status: string }[] }>(
      'GET',
      `/api/patrol/rounds/${encodeURIComponent(round)}`,
    );
    if (view.status === 404) return undefined;
    if (view.status !== 200) throw new Error(`round ${round}: ${view.status}`);
    const stops: Record<string, string> = {};
    view.body.stops.forEach((stop, index) => (stops[checkpoints[index]!.id] = stop.status));
    return { round, state: view.body.state, stops };
  }
}

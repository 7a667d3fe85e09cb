// Pulls the site's vehicle list from the hub with the edge's token: at start,
// then every listSyncMs. While the hub is unreachable the barriers use the
// last copy; a visitor pass still runs out on time, as its end is in the copy.
import { VehicleList } from '../../common/contracts/vehicle.ts';
import { Validator } from '../../common/contracts/validator.ts';
import type { Logger } from '../../common/log.ts';
import type { EdgeVehicleList } from './vehicle-list.ts';

const listValidator = new Validator(VehicleList);

// Known shortcoming: polled, so a new pass or a watched plate reaches the barrier
// up to listSyncMs late; a nudge over the command channel would make it immediate.
export class VehicleListSync {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #failures = 0;
  #abort: AbortController | undefined;

  constructor(
    private readonly list: EdgeVehicleList,
    private readonly hub: { url: string; token: string },
    private readonly intervalMs: number,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#abort?.abort();
    await this.#running;
  }

  /** One pull now; resolves when it is applied (or failed, which is logged). */
  syncNow(): Promise<void> {
    this.#running ??= this.#pull().finally(() => (this.#running = undefined));
    return this.#running;
  }

  #schedule(delayMs: number): void {
    this.#timer = setTimeout(() => {
      void this.syncNow().finally(() => {
        if (this.#timer) this.#schedule(this.intervalMs);
      });
    }, delayMs);
  }

  async #pull(): Promise<void> {
    this.#abort = new AbortController();
    const url = new URL('/api/edge/vehicles', this.hub.url);
    url.searchParams.set('since', String(this.list.version));
    try {
      const response = await fetch(url, {
        headers: { authorization: `Bearer ${this.hub.token}` },
        signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(15_000)]),
      });
      if (!response.ok) throw new Error(`hub answered ${response.status}`);
      const result = listValidator.validate(await response.json());
      if (!result.ok) throw new Error(`hub sent an invalid vehicle list: ${result.reason}`);
      if (!result.value.unchanged) {
        this.list.replace(result.value);
        this.log.info(
          { version: result.value.version, plates: this.list.size },
          'vehicle list updated from the hub',
        );
      }
      this.#failures = 0;
    } catch (error) {
      if (this.#abort.signal.aborted) return;
      // One line at the first failure and every 10th, not one per poll.
      if (this.#failures++ % 10 === 0) {
        this.log.warn(
          { err: (error as Error).message, version: this.list.version },
          'vehicle list sync failed; barriers keep the last copy',
        );
      }
    }
  }
}

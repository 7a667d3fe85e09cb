// Pulls one list the hub keeps for this edge's site (the face gallery, the
// vehicle list) with the edge's token: at start, then every intervalMs. While
// the hub is unreachable the edge keeps deciding on the last copy it holds.
import type { Logger } from '../../common/log.ts';

export abstract class HubPoller {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #failures = 0;
  #abort: AbortController | undefined;

  constructor(
    private readonly hub: { url: string; token: string },
    private readonly intervalMs: number,
    protected readonly log: Logger,
  ) {}

  /** What is pulled, for logs: "face gallery", "vehicle list". */
  protected abstract readonly listName: string;
  /** The hub address to pull, with what the edge already holds. */
  protected abstract url(base: string): URL;
  /** Checks and applies the hub's answer; throws with a reason when it is wrong. */
  protected abstract apply(body: unknown): void;
  /** The version the edge holds, for logs. */
  protected abstract get heldVersion(): number;

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
    try {
      const response = await fetch(this.url(this.hub.url), {
        headers: { authorization: `Bearer ${this.hub.token}` },
        signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(15_000)]),
      });
      if (!response.ok) throw new Error(`hub answered ${response.status}`);
      this.apply(await response.json());
      this.#failures = 0;
    } catch (error) {
      if (this.#abort.signal.aborted) return;
      // One line at the first failure and every 10th, not one per poll.
      if (this.#failures++ % 10 === 0) {
        this.log.warn(
          { err: (error as Error).message, version: this.heldVersion },
          `${this.listName} sync failed; the edge keeps the last copy`,
        );
      }
    }
  }
}

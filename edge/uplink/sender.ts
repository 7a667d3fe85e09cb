// Sends the outbox to the hub: most urgent first, in batches, with an
// idempotency key per item so that a retried batch is stored once. While the
// hub is unreachable it retries with exponential back-off and full jitter; a
// new critical alert cuts the wait short (at most one early try a second), so
// an SOS is not held behind a long back-off once the hub is back.
import type { IngestResponse, UplinkItem } from '../../common/contracts/uplink.ts';
import type { Logger } from '../../common/log.ts';
import { Priority, everything, type Lane, type Outbox } from '../outbox/outbox.ts';

/** Shortest gap between two tries while the hub is failing. */
const minimumRetryGapMs = 1000;

export interface UplinkSettings {
  url: string;
  token: string;
  batchSize: number;
  maxBackoffMs: number;
  /** First retry wait. Default 200 ms. */
  minBackoffMs?: number;
  /** The priorities this sender serves. Default: all. */
  lane?: Lane;
}

export class UplinkSender {
  #running = false;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  #unsubscribe: (() => void) | undefined;
  #failures = 0;
  #abort: AbortController | undefined;
  #lastAttemptAt = 0;
  #earlyTry: NodeJS.Timeout | undefined;
  /** Shrinks when the hub says a batch is too large, grows back on success. */
  #batchSize: number;
  sentItems = 0;

  constructor(
    private readonly outbox: Outbox,
    private readonly settings: UplinkSettings,
    private readonly log: Logger,
  ) {
    this.#batchSize = settings.batchSize;
    this.#lane = settings.lane ?? everything;
  }

  readonly #lane: Lane;

  start(): void {
    this.#running = true;
    // While backing off, ordinary items wait for the next retry; a critical
    // alert tries again early.
    this.#unsubscribe = this.outbox.onCommitted((priority) => {
      if (priority < this.#lane.lowest || priority > this.#lane.highest) return;
      if (this.#failures === 0) return this.#wake?.();
      if (priority !== Priority.criticalAlert || this.#earlyTry) return;
      const waitMs = Math.max(0, this.#lastAttemptAt + minimumRetryGapMs - Date.now());
      this.#earlyTry = setTimeout(() => {
        this.#earlyTry = undefined;
        this.#wake?.();
      }, waitMs);
    });
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#unsubscribe?.();
    clearTimeout(this.#earlyTry);
    this.#abort?.abort();
    this.#wake?.();
    await this.#loop;
  }

  async #run(): Promise<void> {
    while (this.#running) {
      const items = this.outbox.peek(this.#batchSize, this.#lane);
      if (items.length === 0) {
        await this.#sleep(Number.POSITIVE_INFINITY);
        continue;
      }
      this.#lastAttemptAt = Date.now();
      const answer = await this.#send(items);
      if (answer) {
        this.outbox.remove(answer.accepted);
        this.outbox.setAside(answer.rejected);
        for (const { key, reason } of answer.rejected) {
          this.log.error({ key, reason }, 'hub refused an item for good; set aside');
        }
        this.sentItems += answer.accepted.length;
        if (this.#failures > 0) {
          this.log.info({ failures: this.#failures }, 'hub reachable again; outbox draining');
        }
        this.#failures = 0;
        this.#batchSize = Math.min(this.settings.batchSize, this.#batchSize * 2);
      } else {
        this.#failures++;
        await this.#sleep(this.#backoffMs());
      }
    }
  }

  async #send(items: UplinkItem[]): Promise<IngestResponse | undefined> {
    this.#abort = new AbortController();
    const timeout = setTimeout(() => this.#abort?.abort(), 10_000);
    try {
      const response = await fetch(new URL('/api/edge/ingest', this.settings.url), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${this.settings.token}`,
        },
        body: JSON.stringify({ items }),
        signal: this.#abort.signal,
      });
      if (response.status === 413 && this.#batchSize > 1) {
        this.#batchSize = Math.max(1, Math.floor(this.#batchSize / 2));
        this.log.warn({ batchSize: this.#batchSize }, 'hub found the batch too large; halving');
        return undefined;
      }
      if (!response.ok) {
        const text = await response.text();
        this.#logFailure({ status: response.status, body: text.slice(0, 300) });
        return undefined;
      }
      const answer = (await response.json()) as Partial<IngestResponse>;
      return { accepted: answer.accepted ?? [], rejected: answer.rejected ?? [] };
    } catch (error) {
      if (this.#running) this.#logFailure({ err: (error as Error).message });
      return undefined;
    } finally {
      clearTimeout(timeout);
    }
  }

  #logFailure(detail: Record<string, unknown>): void {
    // One line at the first failure and then every 10th, not one per retry.
    if (this.#failures % 10 === 0) {
      this.log.warn(
        { ...detail, failures: this.#failures + 1, queued: this.outbox.size() },
        'hub did not take the batch; will retry',
      );
    }
  }

  #backoffMs(): number {
    const min = this.settings.minBackoffMs ?? 200;
    const ceiling = Math.min(this.settings.maxBackoffMs, min * 2 ** Math.min(this.#failures, 20));
    return min + Math.random() * (ceiling - min);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        this.#wake = undefined;
        done();
      };
    });
  }
}

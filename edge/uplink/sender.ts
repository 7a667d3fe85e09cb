// Sends the outbox to the hub: most urgent first, in batches, with an
// idempotency key per item so that a retried batch is stored once. While the
// hub is unreachable it retries with exponential back-off and full jitter.
import type { IngestResponse, UplinkItem } from '../../common/contracts/uplink.ts';
import type { Logger } from '../../common/log.ts';
import type { Outbox } from '../outbox/outbox.ts';

export interface UplinkSettings {
  url: string;
  token: string;
  batchSize: number;
  maxBackoffMs: number;
  /** First retry wait. Default 200 ms. */
  minBackoffMs?: number;
}

export class UplinkSender {
  #running = false;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  #unsubscribe: (() => void) | undefined;
  #failures = 0;
  #abort: AbortController | undefined;
  sentItems = 0;

  constructor(
    private readonly outbox: Outbox,
    private readonly settings: UplinkSettings,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.#running = true;
    // While backing off, new items wait for the next retry instead of waking it.
    this.#unsubscribe = this.outbox.onCommitted(() => {
      if (this.#failures === 0) this.#wake?.();
    });
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#unsubscribe?.();
    this.#abort?.abort();
    this.#wake?.();
    await this.#loop;
  }

  async #run(): Promise<void> {
    while (this.#running) {
      const items = this.outbox.peek(this.settings.batchSize);
      if (items.length === 0) {
        await this.#sleep(Number.POSITIVE_INFINITY);
        continue;
      }
      const accepted = await this.#send(items);
      if (accepted) {
        this.outbox.remove(accepted);
        this.sentItems += accepted.length;
        if (this.#failures > 0) {
          this.log.info({ failures: this.#failures }, 'hub reachable again; outbox draining');
        }
        this.#failures = 0;
      } else {
        this.#failures++;
        await this.#sleep(this.#backoffMs());
      }
    }
  }

  async #send(items: UplinkItem[]): Promise<string[] | undefined> {
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
      if (!response.ok) {
        const text = await response.text();
        this.#logFailure({ status: response.status, body: text.slice(0, 300) });
        return undefined;
      }
      return ((await response.json()) as IngestResponse).accepted;
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

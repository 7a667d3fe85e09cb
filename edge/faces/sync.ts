// Pulls the site's face gallery from the hub with the edge's token: at start,
// then every gallerySyncMs. Only what changed since the version the edge holds
// comes back. While the hub is unreachable the gates use the last copy.
import { GalleryChanges } from '../../common/contracts/gallery.ts';
import { Validator } from '../../common/contracts/validator.ts';
import type { Logger } from '../../common/log.ts';
import { embedderName } from '../../models/faces/mobilefacenet.ts';
import type { FaceGallery } from './gallery.ts';

const changesValidator = new Validator(GalleryChanges);

// Known shortcoming: the edge polls, so an enrolment or removal reaches the gates up to
// gallerySyncMs late; a nudge over the command channel would make it immediate.
export class GallerySync {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #failures = 0;
  #abort: AbortController | undefined;

  constructor(
    private readonly gallery: FaceGallery,
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
    const url = new URL('/api/edge/faces/gallery', this.hub.url);
    url.searchParams.set('since', String(this.gallery.version));
    try {
      const response = await fetch(url, {
        headers: { authorization: `Bearer ${this.hub.token}` },
        signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(15_000)]),
      });
      if (!response.ok) throw new Error(`hub answered ${response.status}`);
      const result = changesValidator.validate(await response.json());
      if (!result.ok) throw new Error(`hub sent an invalid gallery: ${result.reason}`);
      const changes = result.value;
      if (changes.embedder !== embedderName) {
        throw new Error(
          `hub gallery was made with ${changes.embedder}, this edge embeds with ${embedderName}`,
        );
      }
      if (changes.version !== this.gallery.version || changes.full) {
        this.gallery.apply(changes);
        this.log.info(
          {
            version: changes.version,
            changed: changes.people.length,
            removed: changes.removed.length,
            residents: this.gallery.size.residents,
          },
          'face gallery updated from the hub',
        );
      }
      this.#failures = 0;
    } catch (error) {
      if (this.#abort.signal.aborted) return;
      // One line at the first failure and every 10th, not one per poll.
      if (this.#failures++ % 10 === 0) {
        this.log.warn(
          { err: (error as Error).message, version: this.gallery.version },
          'face gallery sync failed; gates keep the last copy',
        );
      }
    }
  }
}

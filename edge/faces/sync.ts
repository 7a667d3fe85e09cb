// Pulls the site's face gallery from the hub (see ../uplink/hub-poller.ts):
// only what changed since the version the edge holds comes back. While the hub
// is unreachable the gates use the last copy.
import { GalleryChanges } from '../../common/contracts/gallery.ts';
import { Validator } from '../../common/contracts/validator.ts';
import type { Logger } from '../../common/log.ts';
import { embedderName } from '../../models/faces/mobilefacenet.ts';
import { HubPoller } from '../uplink/hub-poller.ts';
import type { FaceGallery } from './gallery.ts';

const changesValidator = new Validator(GalleryChanges);

// Known shortcoming: the edge polls, so an enrolment or removal reaches the gates up to
// gallerySyncMs late; a nudge over the command channel would make it immediate.
export class GallerySync extends HubPoller {
  protected readonly listName = 'face gallery';

  constructor(
    private readonly gallery: FaceGallery,
    hub: { url: string; token: string },
    intervalMs: number,
    log: Logger,
  ) {
    super(hub, intervalMs, log);
  }

  protected get heldVersion(): number {
    return this.gallery.version;
  }

  protected url(base: string): URL {
    const url = new URL('/api/edge/faces/gallery', base);
    url.searchParams.set('since', String(this.gallery.version));
    return url;
  }

  protected apply(body: unknown): void {
    const result = changesValidator.validate(body);
    if (!result.ok) throw new Error(`hub sent an invalid gallery: ${result.reason}`);
    const changes = result.value;
    if (changes.embedder !== embedderName) {
      throw new Error(
        `hub gallery was made with ${changes.embedder}, this edge embeds with ${embedderName}`,
      );
    }
    if (changes.version === this.gallery.version && !changes.full) return;
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
}

// Pulls the site's vehicle list from the hub (see ../uplink/hub-poller.ts).
// While the hub is unreachable the barriers use the last copy; a visitor pass
// still runs out on time, as its end is in the copy.
import { VehicleList } from '../../common/contracts/vehicle.ts';
import { Validator } from '../../common/contracts/validator.ts';
import type { Logger } from '../../common/log.ts';
import { HubPoller } from '../uplink/hub-poller.ts';
import type { EdgeVehicleList } from './vehicle-list.ts';

const listValidator = new Validator(VehicleList);

// Known shortcoming: polled, so a new pass or a watched plate reaches the barrier
// up to listSyncMs late; a nudge over the command channel would make it immediate.
export class VehicleListSync extends HubPoller {
  protected readonly listName = 'vehicle list';

  constructor(
    private readonly list: EdgeVehicleList,
    hub: { url: string; token: string },
    intervalMs: number,
    log: Logger,
  ) {
    super(hub, intervalMs, log);
  }

  protected get heldVersion(): number {
    return this.list.version;
  }

  protected url(base: string): URL {
    const url = new URL('/api/edge/vehicles', base);
    url.searchParams.set('since', String(this.list.version));
    return url;
  }

  protected apply(body: unknown): void {
    const result = listValidator.validate(body);
    if (!result.ok) throw new Error(`hub sent an invalid vehicle list: ${result.reason}`);
    if (result.value.unchanged) return;
    this.list.replace(result.value);
    this.log.info(
      { version: result.value.version, plates: this.list.size },
      'vehicle list updated from the hub',
    );
  }
}

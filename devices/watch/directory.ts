// Which registered band a watch is: by the `watchId` in its registration (the
// id or IMEI it puts in its frames), else by a band whose Haven id is that id.
import type { RegisteredDevice } from '../../edge/config.ts';
import type { DeviceIdentity, DeviceRegistry } from '../../edge/devices/registry.ts';

export class WatchDirectory {
  /** watch id or IMEI as sent in frames → Haven device id */
  readonly #bandIds = new Map<string, string>();

  constructor(
    private readonly registry: DeviceRegistry,
    devices: readonly RegisteredDevice[],
  ) {
    for (const device of devices) {
      if (device.kind !== 'band') continue;
      this.#bandIds.set(device.id, device.id);
    }
    // Explicit watch ids win over a band that merely has the same Haven id.
    for (const device of devices) {
      if (device.kind === 'band' && device.watchId) this.#bandIds.set(device.watchId, device.id);
    }
  }

  identity(watchId: string): DeviceIdentity | undefined {
    const id = this.#bandIds.get(watchId);
    return id === undefined ? undefined : this.registry.identity(id);
  }
}

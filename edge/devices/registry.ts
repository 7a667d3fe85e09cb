// Devices allowed on this edge's broker, with their hashed secrets.
import { verifyPassword } from '../../common/passwords.ts';
import type { DeviceKind, RegisteredDevice } from '../config.ts';

export interface DeviceIdentity {
  id: string;
  kind: DeviceKind;
  site: string;
  subject?: string;
  /** "haven/{site}/{kind}/{id}/": everything this device may publish is under it. */
  topicPrefix: string;
  commandTopic: string;
}

export class DeviceRegistry {
  /** device id → registration */
  readonly #devices = new Map<string, RegisteredDevice>();

  constructor(
    private readonly site: string,
    devices: readonly RegisteredDevice[],
  ) {
    for (const device of devices) this.#devices.set(device.id, device);
  }

  get size(): number {
    return this.#devices.size;
  }

  identity(id: string): DeviceIdentity | undefined {
    const device = this.#devices.get(id);
    if (!device) return undefined;
    const topicPrefix = `haven/${this.site}/${device.kind}/${device.id}/`;
    return {
      id: device.id,
      kind: device.kind,
      site: this.site,
      ...(device.subject !== undefined && { subject: device.subject }),
      topicPrefix,
      commandTopic: `${topicPrefix}command`,
    };
  }

  /** The identity when id and secret match a registered device. */
  async authenticate(id: string, secret: string): Promise<DeviceIdentity | undefined> {
    const device = this.#devices.get(id);
    if (!device) return undefined;
    if (!(await verifyPassword(secret, device.secretHash))) return undefined;
    return this.identity(id);
  }
}

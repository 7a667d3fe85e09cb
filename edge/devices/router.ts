// Routes an accepted publish to the feature that owns its device kind and
// channel. The status channel (retained, set by the device's last will) is the
// same for every kind.
import type { Logger } from '../../common/log.ts';
import type { BandIngest } from '../bands/ingest.ts';
import type { GateAccessIngest } from '../faces/gate-access.ts';
import type { PatrolIngest } from '../patrol/ingest.ts';
import type { DeviceMessageSink } from '../broker/broker.ts';
import { Priority, type Outbox } from '../outbox/outbox.ts';
import type { DeviceIdentity } from './registry.ts';

export class DeviceMessageRouter implements DeviceMessageSink {
  constructor(
    private readonly bands: BandIngest,
    private readonly outbox: Outbox,
    private readonly log: Logger,
    private readonly patrol?: PatrolIngest,
    private readonly gateAccess?: GateAccessIngest,
  ) {}

  accept(device: DeviceIdentity, channel: string, payload: Buffer): string | undefined {
    if (channel === 'status') return this.#status(device, payload);
    if (device.kind === 'band') return this.bands.accept(device, channel, payload);
    if (device.kind === 'patrol' && this.patrol) {
      return this.patrol.accept(device, channel, payload);
    }
    if (device.kind === 'gate' && channel === 'access' && this.gateAccess) {
      return this.gateAccess.accept(device, payload);
    }
    return `no handler for ${device.kind}/${channel}`;
  }

  /** The broker saw the device log in or leave, with or without a last will. */
  presence(device: DeviceIdentity, online: boolean): void {
    this.#queueStatus(device, online);
  }

  #status(device: DeviceIdentity, payload: Buffer): string | undefined {
    const text = payload.toString('utf8').trim();
    if (text !== 'online' && text !== 'offline') return 'status is not "online" or "offline"';
    this.#queueStatus(device, text === 'online');
    this.log.info({ device: device.id, status: text }, 'device status');
    return undefined;
  }

  #queueStatus(device: DeviceIdentity, online: boolean): void {
    this.outbox.putNow(
      'device_status',
      {
        site: device.site,
        deviceKind: device.kind,
        deviceId: device.id,
        online,
        at: new Date().toISOString(),
      },
      Priority.status,
    );
  }
}

// Commands from the hub for devices ("help is coming" to a band) are kept on
// disk until the device itself acknowledges them (its MQTT PUBACK). A band that
// is offline, or has not yet subscribed after a restart, gets them as soon as it
// subscribes to its command topic. Only then is the hub told "delivered"
// (after its PUBACK for a persistent session; see #flush for clean ones).
import type { Statement } from 'better-sqlite3';
import type { Logger } from '../../common/log.ts';
import type { DeviceBroker } from '../broker/broker.ts';
import type { EdgeDatabase } from '../store/database.ts';
import type { DeviceIdentity, DeviceRegistry } from './registry.ts';

export type DeliveredListener = (commandId: string) => void;

interface PendingRow {
  id: string;
  payload: string;
}

export class DeviceCommandQueue {
  readonly #insert: Statement;
  readonly #pending: Statement;
  readonly #delivered: Statement;
  readonly #isDelivered: Statement;
  readonly #unsubscribe: (() => void)[] = [];

  constructor(
    database: EdgeDatabase,
    private readonly registry: DeviceRegistry,
    private readonly broker: DeviceBroker,
    private readonly onDelivered: DeliveredListener,
    private readonly log: Logger,
  ) {
    this.#insert = database.prepare(
      `INSERT OR IGNORE INTO device_commands (id, device_id, payload, created_at)
       VALUES (?, ?, ?, ?)`,
    );
    this.#pending = database.prepare(
      `SELECT id, payload FROM device_commands
       WHERE device_id = ? AND delivered_at IS NULL ORDER BY created_at`,
    );
    this.#delivered = database.prepare(
      'UPDATE device_commands SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL',
    );
    this.#isDelivered = database.prepare('SELECT delivered_at FROM device_commands WHERE id = ?');
  }

  start(): void {
    this.#unsubscribe.push(
      this.broker.onCommandSubscription((device) => this.#flush(device)),
      this.broker.onCommandAcknowledged((device, payload) => this.#acknowledged(device, payload)),
    );
  }

  stop(): void {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
  }

  /** Stores the command and sends it now if the device is listening. */
  enqueue(commandId: string, device: DeviceIdentity, payload: Record<string, unknown>): void {
    const existing = this.#isDelivered.get(commandId) as
      { delivered_at: number | null } | undefined;
    if (existing?.delivered_at) {
      this.onDelivered(commandId);
      return;
    }
    const body = JSON.stringify({ ...payload, commandId });
    this.#insert.run(commandId, device.id, body, Date.now());
    if (this.broker.isListening(device)) this.#flush(device);
    else this.log.info({ device: device.id }, 'command waits until the device listens');
  }

  #flush(device: DeviceIdentity): void {
    for (const row of this.#pending.all(device.id) as PendingRow[]) {
      this.broker.sendCommandTo(device, row.payload).then(
        (outcome) => {
          // Known shortcoming: a clean-session device's PUBACK cannot be matched
          // (aedes keeps no record), so its command counts as delivered once
          // written to its socket; persistent sessions are confirmed by PUBACK.
          if (outcome === 'written') this.#markDelivered(device, row.id);
        },
        (error: unknown) => {
          this.log.error({ err: error, device: device.id }, 'command could not be sent');
        },
      );
    }
  }

  #markDelivered(device: DeviceIdentity, commandId: string): void {
    if (this.#delivered.run(Date.now(), commandId).changes === 0) return;
    this.log.info({ device: device.id, command: commandId }, 'command delivered to device');
    this.onDelivered(commandId);
  }

  #acknowledged(device: DeviceIdentity, payload: Buffer): void {
    let commandId: unknown;
    try {
      commandId = (JSON.parse(payload.toString('utf8')) as { commandId?: unknown }).commandId;
    } catch {
      return;
    }
    if (typeof commandId !== 'string') return;
    this.#markDelivered(device, commandId);
  }

  /** For the registry lookup the command channel does before enqueueing. */
  identity(deviceId: string): DeviceIdentity | undefined {
    return this.registry.identity(deviceId);
  }
}

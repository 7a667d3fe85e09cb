// The command channel: a WebSocket the edge keeps open to its hub. The hub
// sends commands for devices behind this edge ("help is coming" to a band);
// the edge keeps each until the device itself acknowledged it (see
// edge/devices/commands.ts) and only then reports it delivered, so the hub
// resends whatever an edge or a device missed while it was away.
import WebSocket from 'ws';
import { EdgeCommand } from '../../common/contracts/uplink.ts';
import { Validator } from '../../common/contracts/validator.ts';
import type { Logger } from '../../common/log.ts';
import type { DeviceCommandQueue } from '../devices/commands.ts';
import type { DeviceRegistry } from '../devices/registry.ts';

const commandValidator = new Validator(EdgeCommand);

export class CommandChannel {
  #socket: WebSocket | undefined;
  #running = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #failures = 0;
  /** Resolves once per successful connection; used by tests and start-up logs. */
  connected = false;

  constructor(
    private readonly hubUrl: string,
    private readonly token: string,
    private readonly registry: DeviceRegistry,
    private readonly log: Logger,
  ) {}

  /** Set once, before start(): where accepted commands wait for their device. */
  queue: DeviceCommandQueue | undefined;

  /** The device acknowledged the command; the hub may stop resending it. */
  reportDelivered(commandId: string): void {
    if (this.#socket?.readyState !== WebSocket.OPEN) return;
    this.#socket.send(JSON.stringify({ ack: commandId, delivered: true }));
  }

  start(): void {
    this.#running = true;
    this.#connect();
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#retryTimer);
    this.#socket?.terminate();
    this.#socket = undefined;
  }

  #connect(): void {
    const url = new URL('/api/edge/commands', this.hubUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(url, { headers: { authorization: `Bearer ${this.token}` } });
    this.#socket = socket;

    socket.on('open', () => {
      this.connected = true;
      this.#failures = 0;
      this.log.info('command channel to the hub is open');
    });
    socket.on('message', (data) => {
      this.#onMessage(socket, data.toString()).catch((error: unknown) => {
        this.log.error({ err: error }, 'command could not be delivered');
      });
    });
    socket.on('error', (error) => {
      if (this.#failures % 10 === 0) {
        this.log.warn({ err: error.message }, 'command channel error');
      }
    });
    socket.on('close', () => {
      this.connected = false;
      if (!this.#running) return;
      this.#failures++;
      const waitMs = Math.min(30_000, 250 * 2 ** Math.min(this.#failures, 7));
      this.#retryTimer = setTimeout(() => this.#connect(), waitMs * (0.5 + Math.random() / 2));
    });
  }

  async #onMessage(socket: WebSocket, text: string): Promise<void> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      this.log.warn('hub sent a command that is not JSON');
      return;
    }
    const result = commandValidator.validate(parsed);
    if (!result.ok) {
      this.log.warn({ reason: result.reason }, 'hub sent an invalid command');
      return;
    }
    const command = result.value;
    const device = this.registry.identity(command.deviceId);
    if (!device || device.kind !== command.deviceKind) {
      this.log.warn({ device: command.deviceId }, 'command for a device not on this edge');
      socket.send(JSON.stringify({ ack: command.id, delivered: false }));
      return;
    }
    this.queue?.enqueue(command.id, device, command.payload);
    this.log.info({ device: device.id, command: command.payload.kind }, 'command accepted');
  }
}

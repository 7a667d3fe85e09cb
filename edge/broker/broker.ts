// The MQTT broker that devices connect to: aedes in-process on TCP, with every
// connection, publish and subscribe checked against the device registry.
// A device publishes only under haven/{site}/{kind}/{id}/ and subscribes only
// to its own command topic.
import { createServer, type Server } from 'node:net';
import { Aedes, type AuthenticateError, type Client, type PublishPacket } from 'aedes';
import type { Logger } from '../../common/log.ts';
import type { DeviceIdentity, DeviceRegistry } from '../devices/registry.ts';
import type { EdgeCounters } from '../metrics.ts';
import { limitPackets } from './packet-limit.ts';

export interface BrokerSettings {
  /** Largest MQTT packet a device may send; larger closes the connection. */
  maxPacketBytes: number;
}

/** What the broker hands an accepted publish to. */
export interface DeviceMessageSink {
  /** Returns a rejection reason, or undefined. Throws when it could not store it. */
  accept(device: DeviceIdentity, channel: string, payload: Buffer): string | undefined;
  /** The device connected (authenticated) or went away. */
  presence?(device: DeviceIdentity, online: boolean): void;
}

// aedes' AuthErrorCode is an ambient const enum; isolatedModules needs the value.
const badUsernameOrPassword = 4;

export class DeviceBroker {
  #aedes: Aedes | undefined;
  #server: Server | undefined;
  /** connected aedes client → the device it authenticated as */
  readonly #identities = new WeakMap<Client, DeviceIdentity>();
  /** device id → its connection, while it is subscribed to its command topic */
  readonly #listening = new Map<string, Client>();
  readonly #subscriptionListeners = new Set<(device: DeviceIdentity) => void>();
  readonly #ackListeners = new Set<(device: DeviceIdentity, payload: Buffer) => void>();
  /** device id → when its last refused login was logged (ms), to keep logs short */
  readonly #refusalLoggedAt = new Map<string, number>();

  constructor(
    private readonly registry: DeviceRegistry,
    private readonly sink: DeviceMessageSink,
    private readonly counters: EdgeCounters,
    private readonly log: Logger,
    private readonly settings: BrokerSettings = { maxPacketBytes: 256 * 1024 },
  ) {}

  async start(host: string, port: number): Promise<number> {
    const aedes = await Aedes.createBroker({
      // A socket that never completes CONNECT is dropped after this long.
      connectTimeout: 10_000,
      authenticate: (client, username, password, done) => {
        this.#authenticate(client, username, password).then(
          (identity) => {
            if (identity) return done(null, true);
            const error = new Error('bad username or password') as AuthenticateError;
            error.returnCode = badUsernameOrPassword;
            done(error, null);
          },
          (error: unknown) => {
            this.log.error({ err: error }, 'device authentication failed unexpectedly');
            done(error as AuthenticateError, null);
          },
        );
      },
      authorizePublish: (client, packet, done) => done(this.#authorizePublish(client, packet)),
      authorizeSubscribe: (client, subscription, done) => {
        const identity = this.#identities.get(client);
        if (identity && subscription.topic === identity.commandTopic) {
          return done(null, subscription);
        }
        this.counters.reject('subscribe outside own command topic');
        this.log.warn(
          { device: identity?.id ?? client.id, topic: subscription.topic.slice(0, 200) },
          'subscription refused',
        );
        done(null, null);
      },
    });
    aedes.on('clientDisconnect', (client) => {
      const identity = this.#identities.get(client);
      if (!identity) return;
      if (this.#listening.get(identity.id) === client) this.#listening.delete(identity.id);
      this.log.info({ device: identity.id }, 'device disconnected');
      this.sink.presence?.(identity, false);
    });
    aedes.on('subscribe', (subscriptions, client) => {
      const identity = this.#identities.get(client);
      if (!identity) return;
      if (!subscriptions.some((s) => s.topic === identity.commandTopic)) return;
      this.#listening.set(identity.id, client);
      for (const listener of this.#subscriptionListeners) listener(identity);
    });
    aedes.on('ack', (packet, client) => {
      const identity = this.#identities.get(client);
      if (!identity || !packet || !('topic' in packet)) return;
      if (packet.topic !== identity.commandTopic) return;
      const payload = Buffer.isBuffer(packet.payload)
        ? packet.payload
        : Buffer.from(packet.payload);
      for (const listener of this.#ackListeners) listener(identity, payload);
    });
    this.#aedes = aedes;

    const server = createServer((socket) => {
      const connection = limitPackets(socket, this.settings.maxPacketBytes, (declaredBytes) => {
        this.counters.reject('packet over the size limit');
        this.log.warn(
          { remote: socket.remoteAddress, declaredBytes, limit: this.settings.maxPacketBytes },
          'connection closed: MQTT packet over the size limit',
        );
      });
      aedes.handle(connection);
    });
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address();
    return typeof address === 'object' && address ? address.port : port;
  }

  /** True while the device is connected and subscribed to its command topic. */
  isListening(identity: DeviceIdentity): boolean {
    return this.#listening.has(identity.id);
  }

  onCommandSubscription(listener: (device: DeviceIdentity) => void): () => void {
    this.#subscriptionListeners.add(listener);
    return () => this.#subscriptionListeners.delete(listener);
  }

  /** The device acknowledged (PUBACK) a command published to it. */
  onCommandAcknowledged(listener: (device: DeviceIdentity, payload: Buffer) => void): () => void {
    this.#ackListeners.add(listener);
    return () => this.#ackListeners.delete(listener);
  }

  /**
   * Sends a command to a listening device on its own connection (QoS 1).
   * 'acknowledged-later': a persistent session; its PUBACK arrives through
   * onCommandAcknowledged. 'written': a clean session, for which aedes keeps no
   * record to match a PUBACK against, so the write to its socket is as far as
   * the edge can see. 'not-listening': nothing was sent.
   */
  async sendCommandTo(
    identity: DeviceIdentity,
    payload: string,
  ): Promise<'acknowledged-later' | 'written' | 'not-listening'> {
    const client = this.#listening.get(identity.id);
    if (!client) return 'not-listening';
    const packet = {
      cmd: 'publish' as const,
      topic: identity.commandTopic,
      payload: Buffer.from(payload),
      qos: 1 as const,
      retain: false,
      dup: false,
    };
    await new Promise<void>((resolve) => client.publish(packet, () => resolve()));
    return client.clean ? 'written' : 'acknowledged-later';
  }

  /** Publishes a command to a device's own command topic (QoS 1). */
  async publishCommand(identity: DeviceIdentity, payload: unknown): Promise<void> {
    await this.publishCommandText(identity, JSON.stringify(payload));
  }

  async publishCommandText(identity: DeviceIdentity, payload: string): Promise<void> {
    const aedes = this.#aedes;
    if (!aedes) throw new Error('broker is not running');
    await new Promise<void>((resolve, reject) => {
      aedes.publish(
        {
          cmd: 'publish',
          topic: identity.commandTopic,
          payload: Buffer.from(payload),
          qos: 1,
          retain: false,
          dup: false,
        },
        (error?: Error) => (error ? reject(error) : resolve()),
      );
    });
  }

  async stop(): Promise<void> {
    const server = this.#server;
    const aedes = this.#aedes;
    this.#server = undefined;
    this.#aedes = undefined;
    if (aedes) await new Promise<void>((resolve) => aedes.close(() => resolve()));
    if (server) {
      server.close();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  async #authenticate(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
  ): Promise<DeviceIdentity | undefined> {
    if (!username || !password) {
      this.counters.reject('connect without credentials');
      this.log.warn({ clientId: client.id }, 'device refused: no credentials');
      return undefined;
    }
    const identity = await this.registry.authenticate(username, password.toString('utf8'));
    if (!identity) {
      this.counters.reject('bad credentials');
      const device = username.slice(0, 64);
      const last = this.#refusalLoggedAt.get(device) ?? 0;
      if (Date.now() - last > 60_000 && this.#refusalLoggedAt.size < 10_000) {
        this.#refusalLoggedAt.set(device, Date.now());
        this.log.warn({ device }, 'device refused: unknown device or wrong password');
      }
      return undefined;
    }
    if (client.id !== identity.id) {
      this.counters.reject('client id differs from device id');
      this.log.warn({ device: identity.id, clientId: client.id }, 'device refused: client id');
      return undefined;
    }
    this.#identities.set(client, identity);
    this.log.info({ device: identity.id, kind: identity.kind }, 'device connected');
    this.sink.presence?.(identity, true);
    return identity;
  }

  #authorizePublish(client: Client | null, packet: PublishPacket): Error | null {
    if (!client) return null;
    const identity = this.#identities.get(client);
    if (!identity || !packet.topic.startsWith(identity.topicPrefix)) {
      this.counters.reject('publish outside own topics');
      this.log.warn(
        { device: identity?.id ?? client.id, topic: packet.topic.slice(0, 200) },
        'publish refused',
      );
      return new Error('publish outside own topics');
    }
    const channel = packet.topic.slice(identity.topicPrefix.length);
    if (channel === 'command' || channel.includes('/')) {
      this.counters.reject('publish on a reserved topic');
      this.log.warn({ device: identity.id, topic: packet.topic.slice(0, 200) }, 'publish refused');
      return new Error('publish on a reserved topic');
    }
    if (channel !== 'status') packet.retain = false;

    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    try {
      const reason = this.sink.accept(identity, channel, payload);
      if (reason !== undefined) {
        this.counters.reject(reason.split(':')[0]!);
        this.log.warn({ device: identity.id, channel, reason }, 'message rejected');
      }
      return null;
    } catch (error) {
      // Not stored: no PUBACK, so the device sends it again.
      this.log.error({ err: error, device: identity.id, channel }, 'message could not be stored');
      return error as Error;
    }
  }
}

// The MQTT broker that devices connect to: aedes in-process on TCP, with every
// connection, publish and subscribe checked against the device registry.
// A device publishes only under haven/{site}/{kind}/{id}/ and subscribes only
// to its own command topic.
import { createServer, type Server } from 'node:net';
import { Aedes, type AuthenticateError, type Client, type PublishPacket } from 'aedes';
import type { Logger } from '../../common/log.ts';
import type { DeviceIdentity, DeviceRegistry } from '../devices/registry.ts';
import type { EdgeCounters } from '../metrics.ts';

/** What the broker hands an accepted publish to. */
export interface DeviceMessageSink {
  /** Returns a rejection reason, or undefined. Throws when it could not store it. */
  accept(device: DeviceIdentity, channel: string, payload: Buffer): string | undefined;
}

// aedes' AuthErrorCode is an ambient const enum; isolatedModules needs the value.
const badUsernameOrPassword = 4;

export class DeviceBroker {
  #aedes: Aedes | undefined;
  #server: Server | undefined;
  /** connected aedes client → the device it authenticated as */
  readonly #identities = new WeakMap<Client, DeviceIdentity>();

  constructor(
    private readonly registry: DeviceRegistry,
    private readonly sink: DeviceMessageSink,
    private readonly counters: EdgeCounters,
    private readonly log: Logger,
  ) {}

  async start(host: string, port: number): Promise<number> {
    const aedes = await Aedes.createBroker({
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
          { device: identity?.id ?? client.id, topic: subscription.topic },
          'subscription refused',
        );
        done(null, null);
      },
    });
    aedes.on('clientDisconnect', (client) => {
      this.log.debug({ device: client.id }, 'device disconnected');
    });
    this.#aedes = aedes;

    const server = createServer(aedes.handle);
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address();
    return typeof address === 'object' && address ? address.port : port;
  }

  /** Publishes a command to a device's own command topic (QoS 1). */
  async publishCommand(identity: DeviceIdentity, payload: unknown): Promise<void> {
    const aedes = this.#aedes;
    if (!aedes) throw new Error('broker is not running');
    await new Promise<void>((resolve, reject) => {
      aedes.publish(
        {
          cmd: 'publish',
          topic: identity.commandTopic,
          payload: Buffer.from(JSON.stringify(payload)),
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
      this.log.warn({ device: username }, 'device refused: unknown device or wrong password');
      return undefined;
    }
    if (client.id !== identity.id) {
      this.counters.reject('client id differs from device id');
      this.log.warn({ device: identity.id, clientId: client.id }, 'device refused: client id');
      return undefined;
    }
    this.#identities.set(client, identity);
    this.log.info({ device: identity.id, kind: identity.kind }, 'device connected');
    return identity;
  }

  #authorizePublish(client: Client | null, packet: PublishPacket): Error | null {
    if (!client) return null;
    const identity = this.#identities.get(client);
    if (!identity || !packet.topic.startsWith(identity.topicPrefix)) {
      this.counters.reject('publish outside own topics');
      this.log.warn({ device: identity?.id ?? client.id, topic: packet.topic }, 'publish refused');
      return new Error('publish outside own topics');
    }
    const channel = packet.topic.slice(identity.topicPrefix.length);
    if (channel === 'command' || channel.includes('/')) {
      this.counters.reject('publish on a reserved topic');
      this.log.warn({ device: identity.id, topic: packet.topic }, 'publish refused');
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

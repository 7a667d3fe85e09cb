// The demo's wristbands: elderly residents' bands on MQTT sending telemetry
// every 30 s of demo time, and a scripted night of incidents.
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from '../../common/log.ts';

export const demoBandIds = ['band-zhang', 'band-li', 'band-wang', 'band-zhao', 'band-chen'];

interface Incident {
  /** Demo seconds after the start. */
  atSeconds: number;
  band: string;
  channel: 'event' | 'telemetry';
  payload: () => Record<string, unknown>;
}

const now = (): string => new Date().toISOString();

const incidents: Incident[] = [
  {
    atSeconds: 20,
    band: 'band-zhang',
    channel: 'event',
    payload: () => ({ time: now(), kind: 'sos' }),
  },
  {
    atSeconds: 60,
    band: 'band-li',
    channel: 'event',
    payload: () => ({ time: now(), kind: 'fall' }),
  },
  {
    atSeconds: 100,
    band: 'band-wang',
    channel: 'telemetry',
    payload: () => ({ time: now(), worn: false, heartRateBpm: 0 }),
  },
  {
    atSeconds: 140,
    band: 'band-zhao',
    channel: 'telemetry',
    payload: () => ({ time: now(), batteryPercent: 12, worn: true, heartRateBpm: 74 }),
  },
];

export class DemoBands {
  readonly errors: string[] = [];
  readonly #clients = new Map<string, MqttClient>();
  readonly #timers: NodeJS.Timeout[] = [];
  #steps = 0;

  constructor(
    private readonly site: string,
    private readonly mqttPort: number,
    private readonly secrets: Map<string, string>,
    private readonly speed: number,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    for (const [id, secret] of this.secrets) {
      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${this.mqttPort}`, {
        clientId: id,
        username: id,
        password: secret,
        will: {
          topic: this.#topic(id, 'status'),
          payload: Buffer.from('offline'),
          qos: 1,
          retain: true,
        },
      });
      client.on('error', (error) => this.errors.push(`${id}: ${error.message}`));
      await client.publishAsync(this.#topic(id, 'status'), 'online', { qos: 1, retain: true });
      this.#clients.set(id, client);
    }
    this.#timers.push(setInterval(() => this.#sendTelemetry(), 30_000 / this.speed));
    for (const incident of incidents) {
      this.#timers.push(
        setTimeout(() => this.#play(incident), (incident.atSeconds * 1000) / this.speed),
      );
    }
  }

  async stop(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    await Promise.all([...this.#clients.values()].map((client) => client.endAsync()));
    this.#clients.clear();
  }

  #sendTelemetry(): void {
    this.#steps += 1;
    for (const [id, client] of this.#clients) {
      const sample = {
        time: now(),
        heartRateBpm: 64 + Math.round(Math.random() * 12),
        spo2Percent: 95 + Math.round(Math.random() * 3),
        steps: this.#steps * 20,
        batteryPercent: id === 'band-zhao' ? 12 : 80,
        worn: id !== 'band-wang',
      };
      client.publish(this.#topic(id, 'telemetry'), JSON.stringify(sample), { qos: 0 });
    }
  }

  #play(incident: Incident): void {
    const client = this.#clients.get(incident.band);
    if (!client) return;
    this.log.info({ band: incident.band, channel: incident.channel }, 'demo incident');
    client
      .publishAsync(
        this.#topic(incident.band, incident.channel),
        JSON.stringify(incident.payload()),
        {
          qos: 1,
        },
      )
      .catch((error: unknown) => this.errors.push(`${incident.band}: ${(error as Error).message}`));
  }

  #topic(id: string, channel: string): string {
    return `haven/${this.site}/band/${id}/${channel}`;
  }
}

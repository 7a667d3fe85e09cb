// Many simulated wristbands on an edge's MQTT broker, each with its own
// credentials, last will and topics (haven/{site}/band/{id}/...). Simulated
// time runs `speed` times faster than real time from `startMs`, so a test can
// play a resident's morning in seconds: runUntil() fast-forwards as quickly as
// the broker acknowledges, start() follows the clock (for the demo).
import mqtt, { type MqttClient } from 'mqtt';
import { silentLogger, type Logger } from '../../common/log.ts';
import type { Incident } from './incidents.ts';
import { SeededRandom } from './random.ts';
import { Schedule } from './schedule.ts';
import { SimulatedWearer, type BandMessage, type LatLon } from './wearer.ts';

export interface SimulatedBand {
  id: string;
  /** The band's MQTT password, as registered at the edge. */
  secret: string;
  home: LatLon;
  batteryPercent?: number;
}

export interface BandSimulatorOptions {
  /** The edge's broker, e.g. mqtt://127.0.0.1:1883. */
  mqttUrl: string;
  site: string;
  bands: SimulatedBand[];
  /** Simulated time between two samples of a band. Default 60 000 ms. */
  reportIntervalMs?: number;
  /** Simulated milliseconds per real millisecond in start(). Default 1. */
  speed?: number;
  /** Simulated time at the start. Default now. */
  startMs?: number;
  incidents?: Incident[];
  /** Same seed, same community. Default 1. */
  seed?: number;
  /** Connections opened at once. Default 20. */
  connectConcurrency?: number;
  /** Publishes awaiting their acknowledgement at once. Default 256. */
  inFlight?: number;
  /** Bands reconnect after a dropped connection, as real ones do. Default true. */
  reconnect?: boolean;
  log?: Logger;
}

export interface SimulatorStats {
  connected: number;
  telemetry: number;
  events: number;
  /** Publishes that failed (connection lost, refused). */
  failed: number;
}

interface Band {
  wearer: SimulatedWearer;
  secret: string;
  client?: MqttClient;
  nextSampleMs: number;
}

export class BandSimulator {
  readonly stats: SimulatorStats = { connected: 0, telemetry: 0, events: 0, failed: 0 };
  readonly startMs: number;
  readonly #options: Required<Omit<BandSimulatorOptions, 'startMs' | 'incidents' | 'log'>>;
  readonly #log: Logger;
  /** band id → its wearer, client and next sample */
  readonly #bands = new Map<string, Band>();
  readonly #schedule = new Schedule<Band>();
  readonly #pending = new Set<Promise<void>>();
  #simulatedMs: number;
  #clock: NodeJS.Timeout | undefined;
  #realStartMs = 0;
  #pumping: Promise<void> | undefined;
  /** Jitter of report times; seeded so that runs repeat. */
  readonly #jitter: SeededRandom;

  constructor(options: BandSimulatorOptions) {
    this.#options = {
      mqttUrl: options.mqttUrl,
      site: options.site,
      bands: options.bands,
      reportIntervalMs: options.reportIntervalMs ?? 60_000,
      speed: options.speed ?? 1,
      seed: options.seed ?? 1,
      connectConcurrency: options.connectConcurrency ?? 20,
      inFlight: options.inFlight ?? 256,
      reconnect: options.reconnect ?? true,
    };
    this.#log = options.log ?? silentLogger();
    this.startMs = options.startMs ?? Date.now();
    this.#simulatedMs = this.startMs;

    const random = new SeededRandom(this.#options.seed);
    this.#jitter = random.fork('report times');
    const interval = this.#options.reportIntervalMs;
    options.bands.forEach((band, index) => {
      const wearer = new SimulatedWearer(band, random.fork(band.id), this.startMs);
      // Spread the bands over one interval, as real ones drift apart.
      const first = this.startMs + Math.floor((index / options.bands.length) * interval);
      const state: Band = { wearer, secret: band.secret, nextSampleMs: first };
      this.#bands.set(band.id, state);
    });
    for (const incident of options.incidents ?? []) {
      const band = this.#bands.get(incident.band);
      if (!band) throw new Error(`incident for unknown band ${incident.band}`);
      band.wearer.script(incident);
    }
    for (const band of this.#bands.values()) this.#scheduleNext(band);
  }

  /** Simulated time now. */
  get nowMs(): number {
    return this.#simulatedMs;
  }

  wearer(bandId: string): SimulatedWearer | undefined {
    return this.#bands.get(bandId)?.wearer;
  }

  /** Opens every band's MQTT connection and announces it online (retained). */
  async connect(): Promise<void> {
    const queue = [...this.#bands.values()];
    const worker = async () => {
      for (let band = queue.shift(); band; band = queue.shift()) await this.#connect(band);
    };
    await Promise.all(Array.from({ length: this.#options.connectConcurrency }, worker));
    this.#log.info({ bands: this.#bands.size }, 'simulated bands connected');
  }

  /** Sends everything due up to simulated time `untilMs`, as fast as the broker takes it. */
  async runUntil(untilMs: number): Promise<void> {
    await this.#pump(untilMs);
    await this.#settle();
  }

  /** Follows the real clock, `speed` times faster, until stop(). */
  start(): void {
    this.#realStartMs = Date.now() - (this.#simulatedMs - this.startMs) / this.#options.speed;
    const tickMs = Math.max(20, Math.min(1000, this.#options.reportIntervalMs / 10));
    this.#clock = setInterval(() => {
      if (this.#pumping) return;
      const target = this.startMs + (Date.now() - this.#realStartMs) * this.#options.speed;
      this.#pumping = this.#pump(target).finally(() => (this.#pumping = undefined));
    }, tickMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.#clock);
    this.#clock = undefined;
    await this.#pumping;
    await this.#settle();
    await Promise.all(
      [...this.#bands.values()].map(async (band) => {
        await band.client?.endAsync();
        band.client = undefined;
      }),
    );
    this.stats.connected = 0;
  }

  async #connect(band: Band): Promise<void> {
    const id = band.wearer.id;
    const status = this.#topic(id, 'status');
    const client = await mqtt.connectAsync(this.#options.mqttUrl, {
      clientId: id,
      username: id,
      password: band.secret,
      reconnectPeriod: this.#options.reconnect ? 2000 : 0,
      connectTimeout: 10_000,
      will: { topic: status, payload: Buffer.from('offline'), qos: 1, retain: true },
    });
    client.on('error', (error) => this.#log.warn({ band: id, err: error }, 'band link error'));
    band.client = client;
    this.stats.connected++;
    await client.publishAsync(status, 'online', { qos: 1, retain: true });
  }

  async #pump(untilMs: number): Promise<void> {
    for (let due = this.#schedule.takeDue(untilMs); due; due = this.#schedule.takeDue(untilMs)) {
      const band = due.item;
      this.#simulatedMs = Math.max(this.#simulatedMs, due.atMs);
      const sample = due.atMs >= band.nextSampleMs;
      if (sample) {
        const jitter = Math.round(this.#jitter.normal(0, 0.02) * this.#options.reportIntervalMs);
        band.nextSampleMs = due.atMs + this.#options.reportIntervalMs + jitter;
      }
      for (const message of band.wearer.advanceTo(due.atMs, this.startMs, sample)) {
        await this.#send(band, message);
      }
      this.#scheduleNext(band);
    }
    this.#simulatedMs = Math.max(this.#simulatedMs, untilMs);
  }

  #scheduleNext(band: Band): void {
    const next = Math.min(band.nextSampleMs, band.wearer.nextIncidentMs(this.startMs));
    this.#schedule.add(next, band);
  }

  async #send(band: Band, message: BandMessage): Promise<void> {
    const client = band.client;
    if (!client) return;
    while (this.#pending.size >= this.#options.inFlight) await Promise.race(this.#pending);
    const payload = JSON.stringify(message.body);
    const sent = client
      .publishAsync(this.#topic(band.wearer.id, message.channel), payload, { qos: 1 })
      .then(
        () => {
          if (message.channel === 'telemetry') this.stats.telemetry++;
          else this.stats.events++;
        },
        (error: unknown) => {
          this.stats.failed++;
          this.#log.warn({ band: band.wearer.id, err: error }, 'simulated publish failed');
        },
      )
      .finally(() => this.#pending.delete(sent));
    this.#pending.add(sent);
  }

  async #settle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending);
  }

  #topic(bandId: string, channel: string): string {
    return `haven/${this.#options.site}/band/${bandId}/${channel}`;
  }
}

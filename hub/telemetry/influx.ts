// Band telemetry series in InfluxDB 1.x through the `influx` client: batched
// writes at millisecond precision, and chart buckets by GROUP BY time().
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { InfluxDB, escape, type IPoint } from 'influx';
import type { InfluxConfig } from './config.ts';
import { compact, reading } from './embedded.ts';
import { bandSchema } from './points.ts';
import type { VitalsBucket, VitalsRange, VitalsSource } from './schemas.ts';

/**
 * The exporter backs off by itself. The client's own back-off would take the
 * host out of its pool on a timer that outlives stop(), so it is switched off.
 */
const noClientBackoff = {
  getDelay: () => 0,
  next() {
    return this;
  },
  reset() {
    return this;
  },
};

export class InfluxTelemetry implements VitalsSource {
  readonly name = 'influx';
  readonly #agent: HttpAgent;
  readonly #client: InfluxDB;

  constructor(private readonly config: InfluxConfig) {
    this.#agent =
      config.protocol === 'https'
        ? new HttpsAgent({ keepAlive: true, maxSockets: 4 })
        : new HttpAgent({ keepAlive: true, maxSockets: 4 });
    this.#client = new InfluxDB({
      host: config.host,
      port: config.port,
      protocol: config.protocol,
      database: config.database,
      ...(config.username !== undefined && { username: config.username }),
      ...(config.password !== undefined && { password: config.password }),
      options: { agent: this.#agent },
      pool: { maxRetries: 0, requestTimeout: config.requestTimeoutMs, backoff: noClientBackoff },
      schema: [bandSchema(config.measurement)],
    });
  }

  /** Creates the database when it is missing (CREATE DATABASE is idempotent). */
  async ensureDatabase(): Promise<void> {
    await this.#client.createDatabase(this.config.database);
  }

  async write(points: IPoint[]): Promise<void> {
    await this.#client.writePoints(points, { precision: 'ms' });
  }

  async vitals(range: VitalsRange): Promise<VitalsBucket[]> {
    const stats = (field: string, name: string) =>
      `mean("${field}") AS ${name}_mean, min("${field}") AS ${name}_min, ` +
      `max("${field}") AS ${name}_max, count("${field}") AS ${name}_count`;
    const query =
      `SELECT ${stats('heartRateBpm', 'hr')}, ${stats('spo2Percent', 'o2')}, ` +
      `mean("systolicMmHg") AS systolic, mean("diastolicMmHg") AS diastolic, ` +
      `mean("temperatureC") AS temperature, max("steps") AS steps, ` +
      `min("batteryPercent") AS battery ` +
      `FROM ${escape.quoted(this.config.measurement)} ` +
      `WHERE "band" = ${escape.stringLit(range.bandId)} ` +
      `AND time >= ${Math.floor(range.fromMs)}ms AND time < ${Math.floor(range.toMs)}ms ` +
      `GROUP BY time(${range.bucketSeconds}s) fill(none)`;
    const rows = await this.#client.query<Record<string, number | null>>(query);
    return rows.flatMap((row) => {
      const time = (row as unknown as { time: Date }).time;
      const bucket = compact({
        time: time.toISOString(),
        heartRateBpm: reading(row.hr_mean, row.hr_min, row.hr_max, row.hr_count),
        spo2Percent: reading(row.o2_mean, row.o2_min, row.o2_max, row.o2_count),
        systolicMmHg: row.systolic,
        diastolicMmHg: row.diastolic,
        temperatureC: row.temperature,
        steps: row.steps,
        batteryPercent: row.battery,
      });
      return Object.keys(bucket).length > 1 ? [bucket] : [];
    });
  }

  /** Every stored point of these bands, oldest first, as column → value. */
  async pointsOf(bandIds: string[]): Promise<Record<string, unknown>[]> {
    if (bandIds.length === 0) return [];
    const rows = await this.#client.query<Record<string, unknown>>(
      `SELECT * FROM ${escape.quoted(this.config.measurement)} WHERE ${this.#anyBand(bandIds)}`,
    );
    return rows.map((row) => ({ ...row, time: (row.time as Date).toISOString() }));
  }

  /** Drops every series of these bands; resolves with how many points went. */
  async eraseBands(bandIds: string[]): Promise<number> {
    if (bandIds.length === 0) return 0;
    const measurement = escape.quoted(this.config.measurement);
    const counted = await this.#client.query<{ count: number }>(
      `SELECT count(*) FROM ${measurement} WHERE ${this.#anyBand(bandIds)}`,
    );
    const removed = Math.max(0, ...Object.values(counted[0] ?? {}).filter(isCount));
    await this.#client.query(`DROP SERIES FROM ${measurement} WHERE ${this.#anyBand(bandIds)}`);
    return removed;
  }

  /** Deletes every point older than the cutoff (retention). */
  async deleteBefore(cutoffMs: number): Promise<void> {
    const measurement = escape.quoted(this.config.measurement);
    await this.#client.query(`DELETE FROM ${measurement} WHERE time < ${Math.floor(cutoffMs)}ms`);
  }

  #anyBand(bandIds: string[]): string {
    return `(${bandIds.map((id) => `"band" = ${escape.stringLit(id)}`).join(' OR ')})`;
  }

  /** Frees the client's sockets. */
  close(): void {
    this.#agent.destroy();
  }
}

/**
 * InfluxDB refused the data itself (400: a field of another type, a bad point;
 * 413: too large): the same batch will never go in. Other failures (down,
 * 401, database missing) may pass once InfluxDB or its config is fixed.
 */
export function isRefusedWrite(error: unknown): boolean {
  const status = (error as { res?: { statusCode?: number } } | null)?.res?.statusCode;
  return status === 400 || status === 413;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number';
}

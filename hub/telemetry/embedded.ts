// Band telemetry history in the hub's own SQLite file: the only history when
// no InfluxDB is configured, and otherwise the durable queue the export to
// InfluxDB reads from (by row id, which is never reused).
import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import type { BandTelemetry } from '../../common/contracts/band.ts';
import type { StoredTelemetry } from './points.ts';
import type { Reading, VitalsBucket, VitalsRange, VitalsSource } from './schemas.ts';

interface TelemetryRow {
  id: number;
  site: string;
  device_id: string;
  at_ms: number | null;
  body: string;
  resident_id: string | null;
  resident_name: string | null;
}

interface BucketRow {
  bucket: number;
  hr_mean: number | null;
  hr_min: number | null;
  hr_max: number | null;
  hr_count: number;
  o2_mean: number | null;
  o2_min: number | null;
  o2_max: number | null;
  o2_count: number;
  systolic: number | null;
  diastolic: number | null;
  temperature: number | null;
  steps: number | null;
  battery: number | null;
}

export class EmbeddedTelemetry implements VitalsSource {
  readonly name = 'embedded';
  readonly #after: Statement;
  readonly #buckets: Statement;
  readonly #cursor: Statement;
  readonly #setCursor: Statement;
  readonly #prune: Statement;

  constructor(database: Database.Database) {
    this.#after = database.prepare(
      `SELECT t.id, t.site, t.device_id, t.at_ms, t.body,
         r.id AS resident_id, r.name AS resident_name
       FROM telemetry t
       LEFT JOIN device_bindings b ON b.device_kind = 'band' AND b.device_id = t.device_id
       LEFT JOIN residents r ON r.id = b.resident_id
       WHERE t.id > ? ORDER BY t.id LIMIT ?`,
    );
    this.#buckets = database.prepare(
      `SELECT (at_ms / CAST(@bucketMs AS INTEGER)) * CAST(@bucketMs AS INTEGER) AS bucket,
         avg(hr) AS hr_mean, min(hr) AS hr_min, max(hr) AS hr_max, count(hr) AS hr_count,
         avg(o2) AS o2_mean, min(o2) AS o2_min, max(o2) AS o2_max, count(o2) AS o2_count,
         avg(systolic) AS systolic, avg(diastolic) AS diastolic,
         avg(temperature) AS temperature, max(steps) AS steps, min(battery) AS battery
       FROM (SELECT at_ms,
           nullif(json_extract(body, '$.heartRateBpm'), 0) AS hr,
           nullif(json_extract(body, '$.spo2Percent'), 0) AS o2,
           json_extract(body, '$.systolicMmHg') AS systolic,
           json_extract(body, '$.diastolicMmHg') AS diastolic,
           json_extract(body, '$.temperatureC') AS temperature,
           json_extract(body, '$.steps') AS steps,
           json_extract(body, '$.batteryPercent') AS battery
         FROM telemetry
         WHERE device_id = @bandId AND at_ms >= @fromMs AND at_ms < @toMs)
       GROUP BY bucket ORDER BY bucket`,
    );
    this.#cursor = database.prepare('SELECT last_id FROM series_export WHERE name = ?');
    this.#setCursor = database.prepare(
      `INSERT INTO series_export (name, last_id) VALUES (?, ?)
       ON CONFLICT DO UPDATE SET last_id = excluded.last_id`,
    );
    this.#prune = database.prepare('DELETE FROM telemetry WHERE id <= ? AND at_ms < ?');
  }

  /** Samples stored after the given row id, oldest first, with the band's resident. */
  after(cursor: number, limit: number): StoredTelemetry[] {
    const rows = this.#after.all(cursor, limit) as TelemetryRow[];
    return rows.map((row) => ({
      id: row.id,
      site: row.site,
      deviceId: row.device_id,
      atMs: row.at_ms ?? Number.NaN,
      telemetry: JSON.parse(row.body) as BandTelemetry,
      ...(row.resident_id !== null && { residentId: row.resident_id }),
      ...(row.resident_name !== null && { residentName: row.resident_name }),
    }));
  }

  /** The last row id an export has taken (0 before its first). */
  cursor(exportName: string): number {
    const row = this.#cursor.get(exportName) as { last_id: number } | undefined;
    return row?.last_id ?? 0;
  }

  setCursor(exportName: string, lastId: number): void {
    this.#setCursor.run(exportName, lastId);
  }

  /** Deletes exported rows (id up to `upToId`) whose samples are older than `beforeMs`. */
  prune(upToId: number, beforeMs: number): number {
    return this.#prune.run(upToId, beforeMs).changes;
  }

  async vitals(range: VitalsRange): Promise<VitalsBucket[]> {
    const rows = this.#buckets.all({
      bandId: range.bandId,
      fromMs: range.fromMs,
      toMs: range.toMs,
      bucketMs: range.bucketSeconds * 1000,
    }) as BucketRow[];
    return rows.flatMap((row) => {
      const bucket = compact({
        time: new Date(row.bucket).toISOString(),
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
}

export function reading(
  mean: number | null | undefined,
  min: number | null | undefined,
  max: number | null | undefined,
  count: number | null | undefined,
): Reading | undefined {
  if (mean === null || mean === undefined || !count) return undefined;
  return { mean, min: min ?? mean, max: max ?? mean, count };
}

/** The bucket without its empty values. */
export function compact(values: Record<string, unknown>): VitalsBucket {
  return Object.fromEntries(
    Object.entries(values).filter(([, value]) => value !== null && value !== undefined),
  ) as VitalsBucket;
}

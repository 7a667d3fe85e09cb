// Copies band telemetry from the embedded store to InfluxDB, in batches, in
// the order it was stored. The position is a row-id cursor kept in SQLite, so
// nothing is lost or sent twice across a hub restart, and ingest never waits
// for InfluxDB: while it is away, telemetry simply waits in SQLite and the
// export catches up when it is back. A batch InfluxDB refuses (a field of the
// wrong type, a bad point) is split until the refused points are found; those
// are counted and skipped, the rest goes in.
import type { IPoint } from 'influx';
import type { Logger } from '../../common/log.ts';
import type { InfluxConfig } from './config.ts';
import type { EmbeddedTelemetry } from './embedded.ts';
import { isRefusedWrite, type InfluxTelemetry } from './influx.ts';
import { toPoint } from './points.ts';

const exportName = 'influx';
const firstRetryMs = 500;
const pruneEveryMs = 60_000;

export interface ExportStats {
  /** Points InfluxDB accepted. */
  exported: number;
  /** Points InfluxDB refused; they stay only in the embedded store. */
  refused: number;
  /** Samples with no value worth a point (only a time). */
  skipped: number;
  /** Failed attempts since the last success. */
  failures: number;
  /** Embedded rows deleted after export. */
  pruned: number;
}

export class TelemetryExporter {
  readonly stats: ExportStats = { exported: 0, refused: 0, skipped: 0, failures: 0, pruned: 0 };
  #cursor = 0;
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #databaseReady = false;
  #lastPruneMs = 0;

  constructor(
    private readonly embedded: EmbeddedTelemetry,
    private readonly influx: InfluxTelemetry,
    private readonly config: InfluxConfig,
    private readonly log: Logger,
  ) {}

  /** The last embedded row id that is in InfluxDB. */
  get exportedUpTo(): number {
    return this.#cursor;
  }

  start(): void {
    this.#cursor = this.embedded.cursor(exportName);
    this.#running = true;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
    this.#loop = undefined;
  }

  async #run(): Promise<void> {
    while (this.#running) {
      this.#prune();
      const rows = this.embedded.after(this.#cursor, this.config.batchSize);
      if (rows.length === 0) {
        await this.#sleep(this.config.flushIntervalMs);
        continue;
      }
      try {
        await this.#export(rows);
      } catch (error) {
        this.#databaseReady = false;
        this.stats.failures++;
        const waitMs = this.#backoffMs();
        if (this.stats.failures === 1) {
          this.log.warn(
            { err: error, retryInMs: waitMs },
            'InfluxDB unreachable; telemetry waits in the embedded store',
          );
        } else {
          this.log.debug({ failures: this.stats.failures, retryInMs: waitMs }, 'export retry');
        }
        await this.#sleep(waitMs);
        continue;
      }
      if (rows.length < this.config.batchSize) await this.#sleep(this.config.flushIntervalMs);
    }
  }

  async #export(rows: ReturnType<EmbeddedTelemetry['after']>): Promise<void> {
    if (!this.#databaseReady) {
      await this.influx.ensureDatabase();
      this.#databaseReady = true;
    }
    const points: IPoint[] = [];
    for (const row of rows) {
      const point = Number.isFinite(row.atMs) ? toPoint(this.config.measurement, row) : undefined;
      if (point) points.push(point);
      else this.stats.skipped++;
    }
    if (points.length > 0) await this.#write(points);

    this.#cursor = rows.at(-1)!.id;
    this.embedded.setCursor(exportName, this.#cursor);
    if (this.stats.failures > 0) {
      this.log.info({ failures: this.stats.failures }, 'InfluxDB reachable again; export resumed');
    }
    this.stats.failures = 0;
  }

  async #write(points: IPoint[]): Promise<void> {
    try {
      await this.influx.write(points);
      this.stats.exported += points.length;
    } catch (error) {
      if (!isRefusedWrite(error)) throw error;
      if (points.length === 1) {
        this.stats.refused++;
        this.log.warn(
          { err: error, band: points[0]!.tags?.band, timestamp: points[0]!.timestamp },
          'InfluxDB refused a telemetry point; it stays only in the embedded store',
        );
        return;
      }
      const half = Math.ceil(points.length / 2);
      await this.#write(points.slice(0, half));
      await this.#write(points.slice(half));
    }
  }

  #prune(): void {
    const now = Date.now();
    if (now - this.#lastPruneMs < pruneEveryMs) return;
    this.#lastPruneMs = now;
    const removed = this.embedded.prune(
      this.#cursor,
      now - this.config.keepEmbeddedHours * 3_600_000,
    );
    this.stats.pruned += removed;
    if (removed > 0) this.log.debug({ removed }, 'exported telemetry pruned from SQLite');
  }

  #backoffMs(): number {
    const ceiling = Math.min(
      this.config.maxBackoffMs,
      firstRetryMs * 2 ** Math.min(this.stats.failures - 1, 20),
    );
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  #sleep(ms: number): Promise<void> {
    if (!this.#running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        resolve();
      }, ms);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
    });
  }
}

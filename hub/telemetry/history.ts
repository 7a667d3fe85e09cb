// The hub's telemetry history: always the embedded store, and with an
// `influx` section also InfluxDB, fed by the exporter. One start and one stop.
import type Database from 'better-sqlite3';
import type { Logger } from '../../common/log.ts';
import type { DataGovernance } from '../governance/holders.ts';
import type { RegistryStore } from '../registry/store.ts';
import type { InfluxConfig } from './config.ts';
import { EmbeddedTelemetry } from './embedded.ts';
import { TelemetryExporter } from './exporter.ts';
import { registerInfluxHolder } from './governance.ts';
import { InfluxTelemetry } from './influx.ts';

export class TelemetryHistory {
  readonly embedded: EmbeddedTelemetry;
  readonly influx: InfluxTelemetry | undefined;
  readonly exporter: TelemetryExporter | undefined;

  constructor(database: Database.Database, config: InfluxConfig | undefined, log: Logger) {
    this.embedded = new EmbeddedTelemetry(database);
    if (config) {
      this.influx = new InfluxTelemetry(config);
      this.exporter = new TelemetryExporter(this.embedded, this.influx, config, log);
    }
  }

  /** Lets erasure, export and retention reach InfluxDB too. */
  registerWith(governance: DataGovernance, registry: RegistryStore): void {
    if (this.influx) registerInfluxHolder(governance, registry, this.influx);
  }

  start(): void {
    this.exporter?.start();
  }

  async stop(): Promise<void> {
    await this.exporter?.stop();
    this.influx?.close();
  }
}

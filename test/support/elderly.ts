// The elderly-care rules on a real edge database and outbox, without broker or
// hub: a test feeds band messages and reads back what went to the outbox.
import type { ClearedCondition, RaisedAlert } from '../../common/contracts/alert.ts';
import type { BandEvent, BandTelemetry } from '../../common/contracts/band.ts';
import { silentLogger } from '../../common/log.ts';
import { Value } from '@sinclair/typebox/value';
import { Outbox } from '../../edge/outbox/outbox.ts';
import type { BandContext } from '../../edge/rules/band-alerts.ts';
import { CareConfig } from '../../edge/rules/care-settings.ts';
import { ElderlyCareRules } from '../../edge/rules/elderly-care.ts';
import { openEdgeDatabase, type EdgeDatabase } from '../../edge/store/database.ts';
import { site, temporaryFolder } from './spine.ts';

export interface CareRigOptions {
  /** The config's care section, as a file would give it. */
  care?: Record<string, unknown>;
  /** Bands registered at the edge. Default one: band-001. */
  bands?: string[];
  lowBatteryPercent?: number;
  batteryHysteresisPercent?: number;
}

export function bandContext(bandId: string): BandContext {
  return { site, edgeId: 'home-1', bandId };
}

export class CareRig {
  readonly #folder = temporaryFolder('care');
  #database!: EdgeDatabase;
  #outbox!: Outbox;
  rules!: ElderlyCareRules;

  constructor(private readonly options: CareRigOptions = {}) {
    this.#open();
  }

  #open(): void {
    const { options } = this;
    this.#database = openEdgeDatabase(this.#folder.path);
    this.#outbox = new Outbox(this.#database, { maxTelemetry: 1000 });
    const care = Value.Default(CareConfig, structuredClone(options.care ?? {}));
    if (!Value.Check(CareConfig, care)) throw new Error('the test care config is invalid');
    this.rules = new ElderlyCareRules(
      this.#database,
      this.#outbox,
      {
        care,
        lowBatteryPercent: options.lowBatteryPercent ?? 20,
        batteryHysteresisPercent: options.batteryHysteresisPercent ?? 10,
        bands: (options.bands ?? ['band-001']).map(bandContext),
      },
      silentLogger(),
    );
    this.rules.start();
  }

  /** Telemetry from a band, timed now unless fields say otherwise. */
  telemetry(bandId: string, fields: Partial<BandTelemetry>): void {
    this.rules.onTelemetry(bandContext(bandId), { time: new Date().toISOString(), ...fields });
  }

  event(bandId: string, kind: BandEvent['kind'], time = new Date()): void {
    this.rules.onEvent(bandContext(bandId), { time: time.toISOString(), kind });
  }

  /** Alerts and clears queued since the last call, in the order they were queued. */
  take(): { alerts: RaisedAlert[]; clears: ClearedCondition[] } {
    const rows = this.#database
      .prepare(`SELECT kind, body FROM outbox WHERE kind IN ('alert', 'clear') ORDER BY id`)
      .all() as { kind: string; body: string }[];
    this.#database.prepare(`DELETE FROM outbox WHERE kind IN ('alert', 'clear')`).run();
    return {
      alerts: rows.filter((row) => row.kind === 'alert').map((row) => JSON.parse(row.body)),
      clears: rows.filter((row) => row.kind === 'clear').map((row) => JSON.parse(row.body)),
    };
  }

  /** Stops the rules and closes the database, then opens both again, as a restart does. */
  restart(whileDown?: () => void): void {
    this.#stop();
    whileDown?.();
    this.#open();
  }

  #stop(): void {
    this.rules.stop();
    this.#outbox.stop();
    this.#database.close();
  }

  close(): void {
    this.#stop();
    this.#folder.remove();
  }
}

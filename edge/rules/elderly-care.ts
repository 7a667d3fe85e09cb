// The elderly-care rules of one edge, fed by band ingest. Each rule is its own
// file; this wires them to one alert path and one state store and gives them a
// shared start and stop.
import type { BandEvent, BandTelemetry } from '../../common/contracts/band.ts';
import type { Logger } from '../../common/log.ts';
import type { Outbox } from '../outbox/outbox.ts';
import type { EdgeDatabase } from '../store/database.ts';
import { BandAlarmRules } from './band-alarms.ts';
import { BandAlerts, type BandContext } from './band-alerts.ts';
import { BandRemovedRule } from './band-removed.ts';
import { CareSettingsBook, type CareConfig } from './care-settings.ts';
import { CareStateStore } from './care-state.ts';
import { StandingConditions } from './conditions.ts';
import { DeviceSilenceRule } from './device-silence.ts';
import { InactivityRule } from './inactivity.ts';
import { SafeAreaRule } from './safe-area.ts';
import { VitalSignRules } from './vital-signs.ts';

/** What band ingest hands every accepted message to. */
export interface BandRules {
  onTelemetry(band: BandContext, telemetry: BandTelemetry): void;
  onEvent(band: BandContext, event: BandEvent): void;
}

export interface ElderlyCareOptions {
  care: CareConfig;
  lowBatteryPercent: number;
  batteryHysteresisPercent: number;
  /** Bands registered at this edge. */
  bands: readonly BandContext[];
  /** How often per-sample state is written behind. Default 2000 ms. */
  stateFlushMs?: number;
}

export class ElderlyCareRules implements BandRules {
  readonly state: CareStateStore;
  readonly alarms: BandAlarmRules;
  readonly removed: BandRemovedRule;
  readonly vitals: VitalSignRules;
  readonly inactivity: InactivityRule;
  readonly safeArea: SafeAreaRule;
  readonly silence: DeviceSilenceRule;

  constructor(database: EdgeDatabase, outbox: Outbox, options: ElderlyCareOptions, log: Logger) {
    const settings = new CareSettingsBook(options.care, options.lowBatteryPercent);
    const alerts = new BandAlerts(outbox, new StandingConditions(database), log);
    this.state = new CareStateStore(database, options.stateFlushMs);
    this.alarms = new BandAlarmRules(alerts, settings, options.batteryHysteresisPercent);
    this.removed = new BandRemovedRule(
      alerts,
      settings,
      this.state,
      log.child({ rule: 'removed' }),
    );
    this.vitals = new VitalSignRules(alerts, settings, this.state, log.child({ rule: 'vitals' }));
    this.inactivity = new InactivityRule(
      alerts,
      settings,
      this.state,
      log.child({ rule: 'inactivity' }),
    );
    this.safeArea = new SafeAreaRule(alerts, settings, log.child({ rule: 'safe-area' }));
    this.silence = new DeviceSilenceRule(
      alerts,
      settings,
      this.state,
      options.bands,
      log.child({ rule: 'silence' }),
    );
  }

  start(): void {
    this.state.start();
    this.removed.start();
    this.silence.start();
  }

  stop(): void {
    this.silence.stop();
    this.removed.stop();
    this.state.stop();
  }

  onTelemetry(band: BandContext, telemetry: BandTelemetry): void {
    this.silence.onMessage(band, 'telemetry');
    this.alarms.onTelemetry(band, telemetry);
    this.removed.onTelemetry(band, telemetry);
    this.vitals.onTelemetry(band, telemetry);
    this.inactivity.onTelemetry(band, telemetry);
    this.safeArea.onTelemetry(band, telemetry);
  }

  onEvent(band: BandContext, event: BandEvent): void {
    this.silence.onMessage(band, 'event');
    this.alarms.onEvent(band, event);
    this.removed.onEvent(band, event);
  }
}

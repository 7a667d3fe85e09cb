// First elderly-care rules: device-side alarms become alerts.
//   SOS, fall       → critical, every press is reported (the hub folds repeats)
//   band removed    → warning, standing until the band is worn again
//   low battery     → info, standing until the battery climbs past the hysteresis
import type { RaisedAlert, Severity } from '../../common/contracts/alert.ts';
import type { BandEvent, BandTelemetry } from '../../common/contracts/band.ts';
import { Priority, type Outbox } from '../outbox/outbox.ts';
import type { StandingConditions } from './conditions.ts';
import type { Logger } from '../../common/log.ts';

export interface BandAlarmSettings {
  lowBatteryPercent: number;
  batteryHysteresisPercent: number;
}

interface BandContext {
  site: string;
  edgeId: string;
  bandId: string;
}

export class BandAlarmRules {
  constructor(
    private readonly outbox: Outbox,
    private readonly conditions: StandingConditions,
    private readonly settings: BandAlarmSettings,
    private readonly log: Logger,
  ) {}

  onEvent(band: BandContext, event: BandEvent): void {
    const evidence = { event };
    switch (event.kind) {
      case 'sos':
        this.#raise(band, 'sos', 'critical', event.time, evidence);
        break;
      case 'fall':
        this.#raise(band, 'fall', 'critical', event.time, evidence);
        break;
      case 'removed':
        this.#raiseStanding(band, 'band_removed', 'warning', event.time, evidence);
        break;
      case 'low_battery':
        this.#raiseStanding(band, 'low_battery', 'info', event.time, evidence);
        break;
      default:
        break;
    }
  }

  onTelemetry(band: BandContext, telemetry: BandTelemetry): void {
    if (telemetry.worn === false) {
      this.#raiseStanding(band, 'band_removed', 'warning', telemetry.time, { telemetry });
    } else if (telemetry.worn === true) {
      this.#clear(band, 'band_removed', telemetry.time);
    }

    const battery = telemetry.batteryPercent;
    if (battery === undefined) return;
    const { lowBatteryPercent, batteryHysteresisPercent } = this.settings;
    if (battery <= lowBatteryPercent) {
      this.#raiseStanding(band, 'low_battery', 'info', telemetry.time, { batteryPercent: battery });
    } else if (battery >= lowBatteryPercent + batteryHysteresisPercent) {
      this.#clear(band, 'low_battery', telemetry.time);
    }
  }

  #raiseStanding(
    band: BandContext,
    type: string,
    severity: Severity,
    time: string,
    evidence: Record<string, unknown>,
  ): void {
    const dedupKey = dedupKeyFor(band, type);
    if (!this.conditions.raise(dedupKey, Date.parse(time))) return;
    this.#raise(band, type, severity, time, evidence);
  }

  #raise(
    band: BandContext,
    type: string,
    severity: Severity,
    time: string,
    evidence: Record<string, unknown>,
  ): void {
    const alert: RaisedAlert = {
      type,
      severity,
      site: band.site,
      edgeId: band.edgeId,
      subject: { kind: 'band', id: band.bandId },
      dedupKey: dedupKeyFor(band, type),
      raisedAt: time,
      evidence,
    };
    const priority = severity === 'critical' ? Priority.criticalAlert : Priority.alert;
    this.outbox.putNow('alert', alert, priority);
    this.log.info({ band: band.bandId, alert: type, severity }, 'alert queued for the hub');
  }

  #clear(band: BandContext, type: string, time: string): void {
    const dedupKey = dedupKeyFor(band, type);
    if (!this.conditions.clear(dedupKey)) return;
    this.outbox.putNow(
      'clear',
      { site: band.site, edgeId: band.edgeId, dedupKey, clearedAt: time },
      Priority.alert,
    );
    this.log.info({ band: band.bandId, alert: type }, 'condition cleared');
  }
}

function dedupKeyFor(band: BandContext, type: string): string {
  return `${band.site}/band/${band.bandId}/${type}`;
}

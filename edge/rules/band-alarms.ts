// Device-side alarms of a band become alerts:
//   SOS, fall    → critical, at once; every press is reported (the hub folds repeats)
//   low battery  → info, standing until the battery climbs past the hysteresis
//   alarm of unknown kind, power cut → warning: an elderly person's watch
//     alarmed and nobody can tell why, so the police room looks
//   the watch's own geofence flag → left_safe_area, the same standing alert the
//     position-based rule (safe-area.ts) raises; its "entered" flag clears it
// A band taken off is band-removed.ts: it waits some minutes before it warns.
import type { BandEvent, BandTelemetry } from '../../common/contracts/band.ts';
import type { BandAlerts, BandContext } from './band-alerts.ts';
import type { CareSettingsBook } from './care-settings.ts';

export class BandAlarmRules {
  constructor(
    private readonly alerts: BandAlerts,
    private readonly settings: CareSettingsBook,
    /** Battery must climb this far above the band's threshold to clear. */
    private readonly batteryHysteresisPercent: number,
  ) {}

  onEvent(band: BandContext, event: BandEvent): void {
    const evidence = { event };
    switch (event.kind) {
      case 'sos':
        this.alerts.raise(band, 'sos', 'critical', event.time, evidence);
        break;
      case 'fall':
        this.alerts.raise(band, 'fall', 'critical', event.time, evidence);
        break;
      case 'low_battery':
        this.alerts.raiseStanding(band, 'low_battery', 'info', event.time, evidence);
        break;
      case 'alarm':
        this.alerts.raise(band, 'band_alarm', 'warning', event.time, evidence);
        break;
      case 'power_cut':
        this.alerts.raise(band, 'power_cut', 'warning', event.time, evidence);
        break;
      case 'geofence_exit':
        this.alerts.raiseStanding(band, 'left_safe_area', 'warning', event.time, evidence);
        break;
      case 'geofence_enter':
        this.alerts.clear(band, 'left_safe_area', event.time);
        break;
      case 'removed':
        // Waits its minutes in band-removed.ts, which sees this event too.
        break;
    }
  }

  onTelemetry(band: BandContext, telemetry: BandTelemetry): void {
    const battery = telemetry.batteryPercent;
    if (battery === undefined) return;
    const { lowBatteryPercent } = this.settings.forBand(band.bandId);
    if (battery <= lowBatteryPercent) {
      this.alerts.raiseStanding(band, 'low_battery', 'info', telemetry.time, {
        batteryPercent: battery,
        thresholdPercent: lowBatteryPercent,
      });
    } else if (battery >= lowBatteryPercent + this.batteryHysteresisPercent) {
      this.alerts.clear(band, 'low_battery', telemetry.time);
    }
  }
}

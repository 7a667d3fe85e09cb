import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CareRig } from '../support/elderly.ts';

describe("a band's own alarms and its battery", () => {
  let rig: CareRig;

  beforeEach(() => {
    vi.useFakeTimers({ now: Date.parse('2026-12-04T02:00:00Z') });
    rig = new CareRig({
      care: { bands: [{ band: 'band-002', lowBatteryPercent: 30 }] },
      bands: ['band-001', 'band-002'],
      lowBatteryPercent: 20,
      batteryHysteresisPercent: 10,
    });
  });

  afterEach(() => {
    rig.close();
    vi.useRealTimers();
  });

  it('SOS and fall are critical at once, every time', () => {
    rig.event('band-001', 'sos');
    rig.event('band-001', 'fall');
    rig.event('band-001', 'sos');
    expect(
      rig.take().alerts.map((alert) => `${alert.type}:${alert.severity}`),
      'each press goes to the hub, which folds repeats into one alert',
    ).toEqual(['sos:critical', 'fall:critical', 'sos:critical']);
  });

  it('low battery does not flap around the threshold', () => {
    for (const percent of [25, 21, 20, 21, 19, 22, 20, 25, 29]) {
      vi.advanceTimersByTime(60_000);
      rig.telemetry('band-001', { batteryPercent: percent });
    }
    const low = rig.take();
    expect(low.alerts.map((alert) => alert.type)).toEqual(['low_battery']);
    expect(low.clears, 'not cleared below threshold + hysteresis (30 %)').toEqual([]);

    rig.telemetry('band-001', { batteryPercent: 30 });
    rig.telemetry('band-001', { batteryPercent: 20 });
    const again = rig.take();
    expect(again.clears.map((clear) => clear.dedupKey)).toEqual([
      'xincun/band/band-001/low_battery',
    ]);
    expect(again.alerts, 'raised again after it cleared').toHaveLength(1);
  });

  it("uses the band's own threshold", () => {
    rig.telemetry('band-002', { batteryPercent: 28 });
    rig.telemetry('band-001', { batteryPercent: 28 });
    expect(rig.take().alerts.map((alert) => [alert.subject.id, alert.evidence])).toEqual([
      ['band-002', { batteryPercent: 28, thresholdPercent: 30 }],
    ]);
  });

  it('an alarm of unknown kind and a power cut are warnings; the geofence flag stands', () => {
    rig.event('band-001', 'alarm');
    rig.event('band-001', 'power_cut');
    rig.event('band-001', 'geofence_exit');
    rig.event('band-001', 'geofence_exit');
    expect(rig.take().alerts.map((alert) => `${alert.type}:${alert.severity}`)).toEqual([
      'band_alarm:warning',
      'power_cut:warning',
      'left_safe_area:warning',
    ]);
    rig.event('band-001', 'geofence_enter');
    expect(rig.take().clears.map((clear) => clear.dedupKey)).toEqual([
      'xincun/band/band-001/left_safe_area',
    ]);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BandTelemetry } from '../../common/contracts/band.ts';
import { CareRig } from '../support/elderly.ts';

const home = { lat: 31.2304, lon: 121.4737 };
const metresPerDegreeLat = 111_195;
const metresPerDegreeLon = metresPerDegreeLat * Math.cos((home.lat * Math.PI) / 180);

/** A GPS fix `north` and `east` metres from home. */
function fix(north: number, east: number, extra: Partial<BandTelemetry['position']> = {}) {
  return {
    position: {
      lat: home.lat + north / metresPerDegreeLat,
      lon: home.lon + east / metresPerDegreeLon,
      valid: true,
      accuracyM: 10,
      ...extra,
    },
  };
}

const circle = { kind: 'circle', ...home, radiusM: 300 };
// A 400 m × 200 m block: 200 m north and south of home, 100 m east and west.
const block = {
  kind: 'polygon',
  points: [
    { lat: home.lat - 200 / metresPerDegreeLat, lon: home.lon - 100 / metresPerDegreeLon },
    { lat: home.lat + 200 / metresPerDegreeLat, lon: home.lon - 100 / metresPerDegreeLon },
    { lat: home.lat + 200 / metresPerDegreeLat, lon: home.lon + 100 / metresPerDegreeLon },
    { lat: home.lat - 200 / metresPerDegreeLat, lon: home.lon + 100 / metresPerDegreeLon },
  ],
};

describe('a wandering resident who leaves the safe area', () => {
  let rig: CareRig;

  beforeEach(() => {
    vi.useFakeTimers({ now: Date.parse('2026-12-04T02:00:00Z') });
    rig = new CareRig({
      care: {
        defaults: { safeArea: circle },
        bands: [
          { band: 'band-001', wanders: true },
          { band: 'band-002', wanders: true, safeArea: block },
        ],
      },
      bands: ['band-001', 'band-002', 'band-003'],
    });
  });

  afterEach(() => {
    rig.close();
    vi.useRealTimers();
  });

  function areaAlerts() {
    return rig.take().alerts.filter((alert) => alert.type === 'left_safe_area');
  }

  function walk(band: string, fixes: ReturnType<typeof fix>[]): void {
    for (const position of fixes) {
      vi.advanceTimersByTime(30_000);
      rig.telemetry(band, position);
    }
  }

  it('two fixes in a row outside the circle are one warning; back inside clears it', () => {
    walk('band-001', [fix(0, 0), fix(250, 0), fix(400, 0)]);
    expect(areaAlerts(), 'one fix outside is not enough').toEqual([]);

    walk('band-001', [fix(450, 0)]);
    const alerts = areaAlerts();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      severity: 'warning',
      subject: { id: 'band-001' },
      evidence: { outsideMeters: 150, safeArea: 'circle' },
    });

    walk('band-001', [fix(500, 0), fix(600, 0), fix(200, 0)]);
    const meanwhile = rig.take();
    expect(meanwhile.alerts, 'still outside: no repeat').toEqual([]);
    expect(meanwhile.clears, 'one fix inside does not clear yet').toEqual([]);
    walk('band-001', [fix(100, 0)]);
    expect(rig.take().clears.map((clear) => clear.dedupKey)).toEqual([
      'xincun/band/band-001/left_safe_area',
    ]);
  });

  it('a polygon: along the block is inside, across the street is outside', () => {
    walk('band-002', [fix(190, 0), fix(-190, 50), fix(0, 90)]);
    expect(areaAlerts(), 'all inside the block').toEqual([]);
    walk('band-002', [fix(0, 160), fix(0, 170)]);
    expect(areaAlerts().map((alert) => alert.evidence)).toEqual([
      { position: expect.any(Object), outsideMeters: 70, safeArea: 'polygon' },
    ]);
  });

  it('fixes without GPS, or less accurate than the distance outside, are not used', () => {
    walk('band-001', [fix(400, 0, { valid: false }), fix(400, 0, { valid: false })]);
    walk('band-001', [fix(350, 0, { accuracyM: 80 }), fix(350, 0, { accuracyM: 80 })]);
    expect(areaAlerts()).toEqual([]);
  });

  it('residents not marked as wandering raise nothing', () => {
    walk('band-003', [fix(1000, 0), fix(2000, 0), fix(3000, 0)]);
    expect(areaAlerts()).toEqual([]);
  });
});

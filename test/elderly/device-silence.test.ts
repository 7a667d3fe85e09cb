import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CareRig } from '../support/elderly.ts';

const start = Date.parse('2026-12-04T02:00:00Z');
const minute = 60_000;

describe('a band that goes silent', () => {
  let rig: CareRig;

  beforeEach(() => {
    vi.useFakeTimers({ now: start });
    rig = new CareRig({
      care: {
        defaults: { assumedIntervalSeconds: 300, missedReports: 3, minSilentMinutes: 10 },
        bands: [{ band: 'band-003', reportingIntervalSeconds: 1800 }],
      },
      bands: ['band-001', 'band-002', 'band-003'],
    });
  });

  afterEach(() => {
    rig.close();
    vi.useRealTimers();
  });

  function offline() {
    const { alerts, clears } = rig.take();
    return {
      alerts: alerts.filter((alert) => alert.type === 'band_offline'),
      clears: clears.filter((clear) => clear.dedupKey.endsWith('/band_offline')),
    };
  }

  /** The band reports every `everyMinutes` for `forMinutes`. */
  function report(band: string, everyMinutes: number, forMinutes: number): void {
    for (let passed = 0; passed < forMinutes; passed += everyMinutes) {
      rig.telemetry(band, { batteryPercent: 80 });
      vi.advanceTimersByTime(everyMinutes * minute);
    }
  }

  it('learns each band its own interval: offline after three missed reports', () => {
    for (let passed = 0; passed < 60; passed++) {
      rig.telemetry('band-001', { batteryPercent: 80 });
      if (passed % 10 === 0) rig.telemetry('band-002', { batteryPercent: 80 });
      if (passed % 30 === 0) rig.telemetry('band-003', { batteryPercent: 80 });
      vi.advanceTimersByTime(minute);
    }
    expect(offline().alerts, 'every band reported within its interval').toEqual([]);

    // From 60 minutes on, all three are silent. Their last reports were at
    // 59 (band-001), 50 (band-002) and 30 minutes (band-003).
    vi.advanceTimersByTime(8 * minute); // 68
    expect(offline().alerts, 'band-001 (every minute) waits minSilentMinutes').toEqual([]);
    vi.advanceTimersByTime(2 * minute); // 70
    expect(offline().alerts.map((alert) => alert.subject.id)).toEqual(['band-001']);
    vi.advanceTimersByTime(10 * minute); // 80: band-002 reports every 10 min → 30 min
    expect(offline().alerts.map((alert) => alert.subject.id)).toEqual(['band-002']);
    vi.advanceTimersByTime(39 * minute); // 119
    expect(offline().alerts, 'band-003 reports every 30 min (pinned) → 90 min').toEqual([]);
    vi.advanceTimersByTime(minute); // 120
    const alerts = offline().alerts;
    expect(alerts.map((alert) => alert.subject.id)).toEqual(['band-003']);
    expect(alerts[0]).toMatchObject({
      severity: 'warning',
      evidence: { silentMinutes: 90, timeoutMinutes: 90 },
    });
  });

  it('is one offline alert and one recovery; reconnecting within the timeout raises nothing', () => {
    const ofBand002 = () => {
      const { alerts, clears } = offline();
      return {
        alerts: alerts.filter((alert) => alert.subject.id === 'band-002'),
        clears: clears.filter((clear) => clear.dedupKey.includes('/band-002/')),
      };
    };
    report('band-002', 5, 60);
    vi.advanceTimersByTime(120 * minute);
    expect(ofBand002().alerts, 'one alert for two hours of silence').toHaveLength(1);

    rig.telemetry('band-002', { batteryPercent: 80 });
    rig.telemetry('band-002', { batteryPercent: 80 });
    expect(ofBand002(), 'one recovery').toEqual({
      alerts: [],
      clears: [expect.objectContaining({ dedupKey: 'xincun/band/band-002/band_offline' })],
    });

    // Then it comes and goes, each gap within its 15-minute timeout.
    for (let round = 0; round < 6; round++) {
      vi.advanceTimersByTime(14 * minute);
      rig.telemetry('band-002', { batteryPercent: 80 });
    }
    expect(ofBand002(), 'no alert and no recovery while it reports within its timeout').toEqual({
      alerts: [],
      clears: [],
    });
  });

  it('after an edge restart every band gets a full timeout, and a standing one stays one', () => {
    report('band-001', 1, 5);
    vi.advanceTimersByTime(30 * minute);
    expect(offline().alerts.map((alert) => alert.subject.id)).toContain('band-001');

    rig.restart();
    vi.advanceTimersByTime(60 * minute);
    expect(offline().alerts, 'nothing raised twice after the restart').toEqual([]);

    rig.telemetry('band-001', { batteryPercent: 80 });
    expect(offline().clears.map((clear) => clear.dedupKey)).toEqual([
      'xincun/band/band-001/band_offline',
    ]);
  });

  it('a silent edge is not silent bands: a restart after a long outage raises nothing at once', () => {
    for (let passed = 0; passed < 5; passed++) {
      for (const band of ['band-001', 'band-002', 'band-003']) {
        rig.telemetry(band, { batteryPercent: 80 });
      }
      vi.advanceTimersByTime(minute);
    }
    expect(offline().alerts).toEqual([]);
    rig.restart(() => vi.setSystemTime(Date.now() + 3 * 60 * minute));
    vi.advanceTimersByTime(9 * minute);
    expect(offline().alerts, 'each band gets its timeout from the restart').toEqual([]);
    vi.advanceTimersByTime(minute);
    expect(offline().alerts.map((alert) => alert.subject.id)).toEqual(['band-001', 'band-002']);
  });
});

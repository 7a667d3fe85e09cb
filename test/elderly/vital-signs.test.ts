import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CareRig } from '../support/elderly.ts';

// 09:00 in Shanghai.
const start = Date.parse('2026-12-04T01:00:00Z');
const minute = 60_000;

describe('heart rate and blood oxygen out of range', () => {
  let rig: CareRig;

  beforeEach(() => {
    vi.useFakeTimers({ now: start });
    rig = new CareRig({
      care: { bands: [{ band: 'band-002', heartRateBpm: { min: 45, max: 95 } }] },
      bands: ['band-001', 'band-002'],
    });
  });

  afterEach(() => {
    rig.close();
    vi.useRealTimers();
  });

  /** One reading per minute from `from` minutes after the start. */
  function heartRate(band: string, values: number[], from = 0): void {
    values.forEach((value, index) => {
      const time = new Date(start + (from + index) * minute).toISOString();
      rig.telemetry(band, { time, heartRateBpm: value, worn: true });
    });
  }

  it('one reading out of range raises nothing; five minutes out of range is one warning', () => {
    heartRate('band-001', [72, 135, 74, 73]);
    expect(rig.take().alerts, 'a single high reading is noise').toEqual([]);

    heartRate('band-001', [125, 126, 128, 127, 129, 130, 131], 4);
    const { alerts } = rig.take();
    expect(alerts, 'readings out of range for 5 minutes make one warning').toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      type: 'heart_rate',
      severity: 'warning',
      subject: { kind: 'band', id: 'band-001' },
      dedupKey: 'xincun/band/band-001/heart_rate',
      raisedAt: new Date(start + 9 * minute).toISOString(),
    });
    expect(alerts[0]!.evidence, 'the evidence carries the readings').toMatchObject({
      value: 130,
      worst: 130,
      minutes: 5,
    });
  });

  it('a warning that lasts past criticalAfterMinutes is sent again as critical, same key', () => {
    heartRate('band-001', Array<number>(21).fill(125));
    const { alerts } = rig.take();
    expect(
      alerts.map((alert) => alert.severity),
      'one warning at 5 minutes, then the same alert as critical at 20 minutes',
    ).toEqual(['warning', 'critical']);
    expect(new Set(alerts.map((alert) => alert.dedupKey)).size, 'one standing condition').toBe(1);

    heartRate('band-001', Array<number>(10).fill(125), 21);
    expect(rig.take().alerts, 'a critical condition is not sent again while it stands').toEqual([]);
  });

  it('two readings in a row past the critical limit are critical at once', () => {
    heartRate('band-001', [72, 150, 72]);
    expect(rig.take().alerts, 'one reading past the critical limit is not enough').toEqual([]);

    heartRate('band-001', [152, 155], 3);
    const { alerts } = rig.take();
    expect(alerts.map((alert) => alert.severity)).toEqual(['critical']);
    expect(alerts[0]!.evidence).toMatchObject({ worst: 155 });
  });

  it('two readings back in range clear it; it is raised again only after clearing', () => {
    heartRate('band-001', [125, 125, 125, 125, 125, 125]);
    expect(rig.take().alerts).toHaveLength(1);

    heartRate('band-001', [80, 125, 126], 6);
    expect(rig.take(), 'one reading in range neither clears nor re-raises').toEqual({
      alerts: [],
      clears: [],
    });

    heartRate('band-001', [80, 78], 9);
    const cleared = rig.take();
    expect(cleared.clears.map((clear) => clear.dedupKey)).toEqual([
      'xincun/band/band-001/heart_rate',
    ]);

    heartRate('band-001', [40, 41, 42, 43, 44, 45, 46], 11);
    const again = rig.take().alerts;
    expect(again, 'a new episode after the clear is a new alert').toHaveLength(1);
    expect(again[0]!.evidence).toMatchObject({ worst: 40 });
  });

  it('low blood oxygen sustained is a warning, and it worsens to critical', () => {
    for (let index = 0; index < 8; index++) {
      const time = new Date(start + index * minute).toISOString();
      rig.telemetry('band-001', { time, spo2Percent: index < 6 ? 90 : 86 });
    }
    const { alerts } = rig.take();
    expect(alerts.map((alert) => `${alert.type}:${alert.severity}`)).toEqual([
      'low_spo2:warning',
      'low_spo2:critical',
    ]);
  });

  it("uses the wearer's own range, and ignores readings while the band is off", () => {
    heartRate('band-002', Array<number>(7).fill(100));
    expect(
      rig.take().alerts.map((alert) => alert.subject.id),
      '100 bpm is too high for band-002 (max 95) but not for the default (max 110)',
    ).toEqual(['band-002']);

    for (let index = 0; index < 10; index++) {
      const time = new Date(start + index * minute).toISOString();
      rig.telemetry('band-001', { time, heartRateBpm: 30, worn: false });
      rig.telemetry('band-001', { time, heartRateBpm: 0, spo2Percent: 0 });
    }
    expect(
      rig.take().alerts.filter((alert) => alert.type !== 'band_removed'),
      'no vital-sign alert from a band off the wrist or from "no reading" zeros',
    ).toEqual([]);
  });

  it('an episode outlives an edge restart', () => {
    heartRate('band-001', [125, 125, 125]);
    vi.advanceTimersByTime(5000);
    rig.restart();
    heartRate('band-001', [125, 125, 125], 3);
    expect(rig.take().alerts.map((alert) => alert.raisedAt)).toEqual([
      new Date(start + 5 * minute).toISOString(),
    ]);
  });
});

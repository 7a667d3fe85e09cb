import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CareRig } from '../support/elderly.ts';

const start = Date.parse('2026-12-04T02:00:00Z');
const minute = 60_000;

describe('a band taken off the wrist', () => {
  let rig: CareRig;

  beforeEach(() => {
    vi.useFakeTimers({ now: start });
    rig = new CareRig({
      care: { defaults: { removedMinutes: 15 }, bands: [{ band: 'band-002', removedMinutes: 5 }] },
      bands: ['band-001', 'band-002'],
    });
  });

  afterEach(() => {
    rig.close();
    vi.useRealTimers();
  });

  // Other rules (device silence) run too; these look at band removal only.
  function removed() {
    const { alerts, clears } = rig.take();
    return {
      alerts: alerts.filter((alert) => alert.type === 'band_removed'),
      clears: clears.filter((clear) => clear.dedupKey.endsWith('/band_removed')),
    };
  }

  function removedAlerts() {
    return removed().alerts;
  }

  it('raises nothing when it is back on the wrist within removedMinutes', () => {
    rig.telemetry('band-001', { worn: false });
    vi.advanceTimersByTime(14 * minute);
    rig.telemetry('band-001', { worn: true });
    vi.advanceTimersByTime(60 * minute);
    expect(removed(), 'taken off for 14 of 15 minutes: no alert, nothing to clear').toEqual({
      alerts: [],
      clears: [],
    });
  });

  it('is one warning after removedMinutes, whatever it keeps sending, cleared when worn', () => {
    rig.telemetry('band-001', { worn: false });
    for (let sample = 0; sample < 14; sample++) {
      vi.advanceTimersByTime(minute);
      rig.telemetry('band-001', { worn: false });
    }
    expect(removedAlerts(), 'not yet: 14 minutes').toEqual([]);

    vi.advanceTimersByTime(minute);
    const alerts = removedAlerts();
    expect(alerts, 'one warning at 15 minutes').toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      severity: 'warning',
      raisedAt: new Date(start + 15 * minute).toISOString(),
      evidence: { removedSince: new Date(start).toISOString(), offMinutes: 15 },
    });

    for (let sample = 0; sample < 30; sample++) {
      vi.advanceTimersByTime(minute);
      rig.telemetry('band-001', { worn: false });
    }
    expect(removedAlerts(), 'no repeat while it stays off').toEqual([]);

    rig.telemetry('band-001', { worn: true });
    expect(removed().clears.map((clear) => clear.dedupKey)).toEqual([
      'xincun/band/band-001/band_removed',
    ]);
  });

  it("uses the wearer's own minutes, and the band's own removal alarm starts the clock", () => {
    rig.event('band-002', 'removed');
    vi.advanceTimersByTime(5 * minute);
    expect(removedAlerts().map((alert) => alert.subject.id)).toEqual(['band-002']);
  });

  it('keeps counting across an edge restart', () => {
    rig.telemetry('band-001', { worn: false });
    vi.advanceTimersByTime(10 * minute);
    rig.restart();
    vi.advanceTimersByTime(4 * minute);
    expect(removedAlerts(), 'not yet: 14 minutes').toEqual([]);
    vi.advanceTimersByTime(minute);
    expect(removedAlerts(), 'due at 15 minutes after it came off, restart or not').toHaveLength(1);

    rig.restart();
    vi.advanceTimersByTime(60 * minute);
    expect(removedAlerts(), 'a raised condition is not raised again after a restart').toEqual([]);
    rig.telemetry('band-001', { worn: true });
    expect(removed().clears, 'and it still clears').toHaveLength(1);
  });

  it('a second removal after it was worn again is a new alert', () => {
    rig.telemetry('band-001', { worn: false });
    vi.advanceTimersByTime(20 * minute);
    rig.telemetry('band-001', { worn: true });
    expect(removedAlerts()).toHaveLength(1);

    rig.telemetry('band-001', { worn: false });
    vi.advanceTimersByTime(15 * minute);
    expect(removedAlerts(), 'raised again only after it cleared').toHaveLength(1);
  });
});

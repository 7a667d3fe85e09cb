import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BandTelemetry } from '../../common/contracts/band.ts';
import { CareRig } from '../support/elderly.ts';

const minute = 60_000;
const home = { lat: 31.2304, lon: 121.4737 };

/** An instant given as Shanghai wall-clock time on 4 December 2026 ("08:00", "+1 07:00"). */
function shanghai(clock: string): number {
  const [dayPart, timePart] = clock.startsWith('+') ? clock.slice(1).split(' ') : ['0', clock];
  const day = 4 + Number(dayPart);
  return Date.parse(`2026-12-${String(day).padStart(2, '0')}T${timePart}:00+08:00`);
}

/** A position `metres` north of home. */
function northOfHome(metres: number): BandTelemetry['position'] {
  return { lat: home.lat + metres / 111_195, lon: home.lon, valid: true, accuracyM: 10 };
}

describe('a resident who stops moving', () => {
  let rig: CareRig;

  beforeEach(() => {
    vi.useFakeTimers({ now: shanghai('+2 00:00') });
    rig = new CareRig();
  });

  afterEach(() => {
    rig.close();
    vi.useRealTimers();
  });

  /** Reports every `everyMinutes` from `from` to `to` (inclusive), same steps, jittering place. */
  function still(from: number, to: number, fields: Partial<BandTelemetry> = {}, everyMinutes = 10) {
    for (let at = from, index = 0; at <= to; at += everyMinutes * minute, index++) {
      rig.telemetry('band-001', {
        time: new Date(at).toISOString(),
        steps: 1200,
        worn: true,
        position: northOfHome(index % 2 ? 15 : -15),
        ...fields,
      });
    }
  }

  function inactivityAlerts() {
    return rig.take().alerts.filter((alert) => alert.type === 'inactivity');
  }

  it('four daytime hours worn without steps or moving is one warning; a step clears it', () => {
    still(shanghai('08:00'), shanghai('11:50'));
    expect(inactivityAlerts(), '3 h 50 min is not yet four hours').toEqual([]);

    still(shanghai('12:00'), shanghai('13:00'));
    const alerts = inactivityAlerts();
    expect(alerts, 'one warning, not one per report').toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      severity: 'warning',
      raisedAt: new Date(shanghai('12:00')).toISOString(),
      evidence: { stillDaytimeMinutes: 240, steps: 1200 },
    });

    still(shanghai('13:10'), shanghai('13:10'), { steps: 1212 });
    expect(rig.take().clears.map((clear) => clear.dedupKey)).toEqual([
      'xincun/band/band-001/inactivity',
    ]);
    still(shanghai('13:20'), shanghai('16:00'), { steps: 1212 });
    expect(inactivityAlerts(), 'the clock starts again after the step').toEqual([]);
  });

  it('the night does not count: still since 20:00, the warning comes at 10:00 next day', () => {
    still(shanghai('20:00'), shanghai('+1 09:50'));
    expect(inactivityAlerts(), 'one evening hour and 2 h 50 min of morning').toEqual([]);
    still(shanghai('+1 10:00'), shanghai('+1 10:00'));
    expect(inactivityAlerts().map((alert) => alert.raisedAt)).toEqual([
      new Date(shanghai('+1 10:00')).toISOString(),
    ]);
  });

  it('time off the wrist or without reports is not inactivity', () => {
    still(shanghai('08:00'), shanghai('10:00'));
    still(shanghai('10:10'), shanghai('12:00'), { worn: false });
    // Silent from 12:00 to 13:00: a gap longer than the band's silent timeout.
    still(shanghai('13:00'), shanghai('14:50'));
    expect(inactivityAlerts(), '2 h + 1 h 50 min worn and reporting').toEqual([]);
    still(shanghai('15:00'), shanghai('15:00'));
    expect(inactivityAlerts(), 'four worn, reporting hours are reached at 15:00').toHaveLength(1);
  });

  it('a position that only jitters is not a walk; a walk of 200 m is', () => {
    still(shanghai('08:00'), shanghai('11:00'));
    still(shanghai('11:10'), shanghai('11:10'), { position: northOfHome(200) });
    still(shanghai('11:20'), shanghai('15:00'), { position: northOfHome(210) });
    expect(
      inactivityAlerts().map((alert) => alert.raisedAt),
      'still again from 11:10, four hours later is 15:10',
    ).toEqual([]);
    still(shanghai('15:10'), shanghai('15:10'), { position: northOfHome(205) });
    expect(inactivityAlerts()).toHaveLength(1);
  });

  it('the still time and the raised warning outlive an edge restart', () => {
    still(shanghai('08:00'), shanghai('10:00'));
    rig.restart();
    still(shanghai('10:10'), shanghai('12:00'));
    expect(inactivityAlerts()).toHaveLength(1);
    rig.restart();
    still(shanghai('12:10'), shanghai('13:00'));
    expect(inactivityAlerts(), 'raised once, not again after the restart').toEqual([]);
  });
});

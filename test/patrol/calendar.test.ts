import { describe, expect, it } from 'vitest';
import type { Schedule } from '../../common/contracts/patrol.ts';
import {
  localDate,
  roundsBetween,
  roundsOfShift,
  zonedInstant,
} from '../../hub/patrol/calendar.ts';

const night: Schedule = {
  id: 'night',
  routeId: 'loop',
  name: '夜班巡更',
  timeZone: 'Asia/Shanghai',
  firstRound: '22:00',
  until: '06:00',
  everyMinutes: 120,
  toleranceMinutes: 10,
  active: true,
};

describe('the patrol calendar', () => {
  it('a 22:00 to 06:00 shift every 2 h has rounds at 22, 0, 2 and 4 o’clock', () => {
    const starts = roundsOfShift(night, '2026-12-04').map((round) =>
      new Date(round.plannedStartMs).toISOString(),
    );
    expect(starts, 'Shanghai is UTC+8').toEqual([
      '2026-12-04T14:00:00.000Z',
      '2026-12-04T16:00:00.000Z',
      '2026-12-04T18:00:00.000Z',
      '2026-12-04T20:00:00.000Z',
    ]);
  });

  it('names a round after midnight by the shift it belongs to', () => {
    const afterMidnight = Date.parse('2026-12-04T17:00:00Z');
    expect(localDate(afterMidnight, 'Asia/Shanghai'), 'local date is the 5th').toBe('2026-12-05');
    const [round] = roundsBetween(night, afterMidnight, afterMidnight + 2 * 3600_000);
    expect(round?.shiftDate, 'but the 02:00 round is the shift of the 4th').toBe('2026-12-04');
    expect(new Date(round!.plannedStartMs).toISOString()).toBe('2026-12-04T18:00:00.000Z');
  });

  it('turns local times into instants in zones with summer time', () => {
    expect(new Date(zonedInstant('2026-07-01', '22:00', 'Europe/Berlin')).toISOString()).toBe(
      '2026-07-01T20:00:00.000Z',
    );
    expect(new Date(zonedInstant('2026-12-01', '22:00', 'Europe/Berlin')).toISOString()).toBe(
      '2026-12-01T21:00:00.000Z',
    );
  });
});

// When a schedule's rounds start: local wall-clock times in the schedule's
// zone turned into instants. A shift is named by the local date of its first
// round, so the 00:00 round of a 22:00–06:00 shift belongs to the day before.
import type { Schedule } from '../../common/contracts/patrol.ts';

export interface PlannedRound {
  scheduleId: string;
  shiftDate: string;
  plannedStartMs: number;
  /** When the next round of the same schedule starts (planned), even past the shift. */
  nextStartMs: number;
}

const minuteMs = 60_000;
const dayMs = 24 * 60 * minuteMs;

/** formatters by zone: making one costs more than using it */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, found);
  }
  return found;
}

/** Throws a RangeError that names the zone when it is not a known IANA zone. */
export function checkTimeZone(timeZone: string): void {
  formatter(timeZone);
}

function wallClock(instantMs: number, timeZone: string): Record<string, number> {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(instantMs)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return parts;
}

/** How far the zone's wall clock is ahead of UTC at this instant. */
function offsetMs(instantMs: number, timeZone: string): number {
  const p = wallClock(instantMs, timeZone);
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return asUtc - Math.floor(instantMs / 1000) * 1000;
}

/** The instant a local date and time happen in the zone. */
export function zonedInstant(date: string, time: string, timeZone: string): number {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  let instant = wall - offsetMs(wall, timeZone);
  // Once more, for a zone whose offset differs between the guess and the answer.
  instant = wall - offsetMs(instant, timeZone);
  return instant;
}

/** The local date (YYYY-MM-DD) of an instant in the zone. */
export function localDate(instantMs: number, timeZone: string): string {
  const p = wallClock(instantMs, timeZone);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${p.year}-${pad(p.month!)}-${pad(p.day!)}`;
}

function addDays(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day) + days * dayMs).toISOString().slice(0, 10);
}

function minutesOfDay(time: string): number {
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  return hour * 60 + minute;
}

/** How long a shift's rounds keep starting: firstRound to until, past midnight if need be. */
export function shiftSpanMinutes(schedule: Pick<Schedule, 'firstRound' | 'until'>): number {
  const span = minutesOfDay(schedule.until) - minutesOfDay(schedule.firstRound);
  return span > 0 ? span : span + 24 * 60;
}

/** The rounds of one shift. */
export function roundsOfShift(schedule: Schedule, shiftDate: string): PlannedRound[] {
  const first = zonedInstant(shiftDate, schedule.firstRound, schedule.timeZone);
  const everyMs = schedule.everyMinutes * minuteMs;
  const count = Math.ceil(shiftSpanMinutes(schedule) / schedule.everyMinutes);
  const rounds: PlannedRound[] = [];
  for (let index = 0; index < count; index++) {
    const plannedStartMs = first + index * everyMs;
    rounds.push({
      scheduleId: schedule.id,
      shiftDate,
      plannedStartMs,
      nextStartMs: plannedStartMs + everyMs,
    });
  }
  return rounds;
}

/** Every round of the schedule that starts within [fromMs, untilMs). */
export function roundsBetween(schedule: Schedule, fromMs: number, untilMs: number): PlannedRound[] {
  const rounds: PlannedRound[] = [];
  let date = addDays(localDate(fromMs, schedule.timeZone), -1);
  const lastDate = addDays(localDate(untilMs, schedule.timeZone), 1);
  while (date <= lastDate) {
    for (const round of roundsOfShift(schedule, date)) {
      if (round.plannedStartMs >= fromMs && round.plannedStartMs < untilMs) rounds.push(round);
    }
    date = addDays(date, 1);
  }
  return rounds;
}

/** A round's stable id: the same after a restart, so nothing is raised twice. */
export function roundId(scheduleId: string, plannedStartMs: number): string {
  return `${scheduleId}@${new Date(plannedStartMs).toISOString()}`;
}

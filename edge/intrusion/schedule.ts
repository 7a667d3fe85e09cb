// When a zone is armed: a daily span of local clock time in the zone's time
// zone (e.g. 22:00-06:00 Asia/Shanghai, wrapping past midnight).
import type { ZoneSchedule } from './config.ts';

/** time zone → its formatter (building one is slow) */
const formatters = new Map<string, Intl.DateTimeFormat>();

function minuteOfDay(atMs: number, timeZone: string): number {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(new Date(atMs));
  const hour = Number(parts.find((part) => part.type === 'hour')!.value);
  const minute = Number(parts.find((part) => part.type === 'minute')!.value);
  return hour * 60 + minute;
}

function clockMinutes(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number);
  return hours! * 60 + minutes!;
}

/** Throws a RangeError naming the zone when its time zone is unknown. */
export function checkSchedule(zoneId: string, schedule: ZoneSchedule): void {
  try {
    minuteOfDay(0, schedule.timeZone);
  } catch {
    throw new RangeError(`intrusion zone ${zoneId}: unknown time zone ${schedule.timeZone}`);
  }
}

export function isArmed(schedule: ZoneSchedule | undefined, atMs: number): boolean {
  if (!schedule) return true;
  const now = minuteOfDay(atMs, schedule.timeZone);
  const from = clockMinutes(schedule.from);
  const to = clockMinutes(schedule.to);
  if (from === to) return true;
  return from < to ? now >= from && now < to : now >= from || now < to;
}

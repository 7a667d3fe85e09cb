// Times on the screen are the community's: Asia/Shanghai, 24-hour.

export const timeZone = 'Asia/Shanghai';

const clock = new Intl.DateTimeFormat('zh-CN', {
  timeZone,
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const dateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone,
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const longDate = new Intl.DateTimeFormat('zh-CN', {
  timeZone,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
const weekday = new Intl.DateTimeFormat('zh-CN', { timeZone, weekday: 'short' });

export function formatClock(at: Date | string | number): string {
  return clock.format(new Date(at));
}

export function formatDateTime(at: Date | string | number): string {
  return dateTime.format(new Date(at));
}

export function formatDate(at: Date | string | number): string {
  return `${longDate.format(new Date(at))} ${weekday.format(new Date(at))}`;
}

/** "3 分钟前" / "3 min ago" for how long an alert has been waiting. */
export function formatAge(
  at: string,
  nowMs: number,
  words: { now: string; minutes: string; hours: string; days: string },
): string {
  const minutes = Math.floor((nowMs - Date.parse(at)) / 60_000);
  if (minutes < 1) return words.now;
  if (minutes < 60) return `${minutes} ${words.minutes}`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} ${words.hours}`;
  return `${Math.floor(minutes / 1440)} ${words.days}`;
}

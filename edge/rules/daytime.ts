// Daytime hours in the community's time zone ("07:00"–"21:00" Asia/Shanghai):
// how much of a stretch of time fell inside them. Wall-clock times are turned
// into instants through Intl, so zones with summer time work too.

const dayMs = 86_400_000;

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

export class DaytimeHours {
  readonly #parts: Intl.DateTimeFormat;
  readonly #fromMinutes: number;
  readonly #toMinutes: number;

  constructor(timeZone: string, from: string, to: string) {
    this.#parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    this.#fromMinutes = minutesOf(from);
    this.#toMinutes = minutesOf(to);
  }

  /** Milliseconds of [startMs, endMs) that lie inside daytime hours. */
  overlapMs(startMs: number, endMs: number): number {
    if (endMs <= startMs) return 0;
    let total = 0;
    // A window that starts the local day before may still reach into the stretch.
    let date = addDays(this.#localDate(startMs), -1);
    for (;;) {
      const windowStart = this.#instant(date, this.#fromMinutes);
      if (windowStart >= endMs) break;
      const endDate = this.#toMinutes > this.#fromMinutes ? date : addDays(date, 1);
      const windowEnd = this.#instant(endDate, this.#toMinutes);
      total += Math.max(0, Math.min(endMs, windowEnd) - Math.max(startMs, windowStart));
      date = addDays(date, 1);
    }
    return total;
  }

  contains(atMs: number): boolean {
    return this.overlapMs(atMs, atMs + 1) === 1;
  }

  #localDate(atMs: number): LocalDate {
    const wall = this.#wallClock(atMs);
    return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
  }

  /** The local wall-clock time at an instant, written as if it were UTC. */
  #wallClock(atMs: number): Date {
    const part: Record<string, number> = {};
    for (const { type, value } of this.#parts.formatToParts(atMs)) {
      if (type !== 'literal') part[type] = Number(value);
    }
    return new Date(
      Date.UTC(part.year!, part.month! - 1, part.day!, part.hour!, part.minute!, part.second!),
    );
  }

  #offsetMs(atMs: number): number {
    return this.#wallClock(atMs).getTime() - Math.floor(atMs / 1000) * 1000;
  }

  /** The instant at which local time on `date` reads `minutes` past midnight. */
  #instant(date: LocalDate, minutes: number): number {
    const asUtc = Date.UTC(date.year, date.month - 1, date.day, 0, minutes);
    const first = asUtc - this.#offsetMs(asUtc);
    const second = asUtc - this.#offsetMs(first);
    return second;
  }
}

function minutesOf(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number);
  return hours! * 60 + minutes!;
}

function addDays(date: LocalDate, days: number): LocalDate {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * dayMs);
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

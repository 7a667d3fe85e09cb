// Cameras report their time zone as a POSIX TZ string (IEEE 1003.1 §8.3),
// e.g. "CST-08:00" or "EST+5:00:00EDT04:00:00,M3.5.0/01:00:00,M10.5.0/02:00:00".
// Its offset counts hours WEST of Greenwich, the reverse of ISO 8601:
// "CST-08:00" is China, UTC+8. Reading it naively is off by twice the offset.

export interface PosixTimeZone {
  standardName: string;
  /** Standard time minus UTC, in minutes (China: +480, New York: -300). */
  standardOffsetMinutes: number;
  /** The summer-time name when the string has one ("EDT"). */
  daylightName: string | undefined;
}

const name = String.raw`(?:<[^>]+>|[A-Za-z]{3,})`;
const offset = String.raw`([+-]?)(\d{1,2})(?::(\d{1,2}))?(?::(\d{1,2}))?`;
const posixPattern = new RegExp(`^(${name})${offset}(${name})?`);

/** Parses the standard part of a POSIX TZ string; undefined when it is not one. */
export function parsePosixTimeZone(tz: string): PosixTimeZone | undefined {
  // Some cameras end the offset with a stray colon ("CST-8:").
  const match = posixPattern.exec(tz.trim().replace(/:(?=$|,)/, ''));
  if (!match) return undefined;
  const [, standardName, sign, hours, minutes, seconds, daylightName] = match;
  const westMinutes =
    Number(hours) * 60 + Number(minutes ?? 0) + Math.round(Number(seconds ?? 0) / 60);
  if (Number(hours) > 24) return undefined;
  const westward = sign === '-' ? -westMinutes : westMinutes;
  return {
    standardName: standardName!.replace(/^<|>$/g, ''),
    standardOffsetMinutes: westward === 0 ? 0 : -westward,
    daylightName: daylightName?.replace(/^<|>$/g, ''),
  };
}

// Reading the text fields of watch frames: numbers, dates, MAC addresses. A
// field that is present but unreadable is a FrameError with a fixed reason;
// an empty field is simply absent.

/**
 * A frame that cannot be decoded; `reason` is a fixed phrase, fit to count by.
 * Thrown and caught inside the decoders only. Not an Error, so that no stack
 * trace is built: garbage can arrive by the thousand frames.
 */
export class FrameError {
  constructor(
    readonly reason: string,
    readonly detail?: string,
  ) {}
}

const decimalPattern = /^[+-]?(\d+\.?\d*|\.\d+)$/;
const integerPattern = /^[+-]?\d+$/;

/** A decimal number, or undefined for an empty field. Spaces around it are allowed. */
export function optionalDecimal(text: string | undefined, name: string): number | undefined {
  const trimmed = text?.trim() ?? '';
  if (trimmed === '') return undefined;
  if (!decimalPattern.test(trimmed)) throw new FrameError(`${name} is not a number`, trimmed);
  return Number(trimmed);
}

export function optionalInteger(text: string | undefined, name: string): number | undefined {
  const trimmed = text?.trim() ?? '';
  if (trimmed === '') return undefined;
  if (!integerPattern.test(trimmed)) throw new FrameError(`${name} is not an integer`, trimmed);
  return Number(trimmed);
}

export function requiredDecimal(text: string | undefined, name: string): number {
  const value = optionalDecimal(text, name);
  if (value === undefined) throw new FrameError(`${name} is missing`);
  return value;
}

/** An integer; hexadecimal when the field has hex letters (some firmware sends LAC and CID so). */
export function decimalOrHexInteger(text: string, name: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  if (/^[0-9A-Fa-f]{1,12}$/.test(trimmed)) return parseInt(trimmed, 16);
  throw new FrameError(`${name} is not a number`, trimmed);
}

/** Coordinates are kept to 6 decimals (about 0.1 m). */
export function roundCoordinate(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/**
 * ISO-8601 UTC from two-digit year and the other parts, or a FrameError when
 * the parts are not a real date and time.
 */
export function isoTime(parts: {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}): string {
  const { year, month, day, hour, minute, second } = parts;
  const date = new Date(Date.UTC(2000 + year, month - 1, day, hour, minute, second));
  const real =
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    hour < 24 &&
    minute < 60 &&
    second < 60;
  if (!real) throw new FrameError('date or time is not real');
  return date.toISOString().replace('.000Z', 'Z');
}

/** Splits "ddmmyy" or "yymmdd" and "hhmmss" into numbers. */
export function sixDigits(text: string | undefined, name: string): [number, number, number] {
  const trimmed = text?.trim() ?? '';
  if (!/^\d{6}$/.test(trimmed)) throw new FrameError(`${name} is not six digits`, trimmed);
  return [Number(trimmed.slice(0, 2)), Number(trimmed.slice(2, 4)), Number(trimmed.slice(4, 6))];
}

const macPattern = /^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$/;

/** "aa:bb:.." or "AA-BB-.." as colon-separated, case kept; undefined when not a MAC. */
export function normalizeMac(text: string): string | undefined {
  const trimmed = text.trim();
  if (!macPattern.test(trimmed)) return undefined;
  return trimmed.replaceAll('-', ':');
}

export function isMac(text: string): boolean {
  return macPattern.test(text.trim());
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const gb18030 = new TextDecoder('gb18030');

/** Frame text: UTF-8 when it is valid UTF-8, else GB18030 (Chinese firmware's Wi-Fi names). */
export function frameText(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return gb18030.decode(bytes);
  }
}

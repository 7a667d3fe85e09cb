// Cuts a watch's TCP byte stream into frames. Two families share one port:
//   bracket frames  [VENDOR*ID*LEN*TYPE,...]  (ZJ: [ZJ*ID*SEQ*LEN*TYPE,...])
//   IW/TRV frames   IWAPxx,...#  TRVAPxx...#  (TRV may leave the '#' out)
// Bracket frames end where their brackets balance; LEN is never trusted
// (devices get it wrong), so brackets inside Wi-Fi names are fine as long as
// they are balanced. Voice and image payloads are escaped by the device, so
// they carry no raw brackets. Bytes that start no frame are garbage: they are
// reported with a reason and skipped up to the next plausible frame start.
// Known shortcoming: an unbalanced ']' inside a Wi-Fi name ends its frame early.

export type WatchFamily = 'bracket' | 'iw';

export interface WatchFrame {
  family: WatchFamily;
  /** Bracket: '[' to ']' inclusive. IW/TRV: the text without its '#'. */
  bytes: Buffer;
  /** IW/TRV: the frame ended with '#'. Always true for bracket frames. */
  terminated: boolean;
}

export type FramingResult = { frame: WatchFrame } | { rejected: FramingReason; byteCount: number };

export const FramingReason = {
  garbage: 'garbage between frames',
  tooLong: 'frame too long',
  cutShort: 'frame cut short by the next frame',
  incomplete: 'incomplete frame at end of input',
} as const;
export type FramingReason = (typeof FramingReason)[keyof typeof FramingReason];

export interface WatchFramerOptions {
  /** Longest frame kept; a longer one is dropped and the stream resynced. Default 64 KiB. */
  maxFrameBytes?: number;
}

const openBracket = 0x5b;
const closeBracket = 0x5d;
const hash = 0x23;
const star = 0x2a;

type HeaderMatch = 'complete' | 'partial' | 'none';

interface FrameInProgress {
  family: WatchFamily;
  /** Bracket nesting depth after the bytes scanned so far. */
  depth: number;
  /** How many bytes of the frame have been scanned. */
  scanned: number;
}

export class WatchFramer {
  readonly #maxFrameBytes: number;
  #buffer: Buffer = Buffer.alloc(0);
  /** The frame that starts at #buffer[0], once its header was recognised. */
  #frame: FrameInProgress | undefined;

  constructor(options: WatchFramerOptions = {}) {
    this.#maxFrameBytes = options.maxFrameBytes ?? 64 * 1024;
  }

  /** Bytes held while waiting for the rest of a frame. */
  get pendingBytes(): number {
    return this.#buffer.length;
  }

  /** An IW/TRV frame has started but no '#' or next frame has ended it yet. */
  get hasPendingText(): boolean {
    return this.#frame?.family === 'iw';
  }

  push(chunk: Buffer): FramingResult[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const results: FramingResult[] = [];
    this.#drain(results, false);
    return results;
  }

  /**
   * The line went quiet: an IW/TRV frame still open is complete (TRV frames
   * may come without '#'). Bracket frames keep waiting for their ']'.
   */
  flushText(): FramingResult[] {
    const results: FramingResult[] = [];
    if (this.#frame?.family === 'iw') this.#emit(results, this.#buffer.length, false, 0);
    this.#drain(results, false);
    return results;
  }

  /** End of input: everything still held becomes a frame or a rejection. */
  end(): FramingResult[] {
    const results: FramingResult[] = [];
    this.#drain(results, true);
    if (this.#frame?.family === 'iw') this.#emit(results, this.#buffer.length, false, 0);
    if (this.#buffer.length > 0)
      this.#reject(results, FramingReason.incomplete, this.#buffer.length);
    this.#frame = undefined;
    return results;
  }

  #drain(results: FramingResult[], final: boolean): void {
    for (;;) {
      if (!this.#frame) {
        const start = this.#startFrame(results, final);
        if (start === 'wait') return;
        if (start === 'skipped') continue;
      }
      const frame = this.#frame!;
      const done =
        frame.family === 'bracket'
          ? this.#scanBracket(frame, results, final)
          : this.#scanText(frame, results, final);
      if (!done) return;
    }
  }

  /** Recognises a frame header at the head of the buffer, or skips garbage up to one. */
  #startFrame(results: FramingResult[], final: boolean): 'started' | 'skipped' | 'wait' {
    this.#skipWhitespace();
    if (this.#buffer.length === 0) return 'wait';

    const family = familyAt(this.#buffer, 0);
    if (family.match === 'complete') {
      this.#frame = { family: family.family, depth: 0, scanned: 0 };
      return 'started';
    }
    if (family.match === 'partial' && !final) return 'wait';

    const next = nextFrameStart(this.#buffer, 1);
    this.#reject(results, FramingReason.garbage, next ?? this.#buffer.length);
    return 'skipped';
  }

  /** True when the frame ended (emitted or rejected); false to wait for more bytes. */
  #scanBracket(frame: FrameInProgress, results: FramingResult[], final: boolean): boolean {
    const buffer = this.#buffer;
    let index = frame.scanned;
    while (index < buffer.length) {
      const byte = buffer[index]!;
      if (byte === openBracket) {
        if (index > 0) {
          const header = bracketHeaderAt(buffer, index);
          if (header === 'partial' && !final) return this.#wait(frame, index);
          if (header === 'complete') return this.#endBeforeNextFrame(results, index);
        }
        frame.depth++;
      } else if (byte === closeBracket) {
        frame.depth--;
        if (frame.depth === 0) {
          this.#emit(results, index + 1, true, 0);
          return true;
        }
      }
      index++;
      if (index > this.#maxFrameBytes) return this.#rejectTooLong(results, index);
    }
    return this.#wait(frame, index);
  }

  #scanText(frame: FrameInProgress, results: FramingResult[], final: boolean): boolean {
    const buffer = this.#buffer;
    let index = Math.max(frame.scanned, 1);
    while (index < buffer.length) {
      const byte = buffer[index]!;
      if (byte === hash) {
        this.#emit(results, index, true, 1);
        return true;
      }
      if (byte === 0x0a || byte === 0x0d) {
        this.#emit(results, index, false, 0);
        return true;
      }
      const next = familyAt(buffer, index);
      if (next.match === 'partial' && !final) return this.#wait(frame, index);
      if (next.match === 'complete') {
        this.#emit(results, index, false, 0);
        return true;
      }
      index++;
      if (index > this.#maxFrameBytes) return this.#rejectTooLong(results, index);
    }
    return this.#wait(frame, index);
  }

  /** A new frame header inside an unfinished bracket frame. */
  #endBeforeNextFrame(results: FramingResult[], index: number): boolean {
    // An unbalanced '[' in a Wi-Fi name: the frame did close, on the byte before.
    if (this.#buffer[index - 1] === closeBracket) this.#emit(results, index, true, 0);
    else this.#reject(results, FramingReason.cutShort, index);
    this.#frame = undefined;
    return true;
  }

  #rejectTooLong(results: FramingResult[], scanned: number): boolean {
    const next = nextFrameStart(this.#buffer, 1);
    this.#reject(results, FramingReason.tooLong, Math.max(next ?? scanned, scanned));
    this.#frame = undefined;
    return true;
  }

  #wait(frame: FrameInProgress, scanned: number): false {
    frame.scanned = scanned;
    return false;
  }

  #emit(results: FramingResult[], length: number, terminated: boolean, skip: number): void {
    const family = this.#frame?.family ?? 'bracket';
    // Copy, so that a frame does not pin the whole read buffer in memory.
    const bytes = Buffer.from(this.#buffer.subarray(0, length));
    this.#buffer = this.#buffer.subarray(length + skip);
    this.#frame = undefined;
    results.push({ frame: { family, bytes, terminated } });
  }

  #reject(results: FramingResult[], reason: FramingReason, length: number): void {
    const byteCount = Math.min(length, this.#buffer.length);
    this.#buffer = this.#buffer.subarray(byteCount);
    this.#frame = undefined;
    results.push({ rejected: reason, byteCount });
  }

  #skipWhitespace(): void {
    let index = 0;
    while (index < this.#buffer.length && isWhitespace(this.#buffer[index]!)) index++;
    if (index > 0) this.#buffer = this.#buffer.subarray(index);
  }
}

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

function familyAt(buffer: Buffer, index: number): { family: WatchFamily; match: HeaderMatch } {
  const byte = buffer[index];
  if (byte === openBracket) return { family: 'bracket', match: bracketHeaderAt(buffer, index) };
  return { family: 'iw', match: textHeaderAt(buffer, index) };
}

/** The first index at or after `from` where a frame may start. */
function nextFrameStart(buffer: Buffer, from: number): number | undefined {
  for (let index = from; index < buffer.length; index++) {
    const byte = buffer[index];
    if (byte !== openBracket && byte !== 0x49 && byte !== 0x54) continue; // '[', 'I', 'T'
    if (familyAt(buffer, index).match !== 'none') return index;
  }
  return undefined;
}

/** `[VENDOR*ID*HHHH*`: vendor 2-4 letters or digits, id up to 32, then 4 hex digits. */
function bracketHeaderAt(buffer: Buffer, start: number): HeaderMatch {
  let index = start + 1;
  const parts: [min: number, max: number, test: (byte: number) => boolean][] = [
    [2, 4, isAlphanumeric],
    [1, 32, isAlphanumeric],
    [4, 4, isHexDigit],
  ];
  for (const [min, max, test] of parts) {
    let count = 0;
    for (;;) {
      if (index >= buffer.length) return 'partial';
      const byte = buffer[index]!;
      if (byte === star) break;
      if (!test(byte) || ++count > max) return 'none';
      index++;
    }
    if (count < min) return 'none';
    index++;
  }
  return 'complete';
}

/** `IW` or `TRV`, a capital letter, `P`, then two letters or digits (IWAP01, TRVYP14). */
function textHeaderAt(buffer: Buffer, start: number): HeaderMatch {
  const prefix = buffer[start] === 0x49 ? 'IW' : 'TRV';
  const tests: ((byte: number) => boolean)[] = [
    ...[...prefix].map((char) => (byte: number) => byte === char.charCodeAt(0)),
    isCapital,
    (byte) => byte === 0x50,
    isCapitalOrDigit,
    isCapitalOrDigit,
  ];
  for (let offset = 0; offset < tests.length; offset++) {
    const byte = buffer[start + offset];
    if (byte === undefined) return 'partial';
    if (!tests[offset]!(byte)) return 'none';
  }
  return 'complete';
}

function isCapital(byte: number): boolean {
  return byte >= 0x41 && byte <= 0x5a;
}

function isCapitalOrDigit(byte: number): boolean {
  return isCapital(byte) || (byte >= 0x30 && byte <= 0x39);
}

function isAlphanumeric(byte: number): boolean {
  return isCapitalOrDigit(byte) || (byte >= 0x61 && byte <= 0x7a);
}

function isHexDigit(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) ||
    (byte >= 0x41 && byte <= 0x46) ||
    (byte >= 0x61 && byte <= 0x66)
  );
}

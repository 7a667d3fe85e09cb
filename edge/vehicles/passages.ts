// One car at a barrier is one passage, however many frames show its plate. A
// read joins the gate's open passage whose plate it matches (allowing one
// misread character, as a frame or two often has one); a passage ends once
// its plate has not been seen for passageEndMs. The plate of a passage is the
// text read confidently most often.
import { plateDistance } from '../../models/plates/grammar.ts';

export interface PlateObservation {
  text: string;
  wellFormed: boolean;
  confidence: number;
}

export interface Passage<T> {
  gateId: string;
  firstSeenMs: number;
  lastSeenMs: number;
  /** Frames in which this car's plate was read at all. */
  frames: number;
  /** confident, well-formed text → how many frames read it */
  readonly confidentReads: Map<string, number>;
  /** Best confidence of any well-formed read, and its text. */
  bestRead: PlateObservation | undefined;
  /** Set once the gate has decided on this car. */
  decided: boolean;
  detail: T;
}

export class PassageTracker<T> {
  /** gate id → its open passages */
  readonly #open = new Map<string, Passage<T>[]>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly endAfterMs: number,
    private readonly minConfidence: number,
    private readonly onEnded: (passage: Passage<T>) => void,
  ) {}

  start(): void {
    this.#timer = setInterval(
      () => this.endQuiet(Date.now()),
      Math.max(50, Math.min(1000, this.endAfterMs / 4)),
    );
  }

  /** Ends every open passage (reporting each) and the timer. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.endQuiet(Number.POSITIVE_INFINITY);
  }

  /** Records one plate read at a gate; returns its passage. */
  observe(gateId: string, read: PlateObservation, nowMs: number, detail: () => T): Passage<T> {
    const open = this.#open.get(gateId) ?? [];
    let passage = open.find((candidate) => samePlate(candidate, read.text));
    if (!passage) {
      passage = {
        gateId,
        firstSeenMs: nowMs,
        lastSeenMs: nowMs,
        frames: 0,
        confidentReads: new Map(),
        bestRead: undefined,
        decided: false,
        detail: detail(),
      };
      open.push(passage);
      this.#open.set(gateId, open);
    }
    passage.lastSeenMs = nowMs;
    passage.frames++;
    if (read.wellFormed) {
      if (!passage.bestRead || read.confidence > passage.bestRead.confidence) {
        passage.bestRead = read;
      }
      if (read.confidence >= this.minConfidence) {
        passage.confidentReads.set(read.text, (passage.confidentReads.get(read.text) ?? 0) + 1);
      }
    }
    return passage;
  }

  /** Ends (and reports) passages not seen for endAfterMs. */
  endQuiet(nowMs: number): void {
    for (const [gateId, open] of this.#open) {
      const ended = open.filter((passage) => nowMs - passage.lastSeenMs > this.endAfterMs);
      if (ended.length === 0) continue;
      const still = open.filter((passage) => !ended.includes(passage));
      if (still.length) this.#open.set(gateId, still);
      else this.#open.delete(gateId);
      for (const passage of ended) this.onEnded(passage);
    }
  }

  get openCount(): number {
    let count = 0;
    for (const open of this.#open.values()) count += open.length;
    return count;
  }
}

/** The text read confidently most often in the passage, and how often. */
export function leadingRead(
  passage: Passage<unknown>,
): { text: string; reads: number } | undefined {
  let leading: { text: string; reads: number } | undefined;
  for (const [text, reads] of passage.confidentReads) {
    if (!leading || reads > leading.reads) leading = { text, reads };
  }
  return leading;
}

function samePlate(passage: Passage<unknown>, text: string): boolean {
  const known = [...passage.confidentReads.keys()];
  if (passage.bestRead) known.push(passage.bestRead.text);
  // A passage with no well-formed read yet takes the next read at its gate.
  if (known.length === 0) return true;
  return known.some((plate) => plateDistance(plate, text) <= 1);
}

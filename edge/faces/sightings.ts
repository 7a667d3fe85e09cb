// Frames of the same person at the same gate within a few seconds are one
// sighting, so one access event. A resident is the same person by id; a
// stranger by the similarity of their face to the stranger seen before. A
// sighting ends eventWindowMs after its last frame, and is then reported.
import { similarity } from '../../models/faces/mobilefacenet.ts';

export interface Sighting<T> {
  gateId: string;
  /** Resident id, or undefined for a stranger. */
  residentId: string | undefined;
  /** A stranger's first embedding, to recognise the same stranger again. */
  embedding: Float32Array;
  firstSeenMs: number;
  lastSeenMs: number;
  frames: number;
  /** Best match score over the frames. */
  bestScore: number;
  /** What the gate logic keeps about this sighting (thumbnail, decision). */
  detail: T;
}

export class SightingTracker<T> {
  /** gate id → its open sightings */
  readonly #open = new Map<string, Sighting<T>[]>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly windowMs: number,
    private readonly sameStrangerScore: number,
    private readonly onEnded: (sighting: Sighting<T>) => void,
  ) {}

  start(): void {
    this.#timer = setInterval(() => this.endQuiet(Date.now()), Math.max(50, this.windowMs / 4));
  }

  /** Ends every open sighting (reporting each) and the timer. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.endQuiet(Number.POSITIVE_INFINITY);
  }

  /**
   * Records a frame's face. Returns the sighting and whether it is new (the
   * first frame of this person here within the window).
   */
  observe(
    gateId: string,
    residentId: string | undefined,
    embedding: Float32Array,
    score: number,
    nowMs: number,
    detail: () => T,
  ): { sighting: Sighting<T>; isNew: boolean } {
    const open = this.#open.get(gateId) ?? [];
    const existing = open.find((sighting) =>
      residentId !== undefined
        ? sighting.residentId === residentId
        : sighting.residentId === undefined &&
          similarity(sighting.embedding, embedding) >= this.sameStrangerScore,
    );
    if (existing && nowMs - existing.lastSeenMs <= this.windowMs) {
      existing.lastSeenMs = nowMs;
      existing.frames++;
      existing.bestScore = Math.max(existing.bestScore, score);
      return { sighting: existing, isNew: false };
    }
    const sighting: Sighting<T> = {
      gateId,
      residentId,
      embedding,
      firstSeenMs: nowMs,
      lastSeenMs: nowMs,
      frames: 1,
      bestScore: score,
      detail: detail(),
    };
    open.push(sighting);
    this.#open.set(gateId, open);
    return { sighting, isNew: true };
  }

  /** Ends (and reports) sightings whose last frame is older than the window. */
  endQuiet(nowMs: number): void {
    for (const [gateId, open] of this.#open) {
      const ended = open.filter((sighting) => nowMs - sighting.lastSeenMs > this.windowMs);
      if (ended.length === 0) continue;
      const still = open.filter((sighting) => !ended.includes(sighting));
      if (still.length) this.#open.set(gateId, still);
      else this.#open.delete(gateId);
      for (const sighting of ended) this.onEnded(sighting);
    }
  }

  get openCount(): number {
    let count = 0;
    for (const open of this.#open.values()) count += open.length;
    return count;
  }
}

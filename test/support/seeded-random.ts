// A small seeded generator (mulberry32), so that a failing random test can be
// replayed from the seed its assertion message names.
export class SeededRandom {
  #state: number;

  constructor(readonly seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let value = this.#state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  integer(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[this.integer(0, items.length - 1)]!;
  }

  bytes(length: number): Buffer {
    const buffer = Buffer.alloc(length);
    for (let index = 0; index < length; index++) buffer[index] = this.integer(0, 255);
    return buffer;
  }

  /** Splits bytes into chunks of 1..maxChunk bytes, as TCP reads might. */
  chunks(bytes: Buffer, maxChunk: number): Buffer[] {
    const chunks: Buffer[] = [];
    for (let offset = 0; offset < bytes.length;) {
      const size = this.integer(1, maxChunk);
      chunks.push(bytes.subarray(offset, offset + size));
      offset += size;
    }
    return chunks;
  }
}

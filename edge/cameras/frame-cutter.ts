// ffmpeg writes raw frames back to back on a pipe, in chunks that ignore frame
// boundaries; this cuts that byte stream into whole frames of exactly one size.
export class FrameCutter {
  readonly #frameBytes: number;
  /** The frame being filled; undefined until the first byte of the next frame. */
  #pending: Buffer | undefined;
  #filled = 0;

  constructor(frameBytes: number) {
    if (!Number.isInteger(frameBytes) || frameBytes <= 0) {
      throw new RangeError(
        `frame size must be a positive whole number of bytes, got ${frameBytes}`,
      );
    }
    this.#frameBytes = frameBytes;
  }

  /** Feeds a chunk; returns the frames it completed, each in its own memory. */
  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      // allocUnsafeSlow: never a slice of Node's shared pool, so the frame's
      // ArrayBuffer can be transferred to a worker.
      this.#pending ??= Buffer.allocUnsafeSlow(this.#frameBytes);
      const copied = chunk.copy(this.#pending, this.#filled, offset);
      offset += copied;
      this.#filled += copied;
      if (this.#filled === this.#frameBytes) {
        frames.push(this.#pending);
        this.#pending = undefined;
        this.#filled = 0;
      }
    }
    return frames;
  }

  /** Bytes of an unfinished frame (a stream that ends mid-frame leaves some). */
  get partialBytes(): number {
    return this.#filled;
  }
}

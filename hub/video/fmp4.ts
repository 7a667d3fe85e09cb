// Cuts ffmpeg's fragmented MP4 output (-movflags frag_keyframe+empty_moov+
// default_base_moof) into what Media Source Extensions take: one init segment
// (ftyp + moov) and then media fragments (moof + mdat), each starting at a
// keyframe, so a viewer who joins late starts cleanly at any fragment.

export interface InitSegment {
  bytes: Buffer;
  /** For MediaSource.isTypeSupported and addSourceBuffer, e.g. video/mp4; codecs="avc1.42c01e". */
  mimeType: string;
}

export interface Fmp4Listener {
  init(segment: InitSegment): void;
  fragment(bytes: Buffer): void;
}

/** Boxes larger than this are treated as a broken stream, not buffered forever. */
const largestBoxBytes = 64 * 1024 * 1024;

export class Fmp4Splitter {
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #initBoxes: Buffer[] = [];
  #fragmentBoxes: Buffer[] = [];

  constructor(private readonly listener: Fmp4Listener) {}

  /** Feeds bytes as they come from ffmpeg's stdout. Throws on a malformed stream. */
  push(chunk: Buffer): void {
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    for (;;) {
      if (this.#pendingBytes < 8) return;
      const head = this.#peek(8);
      let size = head.readUInt32BE(0);
      const type = head.toString('latin1', 4, 8);
      let headerBytes = 8;
      if (size === 1) {
        if (this.#pendingBytes < 16) return;
        size = Number(this.#peek(16).readBigUInt64BE(8));
        headerBytes = 16;
      }
      if (size < headerBytes || size > largestBoxBytes) {
        throw new Error(`malformed MP4 box "${type}" of ${size} bytes`);
      }
      if (this.#pendingBytes < size) return;
      this.#box(type, this.#take(size));
    }
  }

  #box(type: string, box: Buffer): void {
    if (type === 'ftyp' || type === 'moov') {
      this.#initBoxes.push(box);
      if (type === 'moov') {
        const bytes = Buffer.concat(this.#initBoxes);
        this.#initBoxes = [];
        this.listener.init({ bytes, mimeType: mimeTypeOf(bytes) });
      }
      return;
    }
    if (type === 'moof') this.#fragmentBoxes = [box];
    else if (type === 'mdat' && this.#fragmentBoxes.length > 0) {
      this.#fragmentBoxes.push(box);
      this.listener.fragment(Buffer.concat(this.#fragmentBoxes));
      this.#fragmentBoxes = [];
    }
    // styp, sidx, mfra and free boxes are not needed by the browser.
  }

  #peek(bytes: number): Buffer {
    if (this.#pending[0]!.length < bytes) this.#pending = [Buffer.concat(this.#pending)];
    return this.#pending[0]!.subarray(0, bytes);
  }

  #take(bytes: number): Buffer {
    const all = this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending);
    const box = Buffer.from(all.subarray(0, bytes));
    const rest = all.subarray(bytes);
    this.#pending = rest.length > 0 ? [rest] : [];
    this.#pendingBytes = rest.length;
    return box;
  }
}

/** The RFC 6381 codec of the first H.264 track, read from its avcC box. */
export function mimeTypeOf(init: Buffer): string {
  const avcC = init.indexOf('avcC', 0, 'latin1');
  if (avcC >= 0 && avcC + 8 <= init.length) {
    const profile = init.subarray(avcC + 5, avcC + 8).toString('hex');
    return `video/mp4; codecs="avc1.${profile}"`;
  }
  if (init.indexOf('hvcC', 0, 'latin1') >= 0) return 'video/mp4; codecs="hvc1.1.6.L93.B0"';
  return 'video/mp4';
}

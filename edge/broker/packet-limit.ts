// Guards the broker's sockets before aedes parses them: a packet whose MQTT
// remaining length is over the limit closes that connection at once, before
// its bytes are buffered, so one device cannot exhaust the edge's memory.
import type { Socket } from 'node:net';
import { Duplex, Transform, type TransformCallback } from 'node:stream';

export class PacketSizeLimit extends Transform {
  /** Bytes still to pass of the current packet's body. */
  #bodyLeft = 0;
  /** The fixed header being read: type byte plus up to four length bytes. */
  #header: number[] = [];

  constructor(
    private readonly maxPacketBytes: number,
    private readonly onTooLarge: (declaredBytes: number) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.#bodyLeft > 0) {
        const step = Math.min(this.#bodyLeft, chunk.length - offset);
        this.#bodyLeft -= step;
        offset += step;
        continue;
      }
      this.#header.push(chunk[offset]!);
      offset++;
      const length = this.#remainingLength();
      if (length === 'incomplete') continue;
      this.#header = [];
      if (length === 'malformed' || length > this.maxPacketBytes) {
        this.onTooLarge(length === 'malformed' ? -1 : length);
        done(new Error('MQTT packet over the size limit'));
        return;
      }
      this.#bodyLeft = length;
    }
    done(null, chunk);
  }

  #remainingLength(): number | 'incomplete' | 'malformed' {
    if (this.#header.length < 2) return 'incomplete';
    let value = 0;
    for (let index = 1; index < this.#header.length; index++) {
      const byte = this.#header[index]!;
      value += (byte & 0x7f) * 128 ** (index - 1);
      if ((byte & 0x80) === 0) return value;
      if (index === 4) return 'malformed';
    }
    return 'incomplete';
  }
}

/** A duplex that reads through the limit and writes straight to the socket. */
export function limitPackets(
  socket: Socket,
  maxPacketBytes: number,
  onTooLarge: (declaredBytes: number) => void,
): Duplex {
  const limited = new PacketSizeLimit(maxPacketBytes, onTooLarge);
  socket.pipe(limited);
  const connection = Duplex.from({ readable: limited, writable: socket });
  limited.on('error', () => socket.destroy());
  socket.on('close', () => connection.destroy());
  return connection;
}

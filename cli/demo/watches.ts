// Real watch frames, captured from watches in the field (../shared/data/devices/
// watch-cases.jsonl, read where it lives), replayed over TCP to the home
// edge's watch gateway: a keep-alive and a position from one watch, and a real
// SOS alarm from another, each answered by the gateway.
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import type { Logger } from '../../common/log.ts';
import { sharedDataFile } from './shared-data.ts';

/** A registered band that speaks the watch protocol, by the id it sends in frames. */
export const demoWatches = [
  { bandId: 'band-zhou', watchId: '8809008845', residentName: '周淑珍' },
  { bandId: 'band-wu', watchId: '9705141740', residentName: '吴永福' },
];

interface WatchCase {
  id: string;
  raw: string | null;
}

/** Frames in the order they are played, with the reply that shows each was taken. */
const playlist = [
  { caseId: 'wc-050', reply: '[3G*9705141740*0002*LK]' },
  { caseId: 'wc-003', reply: null },
  { caseId: 'wc-016', reply: '[3G*8809008845*0002*AL]' },
];

function loadFrames(): Map<string, string> {
  const file = sharedDataFile('devices', 'watch-cases.jsonl');
  const frames = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const watchCase = JSON.parse(line) as WatchCase;
    if (watchCase.raw !== null) frames.set(watchCase.id, watchCase.raw);
  }
  return frames;
}

export class DemoWatches {
  /** Frames the gateway answered as expected. */
  framesAnswered = 0;
  readonly #sockets = new Map<string, Socket>();

  constructor(
    private readonly port: number,
    private readonly log: Logger,
  ) {}

  /** Plays every frame of the playlist; throws when a reply does not come. */
  async play(): Promise<void> {
    const frames = loadFrames();
    for (const { caseId, reply } of playlist) {
      const frame = frames.get(caseId);
      if (!frame) throw new Error(`watch case ${caseId} is missing from watch-cases.jsonl`);
      const watchId = /^\[[^*]+\*([^*]+)\*/.exec(frame)?.[1] ?? caseId;
      const socket = await this.#socketOf(watchId);
      const answered = reply ? this.#waitFor(socket, reply) : Promise.resolve();
      socket.write(frame);
      await answered;
      if (reply) this.framesAnswered++;
      this.log.info({ watch: watchId, case: caseId }, 'demo watch frame played');
    }
  }

  stop(): void {
    for (const socket of this.#sockets.values()) socket.destroy();
    this.#sockets.clear();
  }

  async #socketOf(watchId: string): Promise<Socket> {
    const open = this.#sockets.get(watchId);
    if (open) return open;
    const socket = connect({ host: '127.0.0.1', port: this.port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.on('error', (error) => this.log.warn({ watch: watchId, err: error }, 'watch link'));
    this.#sockets.set(watchId, socket);
    return socket;
  }

  #waitFor(socket: Socket, reply: string, timeoutMs = 15_000): Promise<void> {
    return new Promise((resolve, reject) => {
      let received = '';
      const timer = setTimeout(() => {
        socket.off('data', onData);
        reject(new Error(`the watch gateway did not answer ${reply}`));
      }, timeoutMs);
      const onData = (chunk: Buffer): void => {
        received += chunk.toString('latin1');
        if (!received.includes(reply)) return;
        clearTimeout(timer);
        socket.off('data', onData);
        resolve();
      };
      socket.on('data', onData);
    });
  }
}

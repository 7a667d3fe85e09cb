// Helpers for camera tests: real clips, a real RTSP camera, logs to read, and
// checks that a process is really gone.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import type { Logger } from '../../common/log.ts';
import { RtspCameraServer } from '../../devices/rtsp/camera-server.ts';

export const videoClips = resolve(
  fileURLToPath(new URL('../../', import.meta.url)),
  '..',
  'shared',
  'data',
  'video',
);

/** People entering a room, H.264 768×432 at 10 fps (see ../shared/data/DATA.md). */
export const roomClip = resolve(videoClips, 'one-by-one-person-detection.mp4');
/** Two people walking toward the camera, GIF 480×270 at 12 fps. */
export const corridorClip = resolve(videoClips, 'face-demographics-walking.gif');

/** A real RTSP camera serving a clip on 127.0.0.1. */
export async function startRtspCamera(clip = roomClip): Promise<RtspCameraServer> {
  const server = new RtspCameraServer({ clip });
  await server.start();
  return server;
}

/** A logger whose lines the test can read. */
export function capturingLogger(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { log: pino({ level: 'debug' }, sink), lines };
}

/** True when no process has this id any more (not even a zombie). */
export function processGone(pid: number): boolean {
  if (existsSync(`/proc/${pid}`)) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

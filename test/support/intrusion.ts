// Intrusion helpers for tests: real clips decoded by ffmpeg into frames, and an
// intrusion watch on a real edge database and outbox.
import { spawnSync } from 'node:child_process';
import { parseConfig } from '../../common/config.ts';
import { silentLogger } from '../../common/log.ts';
import type { RaisedAlert } from '../../common/contracts/alert.ts';
import { EdgeIntrusionConfig } from '../../edge/intrusion/config.ts';
import { IntrusionWatch } from '../../edge/intrusion/watch.ts';
import { Outbox } from '../../edge/outbox/outbox.ts';
import { openEdgeDatabase, type EdgeDatabase } from '../../edge/store/database.ts';
import type { RgbImage } from '../../models/image.ts';
import { site } from './spine.ts';

/** Every frame of a clip (or fps of them a second), letterboxed to width × height. */
export function clipFrames(clip: string, width = 640, height = 360, fps?: number): RgbImage[] {
  const scale =
    `scale=${width}:${height}:force_original_aspect_ratio=decrease,` +
    `pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2`;
  const filter = fps ? `fps=${fps},${scale}` : scale;
  const decoded = spawnSync(
    '/usr/bin/ffmpeg',
    ['-v', 'error', '-i', clip, '-vf', filter, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
    { maxBuffer: 1 << 30 },
  );
  if (decoded.status !== 0) throw new Error(`ffmpeg could not decode ${clip}`);
  const size = width * height * 3;
  const frames: RgbImage[] = [];
  for (let offset = 0; offset + size <= decoded.stdout.length; offset += size) {
    frames.push({
      width,
      height,
      data: new Uint8Array(decoded.stdout.subarray(offset, offset + size)),
    });
  }
  return frames;
}

export interface WatchUnderTest {
  watch: IntrusionWatch;
  outbox: Outbox;
  /** Intrusion alerts the watch has put in the outbox so far. */
  alerts(): RaisedAlert[];
  stop(): Promise<void>;
}

export async function startIntrusionWatch(
  dataDir: string,
  cameras: { cameraId: string; zones: Record<string, unknown>[] }[],
  settings: Record<string, unknown> = {},
): Promise<WatchUnderTest> {
  const database: EdgeDatabase = openEdgeDatabase(dataDir);
  const outbox = new Outbox(database, { maxTelemetry: 1000 });
  const watch = new IntrusionWatch({
    site,
    edgeId: 'home-1',
    settings: parseConfig(EdgeIntrusionConfig, { cameras, ...settings }, 'test intrusion config'),
    database,
    outbox,
    cameraIds: cameras.map((camera) => camera.cameraId),
    log: silentLogger(),
  });
  await watch.start();
  return {
    watch,
    outbox,
    alerts: () =>
      outbox
        .peek(1000)
        .filter((item) => item.kind === 'alert')
        .map((item) => item.body as RaisedAlert)
        .filter((alert) => alert.type === 'intrusion'),
    async stop() {
      await watch.stop();
      outbox.stop();
      database.close();
    },
  };
}

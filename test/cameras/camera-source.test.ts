// ffmpeg pulls a real RTSP camera (GStreamer's RTSP server playing a real
// clip) and hands over raw RGB frames of exactly the configured size.
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/log.ts';
import type { RtspCameraServer } from '../../devices/rtsp/camera-server.ts';
import {
  FfmpegFrameSource,
  type FrameSourceOptions,
  type SourceExit,
} from '../../edge/cameras/ffmpeg-source.ts';
import { corridorClip, processGone, startRtspCamera } from '../support/cameras.ts';
import { freePort } from '../support/processes.ts';
import { waitUntil } from '../support/spine.ts';

interface Received {
  frames: { data: Buffer; capturedAt: number }[];
  exits: SourceExit[];
}

let server: RtspCameraServer | undefined;
let source: FfmpegFrameSource | undefined;

afterEach(async () => {
  await source?.stop();
  await server?.stop();
  source = undefined;
  server = undefined;
});

function startSource(options: Partial<FrameSourceOptions> & { source: string }): Received {
  const received: Received = { frames: [], exits: [] };
  source = new FfmpegFrameSource(
    {
      cameraId: 'gate-1',
      width: 320,
      height: 180,
      framesPerSecond: 5,
      socketTimeoutMs: 3_000,
      ...options,
    },
    {
      onFrame: (data, capturedAt) => received.frames.push({ data, capturedAt }),
      onExit: (exit) => received.exits.push(exit),
    },
    silentLogger(),
  );
  source.start();
  return received;
}

/** Bytes of one RGB row. */
function row(data: Buffer, width: number, y: number): Buffer {
  return data.subarray(y * width * 3, (y + 1) * width * 3);
}

describe('a camera source', () => {
  it('delivers frames of the configured size from a real RTSP camera', async () => {
    server = await startRtspCamera();
    const received = startSource({ source: server.url });
    await waitUntil(() => received.frames.length >= 5, 'five frames arrived', 15_000);

    for (const frame of received.frames) {
      expect(frame.data.length, 'width × height × 3 bytes').toBe(320 * 180 * 3);
      expect(frame.data.byteOffset, 'each frame owns its memory').toBe(0);
      expect(frame.data.buffer.byteLength, 'nothing else shares it').toBe(320 * 180 * 3);
    }
    const middle = row(received.frames[4]!.data, 320, 90);
    expect(
      middle.some((value) => value > 40),
      'the picture is not black',
    ).toBe(true);
    const times = received.frames.map((frame) => frame.capturedAt);
    expect(times, 'capture times go forward').toEqual([...times].sort((a, b) => a - b));
    expect(received.exits, 'ffmpeg keeps running').toEqual([]);
  });

  it('keeps the picture shape: a 16:9 camera in a 4:3 frame gets black bands', async () => {
    server = await startRtspCamera();
    const received = startSource({ source: server.url, width: 320, height: 240 });
    await waitUntil(() => received.frames.length >= 2, 'two frames arrived', 15_000);

    const frame = received.frames[1]!.data;
    expect(frame.length).toBe(320 * 240 * 3);
    // 768×432 scaled to 320×180 leaves 30 rows above and below.
    expect(
      row(frame, 320, 0).every((value) => value < 20),
      'top band is black',
    ).toBe(true);
    expect(
      row(frame, 320, 239).every((value) => value < 20),
      'bottom band is black',
    ).toBe(true);
    expect(
      row(frame, 320, 120).some((value) => value > 40),
      'the middle shows the room',
    ).toBe(true);
  });

  it('replays a local file as if it were a camera', async () => {
    const received = startSource({ source: corridorClip, width: 240, height: 136 });
    await waitUntil(() => received.frames.length >= 3, 'three frames arrived', 15_000);
    expect(received.frames[2]!.data.length).toBe(240 * 136 * 3);
  });

  it('stopping it leaves no ffmpeg process behind', async () => {
    server = await startRtspCamera();
    const received = startSource({ source: server.url });
    await waitUntil(() => received.frames.length >= 1, 'a frame arrived', 15_000);
    const pid = source!.pid!;
    expect(processGone(pid), 'ffmpeg runs while streaming').toBe(false);

    await source!.stop();
    expect(processGone(pid), `ffmpeg ${pid} is gone once stop() resolves`).toBe(true);
    expect(received.exits).toHaveLength(1);

    const cameraPids = [server.serverPid!, server.feederPid!];
    await server.stop();
    for (const cameraPid of cameraPids) {
      expect(processGone(cameraPid), `test camera process ${cameraPid} is gone`).toBe(true);
    }
  });

  it('a camera that refuses the connection ends the run with the reason', async () => {
    const port = await freePort();
    const received = startSource({ source: `rtsp://admin:secret@127.0.0.1:${port}/camera` });
    await waitUntil(() => received.exits.length === 1, 'ffmpeg gave up', 15_000);
    const exit = received.exits[0]!;
    expect(exit.code, 'ffmpeg failed').not.toBe(0);
    expect(exit.reason, 'the reason names the refusal').toMatch(/refused/i);
    expect(exit.reason, 'the password never reaches a log').not.toContain('secret');
    expect(exit.framesDelivered).toBe(0);
  });

  it('an ffmpeg that cannot be run is reported, not thrown', async () => {
    const received = startSource({ source: corridorClip, ffmpegPath: '/nonexistent/ffmpeg' });
    await waitUntil(() => received.exits.length === 1, 'the failure was reported');
    expect(received.exits[0]!.reason).toMatch(/cannot run \/nonexistent\/ffmpeg/);
  });
});

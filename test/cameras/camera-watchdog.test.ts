// The watchdog against a real RTSP camera that dies or stalls: ffmpeg is
// restarted with growing delays, a camera down past the set time raises one
// camera_offline alert in the edge's outbox, and its return clears it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RaisedAlert } from '../../common/contracts/alert.ts';
import type { RtspCameraServer } from '../../devices/rtsp/camera-server.ts';
import { FfmpegFrameSource } from '../../edge/cameras/ffmpeg-source.ts';
import { CameraOfflineAlerts } from '../../edge/cameras/offline-alerts.ts';
import { CameraWatchdog, type WatchdogSettings } from '../../edge/cameras/watchdog.ts';
import { Outbox } from '../../edge/outbox/outbox.ts';
import { StandingConditions } from '../../edge/rules/conditions.ts';
import { openEdgeDatabase, type EdgeDatabase } from '../../edge/store/database.ts';
import { capturingLogger, processGone, startRtspCamera } from '../support/cameras.ts';
import { temporaryFolder, waitUntil } from '../support/spine.ts';

const settings: WatchdogSettings = {
  stallTimeoutMs: 2_000,
  offlineAfterMs: 2_500,
  restartDelayMs: 200,
  maxRestartDelayMs: 1_600,
  healthyRunMs: 1_000,
};

describe('the camera watchdog', () => {
  const folder = temporaryFolder('cameras');
  let database: EdgeDatabase;
  let outbox: Outbox;
  let server: RtspCameraServer;
  let watchdog: CameraWatchdog;
  let frames: number;
  /** When each run was opened (ms). */
  let attemptsAt: number[];
  /** Every ffmpeg the watchdog started. */
  let pids: number[];
  let logLines: Record<string, unknown>[];

  beforeEach(async () => {
    database = openEdgeDatabase(`${folder.path}/edge-${Date.now()}`);
    outbox = new Outbox(database, { maxTelemetry: 1000 });
    server = await startRtspCamera();
    const { log, lines } = capturingLogger();
    logLines = lines;
    const alerts = new CameraOfflineAlerts(
      { site: 'xincun', edgeId: 'home-1' },
      outbox,
      new StandingConditions(database),
      log,
    );
    frames = 0;
    attemptsAt = [];
    pids = [];
    watchdog = new CameraWatchdog(
      { cameraId: 'north-gate', width: 320, height: 180 },
      settings,
      async (handlers) => {
        attemptsAt.push(Date.now());
        const source = new FfmpegFrameSource(
          {
            cameraId: 'north-gate',
            source: server.url,
            width: 320,
            height: 180,
            framesPerSecond: 5,
            socketTimeoutMs: 1_000,
          },
          handlers,
          log,
        );
        return {
          get pid() {
            return source.pid;
          },
          start() {
            source.start();
            if (source.pid) pids.push(source.pid);
          },
          stop: () => source.stop(),
        };
      },
      {
        onFrame: (frame) => {
          frames++;
          expect(frame.data.length).toBe(320 * 180 * 3);
        },
        onOffline: (report) => alerts.raise('north-gate', report),
        onStreaming: () => alerts.clear('north-gate'),
      },
      log,
    );
  });

  afterEach(async () => {
    await watchdog.stop();
    await server.stop();
    outbox.stop();
    database.close();
  });

  function queued(kind: 'alert' | 'clear'): { kind: string; body: unknown }[] {
    return outbox.peek(100).filter((item) => item.kind === kind);
  }

  /** Restart delays the watchdog planned, from the log lines after `from`. */
  function restartDelays(from: number): number[] {
    return logLines
      .slice(from)
      .filter((line) => line.msg === 'camera stream failed; restarting')
      .map((line) => line.restartInMs as number);
  }

  it('restarts a camera whose server died, alerts once after the set time, clears on return', async () => {
    watchdog.start();
    await waitUntil(() => frames >= 3, 'frames flow', 15_000);
    expect(watchdog.status().state).toBe('streaming');

    const killedAt = Date.now();
    const logFrom = logLines.length;
    const attemptFrom = attemptsAt.length;
    await server.killServer();
    await waitUntil(() => queued('alert').length === 1, 'camera_offline is queued', 15_000);
    const alert = queued('alert')[0]!.body as RaisedAlert;
    expect(alert.type).toBe('camera_offline');
    expect(alert.severity).toBe('warning');
    expect(alert.subject, 'the alert names the camera').toEqual({
      kind: 'camera',
      id: 'north-gate',
    });
    expect(alert.dedupKey).toBe('xincun/camera/north-gate/camera_offline');
    expect(
      Date.parse(alert.raisedAt) - killedAt,
      'not raised before the camera was down for offlineAfterMs',
    ).toBeGreaterThanOrEqual(settings.offlineAfterMs - 250);
    expect(String(alert.evidence?.reason), 'the alert says why').toMatch(/ffmpeg ended|refused/);

    await waitUntil(() => restartDelays(logFrom).length >= 5, 'five restarts were planned', 15_000);
    const delays = restartDelays(logFrom);
    expect(delays.slice(0, 5), 'the delay doubles up to the maximum').toEqual([
      200, 400, 800, 1600, 1600,
    ]);
    const attempts = attemptsAt.slice(attemptFrom);
    for (let attempt = 1; attempt < 4; attempt++) {
      const gap = attempts[attempt]! - attempts[attempt - 1]!;
      expect(gap, `restart ${attempt + 1} waited its delay`).toBeGreaterThanOrEqual(
        delays[attempt]! - 5,
      );
    }
    expect(queued('alert'), 'one alert however many restarts fail').toHaveLength(1);

    await server.startServer();
    const framesBefore = frames;
    await waitUntil(() => frames > framesBefore, 'frames flow again', 15_000);
    await waitUntil(() => queued('clear').length === 1, 'the condition is cleared');
    expect((queued('clear')[0]!.body as { dedupKey: string }).dedupKey).toBe(alert.dedupKey);
    expect(watchdog.status()).toMatchObject({ state: 'streaming', offline: false });
    for (const pid of pids.slice(0, -1)) {
      expect(processGone(pid), `failed ffmpeg ${pid} is gone`).toBe(true);
    }
  });

  it('detects a stream that stalls with its socket open and recovers when it resumes', async () => {
    watchdog.start();
    await waitUntil(() => frames >= 3, 'frames flow', 15_000);
    const stalledPid = watchdog.status().pid!;

    const logFrom = logLines.length;
    server.pause();
    await waitUntil(
      () =>
        // Either the watchdog's stall timer or ffmpeg's own socket timeout may
        // notice first on a busy machine; both end the run and restart it.
        logLines
          .slice(logFrom)
          .some((line) => /no frame for 2000 ms|ffmpeg ended/.test(String(line.reason))),
      'the stall is detected',
      15_000,
    );
    await waitUntil(() => processGone(stalledPid), 'the stalled ffmpeg is ended', 5_000);
    await waitUntil(() => queued('alert').length === 1, 'camera_offline is queued', 15_000);

    server.resume();
    const framesBefore = frames;
    await waitUntil(() => frames > framesBefore, 'frames flow again', 20_000);
    await waitUntil(() => queued('clear').length === 1, 'the condition is cleared');
  });

  it('stopping it while it waits to restart leaves no ffmpeg behind', async () => {
    watchdog.start();
    await waitUntil(() => frames >= 1, 'frames flow', 15_000);
    await server.killServer();
    await waitUntil(() => watchdog.status().state === 'waiting', 'a restart is pending', 15_000);

    await watchdog.stop();
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) expect(processGone(pid), `ffmpeg ${pid} is gone`).toBe(true);
    expect(watchdog.status().state).toBe('stopped');
  });

  it('stopping it while it streams leaves no ffmpeg behind', async () => {
    watchdog.start();
    await waitUntil(() => frames >= 1, 'frames flow', 15_000);
    const pid = watchdog.status().pid!;
    await watchdog.stop();
    expect(processGone(pid), `ffmpeg ${pid} is gone once stop() resolves`).toBe(true);
    expect(queued('alert'), 'a camera stopped on purpose raises nothing').toEqual([]);
  });
});

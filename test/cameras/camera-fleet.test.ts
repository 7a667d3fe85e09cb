// The edge's cameras as configured: frames reach the listeners of each camera,
// a camera known only by its ONVIF address streams too, and through a real
// edge agent and hub a dead camera becomes a camera_offline alert that
// resolves when it returns.
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../common/config.ts';
import { silentLogger } from '../../common/log.ts';
import type { RtspCameraServer } from '../../devices/rtsp/camera-server.ts';
import { EdgeAgent } from '../../edge/agent.ts';
import { CamerasConfig } from '../../edge/cameras/config.ts';
import { CameraFleet } from '../../edge/cameras/fleet.ts';
import type { CameraFrame } from '../../edge/cameras/frame.ts';
import { EdgeConfig } from '../../edge/config.ts';
import { Outbox } from '../../edge/outbox/outbox.ts';
import { openEdgeDatabase } from '../../edge/store/database.ts';
import { capturingLogger, processGone, startRtspCamera } from '../support/cameras.ts';
import { RecordedOnvifDevice, recordedAnswers } from '../support/onvif-device.ts';
import {
  LiveWatcher,
  edgeConfig,
  login,
  startHub,
  temporaryFolder,
  waitUntil,
} from '../support/spine.ts';

const folder = temporaryFolder('camera-fleet');
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const quick = {
  framesPerSecond: 5,
  width: 320,
  height: 180,
  stallTimeoutMs: 4_000,
  offlineAlertAfterMs: 3_000,
  restartDelayMs: 200,
  maxRestartDelayMs: 800,
};

async function rtspCamera(): Promise<RtspCameraServer> {
  const server = await startRtspCamera();
  cleanups.push(() => server.stop());
  return server;
}

describe('the camera fleet', () => {
  it('hands each listener the frames of its camera, ONVIF-found cameras included', async () => {
    const server = await rtspCamera();
    const account = { username: 'haven', password: 'camera-password-1' };
    // The npm onvif camera's recorded answers, its stream address pointed at the test camera.
    const device = new RecordedOnvifDevice(recordedAnswers('npm-onvif-v0x'), account);
    device.answer('media/GetStreamUri', {
      file: 'npm-onvif-v0x__GetStreamUri.xml',
      rewrite: [['rtsp://192.168.68.111/h264main', server.url]],
    });
    const { port } = await device.start();
    cleanups.push(() => device.stop());

    const database = openEdgeDatabase(`${folder.path}/fleet`);
    const outbox = new Outbox(database, { maxTelemetry: 1000 });
    cleanups.push(() => {
      database.close();
    });
    const { log, lines } = capturingLogger();
    const cameras = parseConfig(
      CamerasConfig,
      [
        { id: 'north-gate', source: server.url, ...quick },
        {
          id: 'lobby',
          onvif: { deviceUrl: `http://127.0.0.1:${port}/onvif/device_service`, ...account },
          ...quick,
          width: 160,
          height: 90,
        },
      ],
      'test cameras',
    );
    const fleet = new CameraFleet(
      cameras,
      { site: 'xincun', edgeId: 'home-1', outbox, database },
      log,
    );
    const byCamera: Record<string, CameraFrame[]> = { 'north-gate': [], lobby: [] };
    const everyFrame: CameraFrame[] = [];
    fleet.onFrame(() => {
      throw new Error('a broken vision pipeline');
    }, 'north-gate');
    fleet.onFrame((frame) => byCamera['north-gate']!.push(frame), 'north-gate');
    fleet.onFrame((frame) => byCamera.lobby!.push(frame), 'lobby');
    fleet.onFrame((frame) => everyFrame.push(frame));
    fleet.start();
    cleanups.push(() => fleet.stop());

    await waitUntil(
      () => byCamera['north-gate']!.length >= 3 && byCamera.lobby!.length >= 3,
      'both cameras deliver frames',
      20_000,
    );
    expect(byCamera['north-gate']!.every((frame) => frame.cameraId === 'north-gate')).toBe(true);
    expect(byCamera.lobby![0], 'frames have the size configured for the camera').toMatchObject({
      cameraId: 'lobby',
      width: 160,
      height: 90,
    });
    expect(byCamera.lobby![0]!.data.length).toBe(160 * 90 * 3);
    expect(byCamera.lobby!.map((frame) => frame.sequence).slice(0, 3)).toEqual([0, 1, 2]);
    expect(everyFrame.some((frame) => frame.cameraId === 'lobby')).toBe(true);
    expect(everyFrame.some((frame) => frame.cameraId === 'north-gate')).toBe(true);

    const resolved = lines.find((line) => line.msg === 'camera stream address from ONVIF');
    expect(resolved?.stream, 'the account is added to the stream address, hidden in logs').toBe(
      server.url.replace('rtsp://', 'rtsp://***@'),
    );
    expect(JSON.stringify(lines), 'no password in any log line').not.toContain(account.password);
    expect(lines.some((line) => line.msg === 'frame listener failed')).toBe(true);

    await waitUntil(
      () => fleet.status().every((status) => status.state === 'streaming'),
      'both cameras stream',
    );
    const pids = fleet.status().map((status) => status.pid!);
    await fleet.stop();
    for (const pid of pids) expect(processGone(pid), `ffmpeg ${pid} is gone`).toBe(true);
  });
});

describe('cameras in the edge agent', () => {
  it('a camera that dies is an alert at the hub, resolved when it streams again', async () => {
    const server = await rtspCamera();
    const { hub, url: hubUrl } = await startHub(`${folder.path}/hub`);
    cleanups.push(() => hub.stop());
    const config = {
      ...edgeConfig(`${folder.path}/edge`, hubUrl, []),
      cameras: parseConfig(
        CamerasConfig,
        [{ id: 'north-gate', source: server.url, location: 'north gate', ...quick }],
        'test cameras',
      ),
    };
    const edge = new EdgeAgent(config, silentLogger());
    await edge.start();
    let edgeRunning = true;
    cleanups.push(() => (edgeRunning ? edge.stop() : undefined));
    const watcher = await LiveWatcher.open(hubUrl, await login(hubUrl));
    cleanups.push(() => watcher.close());

    await waitUntil(() => edge.cameras?.status()[0]?.state === 'streaming', 'the camera streams');
    await server.killServer();
    const alert = await watcher.waitFor(
      (a, change) => a.type === 'camera_offline' && change === 'created',
      20_000,
    );
    expect(alert.subject).toEqual({ kind: 'camera', id: 'north-gate' });
    expect(alert.severity).toBe('warning');
    expect(alert.evidence?.location).toBe('north gate');

    await server.startServer();
    await watcher.waitFor((a) => a.id === alert.id && a.state === 'resolved', 20_000);

    const pid = edge.cameras!.status()[0]!.pid!;
    await edge.stop();
    edgeRunning = false;
    expect(processGone(pid), 'stopping the edge ends its ffmpeg').toBe(true);
  });

  it('an edge config without cameras still loads; a camera gets its defaults', () => {
    const base = {
      edgeId: 'home-1',
      site: 'xincun',
      hub: { url: 'http://127.0.0.1:1', token: 'edge-token-for-tests-0123456789' },
    };
    expect(parseConfig(EdgeConfig, base, 'no cameras').cameras).toEqual([]);
    const withCamera = parseConfig(
      EdgeConfig,
      { ...base, cameras: [{ id: 'north-gate', source: 'rtsp://10.0.0.5/stream1' }] },
      'one camera',
    );
    expect(withCamera.cameras[0]).toMatchObject({
      framesPerSecond: 5,
      width: 640,
      height: 360,
      stallTimeoutMs: 10_000,
      offlineAlertAfterMs: 60_000,
    });
    expect(() =>
      parseConfig(EdgeConfig, { ...base, cameras: [{ id: 'x', source: 'a', fps: 5 }] }, 'typo'),
    ).toThrow(/\/cameras\/0/);
  });

  it('a camera with neither a source nor ONVIF stops the start, named', async () => {
    const config = {
      ...edgeConfig(`${folder.path}/bad-edge`, 'http://127.0.0.1:1', []),
      cameras: parseConfig(CamerasConfig, [{ id: 'lobby' }], 'test cameras'),
    };
    const edge = new EdgeAgent(config, silentLogger());
    cleanups.push(() => edge.stop());
    await expect(edge.start()).rejects.toThrow(/camera lobby needs a source/);
  });
});

// Live video benchmark. A real hub runs as a child process with one camera
// registered: a real RTSP server (GStreamer) playing a recorded clip. This
// process plays the dashboards: WebSocket viewers of /api/video/<camera>.
// It reports, for the H.264 → fragmented-MP4 remux and the MPEG-1 transcode:
//   - the relay's ffmpeg CPU per camera (read from /proc), and their ratio;
//   - the hub's CPU with 1 and N viewers, and so the cost of each extra viewer;
//   - time to first frame: WebSocket open → first media bytes, for a cold start
//     (ffmpeg must start and wait for a keyframe) and for a viewer joining a
//     running stream.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { RtspCameraServer } from '../../devices/rtsp/camera-server.ts';
import { freePort, runHaven, type RunningHaven } from '../../test/support/processes.ts';
import { login, operator, site, temporaryFolder } from '../../test/support/spine.ts';
import { sharedPath } from '../../test/support/shared-data.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    viewers: { type: 'string', default: '8' },
    clip: {
      type: 'string',
      default: sharedPath('data', 'video', 'one-by-one-person-detection.mp4'),
    },
  },
});
const windowSeconds = Number(values.seconds);
const manyViewers = Number(values.viewers);
const cameraId = 'bench-cam';
const admin = { username: 'bench-admin', password: 'bench-admin-password' };
type Format = 'mp4' | 'mpeg1';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU seconds a process has used so far (user + system), from /proc. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The hub's ffmpeg children (the camera relays). */
function relayPids(hubPid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === hubPid && comm === 'ffmpeg') pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

interface Watching {
  socket: WebSocket;
  firstMediaMs: Promise<number>;
  bytes: () => number;
}

/** A viewer; firstMediaMs is how long after connecting the first stream bytes came. */
function watch(hubUrl: string, token: string, format: Format): Watching {
  const startedAt = performance.now();
  const url = `${hubUrl.replace('http', 'ws')}/api/video/${cameraId}?format=${format}`;
  const socket = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
  let received = 0;
  let sawInit = false;
  const firstMediaMs = new Promise<number>((resolve, reject) => {
    socket.on('message', (data: Buffer, isBinary) => {
      received += data.length;
      if (!isBinary) return;
      // For mp4 the first binary message is the init segment, not a picture.
      if (format === 'mp4' && !sawInit) {
        sawInit = true;
        return;
      }
      resolve(performance.now() - startedAt);
    });
    socket.on('error', reject);
  });
  return { socket, firstMediaMs, bytes: () => received };
}

async function closeAll(viewers: Watching[]): Promise<void> {
  for (const viewer of viewers) viewer.socket.close();
  await sleep(200);
}

/** CPU use of a process over the window, as a percentage of one core. */
async function cpuPercent(pids: () => number[], seconds: number): Promise<number> {
  const before = new Map(pids().map((pid) => [pid, cpuSeconds(pid)]));
  const startedAt = performance.now();
  await sleep(seconds * 1000);
  const elapsedS = (performance.now() - startedAt) / 1000;
  let used = 0;
  for (const [pid, start] of before) {
    try {
      used += cpuSeconds(pid) - start;
    } catch {
      // ended during the window
    }
  }
  return (used / elapsedS) * 100;
}

async function waitForNoRelay(hubPid: number): Promise<void> {
  for (let tries = 0; relayPids(hubPid).length > 0; tries++) {
    if (tries > 100) throw new Error('the relay did not stop after its viewers left');
    await sleep(100);
  }
}

async function measureFormat(hub: RunningHaven, hubUrl: string, token: string, format: Format) {
  const hubPid = hub.child.pid!;
  const cold: number[] = [];
  for (let run = 0; run < 3; run++) {
    await waitForNoRelay(hubPid);
    const viewer = watch(hubUrl, token, format);
    cold.push(await viewer.firstMediaMs);
    await closeAll([viewer]);
  }
  await waitForNoRelay(hubPid);

  const first = watch(hubUrl, token, format);
  await first.firstMediaMs;
  await sleep(1000);
  const warm = watch(hubUrl, token, format);
  const warmJoinMs = await warm.firstMediaMs;
  await closeAll([warm]);

  const ffmpegOne = await cpuPercent(() => relayPids(hubPid), windowSeconds);
  const hubOne = await cpuPercent(() => [hubPid], windowSeconds);
  const more = Array.from({ length: manyViewers - 1 }, () => watch(hubUrl, token, format));
  await Promise.all(more.map((viewer) => viewer.firstMediaMs));
  const bytesBefore = [first, ...more].reduce((sum, viewer) => sum + viewer.bytes(), 0);
  const hubMany = await cpuPercent(() => [hubPid], windowSeconds);
  const bytesAfter = [first, ...more].reduce((sum, viewer) => sum + viewer.bytes(), 0);
  const ffmpegMany = await cpuPercent(() => relayPids(hubPid), windowSeconds);
  await closeAll([first, ...more]);
  return {
    format,
    coldFirstMediaMs: cold,
    warmJoinMs,
    ffmpegCpuOneViewer: ffmpegOne,
    ffmpegCpuManyViewers: ffmpegMany,
    hubCpuOneViewer: hubOne,
    hubCpuManyViewers: hubMany,
    hubCpuPerExtraViewer: (hubMany - hubOne) / (manyViewers - 1),
    mbitPerViewer: ((bytesAfter - bytesBefore) * 8) / 1e6 / windowSeconds / manyViewers,
  };
}

async function main(): Promise<void> {
  const folder = temporaryFolder('bench-video');
  const camera = new RtspCameraServer({ clip: values.clip! });
  let hub: RunningHaven | undefined;
  try {
    const rtspUrl = await camera.start();
    const hubPort = await freePort();
    const hubUrl = `http://127.0.0.1:${hubPort}`;
    writeFileSync(
      `${folder.path}/hub.json`,
      JSON.stringify({
        listen: { host: '127.0.0.1', port: hubPort },
        dataDir: `${folder.path}/hub`,
        staff: [
          { username: operator.username, role: 'operator', password: operator.password },
          { username: admin.username, role: 'admin', password: admin.password },
        ],
        video: { ffmpegPath: '/usr/bin/ffmpeg', lingerMs: 0 },
      }),
    );
    hub = runHaven(['hub', '--config', `${folder.path}/hub.json`], { HAVEN_LOG_LEVEL: 'warn' });
    await hub.waitForLog('hub started').catch(async () => {
      // At warn level the start line is not printed; wait for the port instead.
      for (let tries = 0; tries < 100; tries++) {
        if (
          await fetch(`${hubUrl}/healthz`).then(
            (r) => r.ok,
            () => false,
          )
        )
          return;
        await sleep(200);
      }
      throw new Error('the hub did not start');
    });
    const adminToken = await login(hubUrl, admin);
    const registered = await fetch(`${hubUrl}/api/cameras/${cameraId}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench', site, rtspUrl }),
    });
    if (!registered.ok) throw new Error(`camera registration: ${registered.status}`);
    const token = await login(hubUrl, operator);

    const idleHub = await cpuPercent(() => [hub!.child.pid!], 3);
    const mp4 = await measureFormat(hub, hubUrl, token, 'mp4');
    const mpeg1 = await measureFormat(hub, hubUrl, token, 'mpeg1');

    const round = (value: number): number => Math.round(value * 10) / 10;
    const median = (list: number[]): number => [...list].sort((a, b) => a - b)[1]!;
    console.log(`clip ${values.clip}; ${windowSeconds} s windows; ${manyViewers} viewers`);
    console.log(`hub idle: ${round(idleHub)}% of a core`);
    for (const result of [mp4, mpeg1]) {
      console.log(
        `${result.format.padEnd(5)} ffmpeg per camera ${round(result.ffmpegCpuOneViewer)}% ` +
          `(${round(result.ffmpegCpuManyViewers)}% with ${manyViewers} viewers); ` +
          `hub ${round(result.hubCpuOneViewer)}% with 1 viewer, ` +
          `${round(result.hubCpuManyViewers)}% with ${manyViewers} ` +
          `(+${round(result.hubCpuPerExtraViewer)}% per extra viewer); ` +
          `${round(result.mbitPerViewer)} Mbit/s per viewer; first media cold ` +
          `${Math.round(median(result.coldFirstMediaMs))} ms ` +
          `(${result.coldFirstMediaMs.map(Math.round).join('/')}), joining a running ` +
          `stream ${Math.round(result.warmJoinMs)} ms`,
      );
    }
    console.log(
      `ratio: MPEG-1 transcode / MP4 remux ffmpeg CPU = ` +
        `${round(mpeg1.ffmpegCpuOneViewer / Math.max(mp4.ffmpegCpuOneViewer, 0.1))}x`,
    );
  } finally {
    await hub?.kill('SIGTERM');
    await camera.stop();
    folder.remove();
  }
}

await main();

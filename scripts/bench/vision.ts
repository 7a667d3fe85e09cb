// Vision benchmark, all in one run on this machine:
//  1. models: each model's session.run() on a real input, one onnxruntime
//     thread, median of --runs calls after warm-up (milliseconds);
//  2. pipelines: real cameras (ffmpeg decoding a real clip, looped, at the
//     configured 5 frames/s, 640×360) feeding the real edge features: people
//     in zones (YOLOX-Nano on every frame, motion gate off so that every frame
//     is analysed) for 1, 4 and 8 cameras, and a plate barrier for 1 camera.
//     Frames delivered and analysed per second, frames dropped, and CPU
//     seconds per wall second of the ffmpeg processes (decode) and of this
//     process (inference workers and the edge's main thread), separately.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';
import { parseConfig } from '../../common/config.ts';
import { silentLogger } from '../../common/log.ts';
import { CamerasConfig } from '../../edge/cameras/config.ts';
import { CameraFleet } from '../../edge/cameras/fleet.ts';
import { EdgeIntrusionConfig } from '../../edge/intrusion/config.ts';
import { IntrusionWatch } from '../../edge/intrusion/watch.ts';
import { Outbox } from '../../edge/outbox/outbox.ts';
import { openEdgeDatabase } from '../../edge/store/database.ts';
import type { RgbImage } from '../../models/image.ts';
import { locateModel } from '../../models/locate.ts';
import type { ModelManifest } from '../../models/manifest.ts';
import { yoloxInput, yoloxNano } from '../../models/people/yolox.ts';
import { decodePhoto } from '../../models/photo.ts';
import { colourInput, plateColourClassifier } from '../../models/plates/colour.ts';
import { PlateWorkerPool } from '../../models/plates/pool.ts';
import { lineInput, ppocrRecogniser } from '../../models/plates/ppocr.ts';
import { defaultPlateModelSettings } from '../../models/plates/reader.ts';
import { warpQuad, unfoldedSize, type Quad } from '../../models/plates/warp.ts';
import { y5fu320, y5fu640, y5fuInput } from '../../models/plates/y5fu.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    cameras: { type: 'string', default: '1,4,8' },
    runs: { type: 'string', default: '30' },
  },
});
const seconds = Number(values.seconds);
const cameraCounts = values.cameras.split(',').map(Number);
const runs = Number(values.runs);

const shared = resolve(import.meta.dirname, '../../../shared/data');
const corridorClip = join(shared, 'video/face-demographics-walking.gif');
const streetPicture = join(shared, 'plates/hyperlpr/test_img.jpg');
const framesPerSecond = 5;

async function modelMs(manifest: ModelManifest, feeds: Record<string, ort.Tensor>) {
  const session = await ort.InferenceSession.create(locateModel(manifest), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  });
  for (let warm = 0; warm < 3; warm++) await session.run(feeds);
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    await session.run(feeds);
    times.push(performance.now() - started);
  }
  await session.release();
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

async function benchModels(): Promise<string[]> {
  const street = await decodePhoto(readFileSync(streetPicture), 1920);
  const corridor = clip(corridorClip, 1)[0]!;
  const corners: Quad = [
    [1754, 788],
    [1875, 740],
    [1873, 808],
    [1752, 857],
  ];
  const plate = warpQuad(
    street,
    corners,
    unfoldedSize(corners).width,
    unfoldedSize(corners).height,
  );
  const line = lineInput(plate);
  const rows: [string, ModelManifest, Record<string, ort.Tensor>][] = [
    ['plate detector y5fu 320', y5fu320, { input: tensor(y5fuInput(street, 320).data, [1, 3, 320, 320]) }],
    ['plate detector y5fu 640', y5fu640, { input: tensor(y5fuInput(street, 640).data, [1, 3, 640, 640]) }],
    ['plate colour 96', plateColourClassifier, { data: tensor(colourInput(plate), [1, 3, 96, 96]) }],
    ['plate characters PP-OCRv4 (48×320)', ppocrRecogniser, { x: tensor(line.data, line.dims) }],
    ['person detector YOLOX-Nano 416', yoloxNano, { images: tensor(yoloxInput(corridor).data, [1, 3, 416, 416]) }],
  ]; // prettier-ignore
  const lines = ['model                                  ms per inference (median, 1 thread)'];
  for (const [name, manifest, feeds] of rows) {
    lines.push(`${name.padEnd(38)} ${(await modelMs(manifest, feeds)).toFixed(1)}`);
  }
  return lines;
}

function tensor(data: Float32Array, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor('float32', data, dims);
}

function clip(path: string, count: number): RgbImage[] {
  const raw = execFileSync(
    '/usr/bin/ffmpeg',
    ['-v', 'error', '-i', path, '-frames:v', String(count), '-vf', 'scale=640:360',
     '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
    { maxBuffer: 1 << 28 },
  ); // prettier-ignore
  const size = 640 * 360 * 3;
  return Array.from({ length: raw.length / size }, (_, index) => ({
    width: 640,
    height: 360,
    data: new Uint8Array(raw.subarray(index * size, (index + 1) * size)),
  }));
}

/** CPU seconds (user + system) of this process's ffmpeg children. */
function ffmpegCpuSeconds(): number {
  const ticks = 100;
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (name !== 'ffmpeg' || Number(fields[1]) !== process.pid) continue;
    total += (Number(fields[11]) + Number(fields[12])) / ticks;
  }
  return total;
}

function processCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

interface PipelineFigures {
  delivered: number;
  analysed: number;
  dropped: number;
  decodeCpu: number;
  edgeCpu: number;
}

async function measure(
  fleet: CameraFleet,
  analysed: () => number,
  dropped: () => number,
): Promise<PipelineFigures> {
  let delivered = 0;
  fleet.onFrame(() => delivered++);
  fleet.start();
  // Let every camera start streaming before measuring.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const start = { delivered, analysed: analysed(), dropped: dropped() };
  const decode0 = ffmpegCpuSeconds();
  const edge0 = processCpuSeconds();
  const wall0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const wall = (performance.now() - wall0) / 1000;
  const figures = {
    delivered: (delivered - start.delivered) / wall,
    analysed: (analysed() - start.analysed) / wall,
    dropped: (dropped() - start.dropped) / wall,
    decodeCpu: (ffmpegCpuSeconds() - decode0) / wall,
    edgeCpu: (processCpuSeconds() - edge0) / wall,
  };
  await fleet.stop();
  return figures;
}

function cameras(count: number, source: string) {
  return parseConfig(
    CamerasConfig,
    Array.from({ length: count }, (_, index) => ({
      id: `cam-${index + 1}`,
      source,
      framesPerSecond,
      width: 640,
      height: 360,
    })),
    'bench cameras',
  );
}

async function peoplePipeline(count: number, folder: string): Promise<PipelineFigures> {
  const database = openEdgeDatabase(join(folder, `people-${count}`));
  const outbox = new Outbox(database, { maxTelemetry: 1000 });
  const context = { site: 'bench', edgeId: 'bench', outbox, database };
  const fleet = new CameraFleet(cameras(count, corridorClip), context, silentLogger());
  const watch = new IntrusionWatch({
    ...context,
    settings: parseConfig(
      EdgeIntrusionConfig,
      {
        motionGate: false,
        cameras: fleet.cameraIds.map((cameraId) => ({
          cameraId,
          zones: [
            {
              id: 'all',
              name: 'all',
              polygon: [
                [0, 0],
                [1, 0],
                [1, 1],
                [0, 1],
              ],
            },
          ],
        })),
      },
      'bench intrusion',
    ),
    cameraIds: fleet.cameraIds,
    log: silentLogger(),
  });
  await watch.start();
  fleet.onFrame((frame) => watch.onCameraFrame(frame));
  const figures = await measure(
    fleet,
    () => watch.counts.analysed,
    () => watch.pool.framesDropped,
  );
  await watch.stop();
  outbox.stop();
  database.close();
  return figures;
}

async function platePipeline(count: number, folder: string): Promise<PipelineFigures> {
  const plateClip = join(folder, 'street.mp4');
  execFileSync('/usr/bin/ffmpeg', [
    '-v', 'error', '-loop', '1', '-i', streetPicture, '-t', '4', '-r', '10',
    '-pix_fmt', 'yuv420p', '-y', plateClip,
  ]); // prettier-ignore
  const database = openEdgeDatabase(join(folder, `plates-${count}`));
  const outbox = new Outbox(database, { maxTelemetry: 1000 });
  const context = { site: 'bench', edgeId: 'bench', outbox, database };
  const fleet = new CameraFleet(cameras(count, plateClip), context, silentLogger());
  const pool = new PlateWorkerPool(
    { ...defaultPlateModelSettings, workers: 1, maxWaiting: 4 },
    silentLogger(),
  );
  await pool.start();
  fleet.onFrame((frame) => {
    void pool.offerFrame(frame.cameraId, frame, { mode: 'scene', maxPlates: 2 });
  });
  const figures = await measure(
    fleet,
    () => pool.completed,
    () => pool.framesDropped,
  );
  await pool.stop();
  outbox.stop();
  database.close();
  return figures;
}

function row(name: string, count: number, figures: PipelineFigures): string {
  return (
    `${name.padEnd(26)} ${String(count).padStart(7)} ` +
    `${(count * framesPerSecond).toFixed(0).padStart(10)} ` +
    `${figures.delivered.toFixed(1).padStart(10)} ${figures.analysed.toFixed(1).padStart(9)} ` +
    `${figures.dropped.toFixed(1).padStart(8)} ${figures.decodeCpu.toFixed(2).padStart(11)} ` +
    `${figures.edgeCpu.toFixed(2).padStart(10)}`
  );
}

const folder = mkdtempSync(join(tmpdir(), 'haven-bench-vision-'));
try {
  const [firstCpu] = cpus();
  console.log(
    `machine: ${cpus().length} × ${firstCpu?.model ?? 'unknown CPU'}, ` +
      `load average ${loadavg()
        .map((load) => load.toFixed(2))
        .join(' ')} at start, ` +
      `node ${process.version}, onnxruntime ${ort.env.versions.common}`,
  );
  console.log((await benchModels()).join('\n'));
  console.log(
    `\npipeline, 640×360 at ${framesPerSecond} frames/s per camera, one inference worker ` +
      'with one onnxruntime thread; rates per second of wall time over ' +
      `${seconds} s; CPU in core-seconds per second`,
  );
  console.log(
    'pipeline                   cameras    offered  delivered  analysed  dropped  decode CPU' +
      '  edge CPU',
  );
  for (const count of cameraCounts) {
    console.log(row('people in zones (YOLOX)', count, await peoplePipeline(count, folder)));
  }
  console.log(row('plate barrier (y5fu 320)', 1, await platePipeline(1, folder)));
} finally {
  rmSync(folder, { recursive: true, force: true });
}

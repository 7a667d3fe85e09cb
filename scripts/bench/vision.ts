// Vision benchmark, all in one run on this machine:
//  1. models: each model's session.run() on a real input, one onnxruntime
//     thread, median of --runs calls after warm-up (milliseconds);
//  2. pipelines: real cameras (ffmpeg decoding a real clip, looped, at the
//     configured 5 frames/s, 640×360) feeding the real edge features: people
//     in zones (YOLOX-Nano on every frame, motion gate off so that every frame
//     is analysed) for 1, 4 and 8 cameras, and a plate barrier for 1 camera.
//     Frames delivered and analysed per second, frames dropped, and CPU
//     seconds per wall second of the ffmpeg processes (decode) and of this
//     process (inference workers and the edge's main thread), separately;
//  3. people on real clips: detections per frame against the people visible
//     (counted by eye, below), and intrusion alerts over clips with a zone
//     nobody enters (false alerts).
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
import { ObjectDetector, defaultObjectModelSettings } from '../../models/people/detector.ts';
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
    only: { type: 'string' },
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

/**
 * People visible on each frame, counted by eye: the corridor clip shows its two
 * walkers on all 35 frames; the overhead room shows one person by the door on
 * frames 1-11 and nobody after (a foot on 12-13 is not counted); the room mp4,
 * one frame every 12 s from the start, shows one person on all but the 1st,
 * 8th and 12th samples.
 */
const visibleOnClips = [
  { name: 'corridor GIF, every frame', clip: 'face-demographics-walking.gif', fps: undefined, visible: Array<number>(35).fill(2) },
  { name: 'overhead room GIF, every frame', clip: 'people-detection.gif', fps: undefined, visible: [...Array<number>(11).fill(1), ...Array<number>(12).fill(0)] },
  { name: 'room mp4, 1 frame / 12 s', clip: 'one-by-one-person-detection.mp4', fps: 1 / 12, visible: [0, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 0] },
]; // prettier-ignore

async function peopleOnClips(folder: string): Promise<string[]> {
  const detector = await ObjectDetector.load(defaultObjectModelSettings);
  const minScore = parseConfig(EdgeIntrusionConfig, {}, 'defaults').minScore;
  const lines = [
    `clip (score ≥ ${minScore})`.padEnd(34) + 'frames  visible  detected  frames right',
  ];
  for (const { name, clip: file, fps, visible } of visibleOnClips) {
    const frames = clipFrames(join(shared, 'video', file), fps);
    let detected = 0;
    let right = 0;
    for (const [index, frame] of frames.entries()) {
      const found = (await detector.detect(frame, { classes: ['person'], minScore })).objects;
      detected += found.length;
      if (found.length === visible[index]) right++;
    }
    const shown = visible.slice(0, frames.length).reduce((sum, count) => sum + count, 0);
    lines.push(
      `${name.padEnd(33)} ${String(frames.length).padStart(6)} ${String(shown).padStart(8)} ` +
        `${String(detected).padStart(9)} ${String(right).padStart(13)}`,
    );
  }
  await detector.release();

  lines.push('', 'zone nobody enters                 frames analysed  alerts');
  const emptyZones = [
    { name: 'room mp4 at 2 fps, right floor', clip: 'one-by-one-person-detection.mp4', fps: 2, polygon: [[0.78, 0.55], [1, 0.55], [1, 1], [0.78, 1]] },
    { name: 'overhead room GIF, far floor', clip: 'people-detection.gif', fps: undefined, polygon: [[0.35, 0.35], [0.95, 0.35], [0.95, 0.95], [0.35, 0.95]] },
  ]; // prettier-ignore
  for (const [index, zone] of emptyZones.entries()) {
    const frames = clipFrames(join(shared, 'video', zone.clip), zone.fps);
    const database = openEdgeDatabase(join(folder, `empty-${index}`));
    const outbox = new Outbox(database, { maxTelemetry: 1000 });
    const watch = new IntrusionWatch({
      site: 'bench',
      edgeId: 'bench',
      settings: parseConfig(
        EdgeIntrusionConfig,
        {
          motionGate: false,
          cameras: [{ cameraId: 'cam', zones: [{ id: 'z', name: 'z', polygon: zone.polygon }] }],
        },
        'bench zone',
      ),
      database,
      outbox,
      cameraIds: ['cam'],
      log: silentLogger(),
    });
    await watch.start();
    for (const frame of frames) await watch.watchFrame('cam', { ...frame, capturedAt: Date.now() });
    await watch.settled();
    lines.push(
      `${zone.name.padEnd(34)} ${String(watch.counts.analysed).padStart(15)} ` +
        `${String(watch.counts.alerts).padStart(7)}`,
    );
    await watch.stop();
    outbox.stop();
    database.close();
  }
  return lines;
}

/** A clip's frames (or fps of them a second) letterboxed to 640×360. */
function clipFrames(path: string, fps: number | undefined): RgbImage[] {
  const scale =
    'scale=640:360:force_original_aspect_ratio=decrease,pad=640:360:(ow-iw)/2:(oh-ih)/2';
  const raw = execFileSync(
    '/usr/bin/ffmpeg',
    ['-v', 'error', '-i', path, '-vf', fps ? `fps=${fps},${scale}` : scale,
     '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
    { maxBuffer: 1 << 30 },
  ); // prettier-ignore
  const size = 640 * 360 * 3;
  return Array.from({ length: raw.length / size }, (_, index) => ({
    width: 640,
    height: 360,
    data: new Uint8Array(raw.subarray(index * size, (index + 1) * size)),
  }));
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
  if (values.only !== 'clips') await benchPipelines(folder);
  console.log(
    `\npeople on real clips (YOLOX-Nano, 640×360)\n${(await peopleOnClips(folder)).join('\n')}`,
  );
} finally {
  rmSync(folder, { recursive: true, force: true });
}

async function benchPipelines(folder: string): Promise<void> {
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
}

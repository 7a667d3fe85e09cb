// Face pipeline benchmark, all in one run on the same frames:
//  1. throughput: the whole pipeline (frame copy to a worker thread, resize,
//     detect, decode, align, embed, sharpness) with one worker and one
//     onnxruntime thread, against the bare session.run() calls of the same two
//     models on the same frames (tensors prepared beforehand, also one thread);
//     frames/s per CPU-second of each, and their ratio;
//  2. latency: a real hub and edge in this process, one resident enrolled, and
//     frames of other photos of that resident handed to the gate one at a
//     time: time from the frame being ready to the open command arriving at
//     the gate's MQTT client, p50/p95.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';
import { silentLogger } from '../../common/log.ts';
import {
  FaceAnalyzer,
  defaultFaceModelSettings,
  verifyFaceModels,
} from '../../models/faces/analyzer.ts';
import { alignFace } from '../../models/faces/align.ts';
import { embedderInput } from '../../models/faces/mobilefacenet.ts';
import { FaceWorkerPool } from '../../models/faces/pool.ts';
import { yunetInput } from '../../models/faces/yunet.ts';
import type { RgbImage } from '../../models/image.ts';
import { connectGate, enrolResident, frameOf, startFaceEdge } from '../../test/support/faces.ts';
import { login, startHub, temporaryFolder } from '../../test/support/spine.ts';

const { values } = parseArgs({
  options: {
    'latency-frames': { type: 'string', default: '40' },
    rounds: { type: 'string', default: '3' },
  },
});
const latencyFrames = Number(values['latency-frames']);
const rounds = Number(values.rounds);

const clip = resolve(
  import.meta.dirname,
  '../../../shared/data/video/face-demographics-walking.gif',
);
const width = 640;
const height = 360;

function clipFrames(): RgbImage[] {
  const decoded = spawnSync(
    '/usr/bin/ffmpeg',
    [
      '-v',
      'error',
      '-i',
      clip,
      '-vf',
      `scale=${width}:${height}`,
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-',
    ],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  if (decoded.status !== 0) throw new Error(`ffmpeg failed: ${decoded.stderr.toString()}`);
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

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function throughput(frames: RgbImage[]): Promise<void> {
  const settings = { ...defaultFaceModelSettings, threads: 1 };
  const embed = { maxFaces: 3, minFaceSizePx: 10 };

  // The tensors the bare runs use: what the pipeline would feed the sessions.
  const reference = await FaceAnalyzer.load(settings);
  const detectorInputs = frames.map((frame) => yunetInput(frame, settings.detectionMaxSide));
  const embedderInputs: Float32Array[][] = [];
  let faces = 0;
  for (const frame of frames) {
    const analysis = await reference.analyse(frame, embed);
    const embedded = analysis.faces.filter((face) => face.embedding && face.landmarks);
    faces += embedded.length;
    embedderInputs.push(embedded.map((face) => embedderInput(alignFace(frame, face.landmarks!))));
  }
  await reference.release();

  const paths = verifyFaceModels(settings);
  const options = {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all' as const,
    logSeverityLevel: 3 as const,
  };
  const detector = await ort.InferenceSession.create(paths.detector, options);
  const embedder = await ort.InferenceSession.create(paths.embedder, options);
  const pool = new FaceWorkerPool({ ...settings, workers: 1, maxWaiting: 4 }, silentLogger());
  await pool.start();

  let bareCpu = 0;
  let pipelineCpu = 0;
  let bareWall = 0;
  let pipelineWall = 0;
  for (let round = 0; round < rounds; round++) {
    // Bare sessions: only run(), on ready tensors.
    let started = performance.now();
    let cpu = process.cpuUsage();
    for (let index = 0; index < frames.length; index++) {
      const input = detectorInputs[index]!;
      await detector.run({ input: new ort.Tensor('float32', input.data, input.dims) });
      for (const crop of embedderInputs[index]!) {
        await embedder.run({ input0: new ort.Tensor('float32', crop, [1, 3, 112, 112]) });
      }
    }
    bareCpu += cpuSeconds(cpu);
    bareWall += performance.now() - started;

    // Whole pipeline: frames handed to the worker one after another.
    started = performance.now();
    cpu = process.cpuUsage();
    for (const frame of frames) await pool.analyse(frame, embed);
    pipelineCpu += cpuSeconds(cpu);
    pipelineWall += performance.now() - started;
  }
  await pool.stop();
  await detector.release();
  await embedder.release();

  const total = frames.length * rounds;
  const barePerCore = total / bareCpu;
  const pipelinePerCore = total / pipelineCpu;
  const rate = (wallMs: number): string => (total / (wallMs / 1000)).toFixed(1);
  console.log(
    `frames            ${frames.length} of ${width}×${height} (face-demographics-walking.gif), ` +
      `${rounds} rounds, ${faces} faces embedded per round`,
  );
  console.log(
    `bare sessions     ${rate(bareWall)} frames/s, ` +
      `${barePerCore.toFixed(1)} frames per CPU-second`,
  );
  console.log(
    `whole pipeline    ${rate(pipelineWall)} frames/s, ` +
      `${pipelinePerCore.toFixed(1)} frames per CPU-second`,
  );
  console.log(
    `ratio             pipeline / bare = ${(pipelinePerCore / barePerCore).toFixed(2)} per core, ` +
      `${(bareWall / pipelineWall).toFixed(2)} by wall time`,
  );
}

async function latency(): Promise<void> {
  const folder = temporaryFolder('bench-faces');
  const { hub, url } = await startHub(`${folder.path}/hub`);
  const token = await login(url);
  await enrolResident(url, token, 'r-wang', { name: '王秀英' }, [
    'img1.jpg',
    'img2.jpg',
    'img4.jpg',
  ]);
  // A window of 0 makes every frame its own sighting, so every frame opens the gate.
  const edge = await startFaceEdge(`${folder.path}/edge`, url, { eventWindowMs: 0 });
  await edge.faces!.sync.syncNow();
  const gate = await connectGate(edge.mqttPort);
  const arrivals: number[] = [];
  gate.client.on('message', () => arrivals.push(performance.timeOrigin + performance.now()));

  const photos = ['img5.jpg', 'img6.jpg', 'img7.jpg', 'img10.jpg', 'img11.jpg'];
  const frames = await Promise.all(photos.map((file) => frameOf(file)));
  const latencies: number[] = [];
  try {
    for (let index = 0; index < latencyFrames + 3; index++) {
      const before = arrivals.length;
      const capturedAt = performance.timeOrigin + performance.now();
      edge.faces!.onGateFrame('gate-1', { ...frames[index % frames.length]!, capturedAt });
      const deadline = Date.now() + 5000;
      while (arrivals.length === before && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      if (arrivals.length === before) throw new Error(`frame ${index} did not open the gate`);
      if (index >= 3) latencies.push(arrivals[before]! - capturedAt);
    }
  } finally {
    await gate.client.endAsync();
    await edge.stop();
    await hub.stop();
    folder.remove();
  }
  latencies.sort((a, b) => a - b);
  const p50 = percentile(latencies, 50).toFixed(1);
  const p95 = percentile(latencies, 95).toFixed(1);
  console.log(
    `gate latency      frame ready → open command at the gate: p50 ${p50} ms, p95 ${p95} ms ` +
      `over ${latencies.length} frames (long side 640; edge defaults: 1 worker, 2 threads)`,
  );
}

await throughput(clipFrames());
await latency();

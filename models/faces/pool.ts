// Face analysis in worker threads, so that the thread handling MQTT, HTTP and
// the outbox never waits behind a frame. Each worker runs one analysis at a
// time. Camera frames are offered, not queued: while the workers are busy a
// source keeps at most one waiting frame (a newer one replaces it), and the
// waiting line as a whole is bounded; what does not fit is dropped and counted.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../common/log.ts';
import { checkRgbImage, type RgbImage } from '../image.ts';
import {
  verifyFaceModels,
  type EmbedRequest,
  type FaceAnalysis,
  type FaceModelPaths,
  type FaceModelSettings,
} from './analyzer.ts';

export type FaceWorkerRequest =
  | {
      type: 'analyse';
      id: number;
      width: number;
      height: number;
      data: Uint8Array;
      embed: EmbedRequest;
    }
  | { type: 'stop' };

export type FaceWorkerReply =
  | { type: 'ready' }
  | { type: 'load-failed'; message: string }
  | { type: 'analysis'; id: number; analysis: FaceAnalysis }
  | { type: 'failed'; id: number; message: string };

export interface FacePoolSettings extends FaceModelSettings {
  /** Worker threads, each with its own sessions. */
  workers: number;
  /** Requests that may wait for a free worker, over all sources. */
  maxWaiting: number;
}

export class FaceWorkersBusy extends Error {
  readonly code = 'HAVEN_FACE_WORKERS_BUSY';
  readonly statusCode = 503;
  constructor(waiting: number) {
    super(`face analysis is busy (${waiting} requests waiting); try again shortly`);
  }
}

export class FaceWorkersStopped extends Error {
  readonly code = 'HAVEN_FACE_WORKERS_STOPPED';
  readonly statusCode = 503;
  constructor() {
    super('face analysis is not running');
  }
}

interface Job {
  id: number;
  image: RgbImage;
  embed: EmbedRequest;
  /** Set for camera frames: the camera or gate the frame came from. */
  source?: string;
  resolve(analysis: FaceAnalysis | undefined): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  job: Job | undefined;
}

// Worker threads do not inherit tsx's loader on Node 20; the worker registers
// it itself before importing the TypeScript entry.
const tsxApi = join(
  dirname(createRequire(import.meta.url).resolve('tsx/package.json')),
  'dist/esm/api/index.mjs',
);
const workerEntry = new URL('./worker.ts', import.meta.url).href;
const bootstrap = `import(${JSON.stringify(`file://${tsxApi}`)})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(workerEntry)}); });`;

export class FaceWorkerPool {
  readonly #slots: Slot[] = [];
  /** Oldest first. */
  #waiting: Job[] = [];
  #nextId = 1;
  #running = false;
  framesOffered = 0;
  framesDropped = 0;
  analysed = 0;

  constructor(
    readonly settings: FacePoolSettings,
    private readonly log: Pick<Logger, 'info' | 'error'>,
  ) {}

  /** Verifies the weights here (ModelFileError names a bad file), then starts the workers. */
  async start(): Promise<void> {
    const paths = verifyFaceModels(this.settings);
    this.#running = true;
    try {
      await Promise.all(Array.from({ length: this.settings.workers }, () => this.#spawn(paths)));
    } catch (error) {
      await this.stop();
      throw error;
    }
    this.log.info(
      {
        detector: this.settings.detector,
        workers: this.settings.workers,
        detectorFile: paths.detector,
        embedderFile: paths.embedder,
      },
      'face analysis workers started',
    );
  }

  async stop(): Promise<void> {
    this.#running = false;
    const stopped = new FaceWorkersStopped();
    for (const job of this.#waiting.splice(0)) job.reject(stopped);
    const slots = this.#slots.splice(0);
    for (const slot of slots) slot.job?.reject(stopped);
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  get inProgress(): number {
    return this.#slots.filter((slot) => slot.job).length;
  }

  /** Analyses one image (a photo); waits its turn, or throws FaceWorkersBusy. */
  analyse(image: RgbImage, embed: EmbedRequest): Promise<FaceAnalysis> {
    checkRgbImage(image);
    if (!this.#running) return Promise.reject(new FaceWorkersStopped());
    if (this.#waiting.length >= this.settings.maxWaiting && !this.#idleSlot()) {
      return Promise.reject(new FaceWorkersBusy(this.#waiting.length));
    }
    return new Promise<FaceAnalysis | undefined>((resolve, reject) => {
      this.#enqueue({ id: this.#nextId++, image: copied(image), embed, resolve, reject });
    }) as Promise<FaceAnalysis>;
  }

  /**
   * Offers a camera frame. Resolves with its analysis, or with undefined when
   * the frame was dropped because the workers were behind.
   */
  offerFrame(
    source: string,
    frame: RgbImage,
    embed: EmbedRequest,
  ): Promise<FaceAnalysis | undefined> {
    checkRgbImage(frame);
    this.framesOffered++;
    if (!this.#running) return Promise.resolve(this.#drop(undefined));
    return new Promise<FaceAnalysis | undefined>((resolve, reject) => {
      const job = { id: this.#nextId++, image: copied(frame), embed, source, resolve, reject };
      if (!this.#idleSlot()) {
        const older = this.#waiting.findIndex((waiting) => waiting.source === source);
        if (older >= 0) {
          this.#drop(this.#waiting.splice(older, 1)[0]);
        } else if (this.#waiting.length >= this.settings.maxWaiting) {
          const oldestFrame = this.#waiting.findIndex((waiting) => waiting.source !== undefined);
          if (oldestFrame < 0) return resolve(this.#drop(undefined));
          this.#drop(this.#waiting.splice(oldestFrame, 1)[0]);
        }
      }
      this.#enqueue(job);
    });
  }

  #drop(job: Job | undefined): undefined {
    this.framesDropped++;
    job?.resolve(undefined);
    return undefined;
  }

  #idleSlot(): Slot | undefined {
    return this.#slots.find((slot) => !slot.job);
  }

  #enqueue(job: Job): void {
    this.#waiting.push(job);
    this.#dispatch();
  }

  #dispatch(): void {
    for (let slot = this.#idleSlot(); slot && this.#waiting.length; slot = this.#idleSlot()) {
      const job = this.#waiting.shift()!;
      slot.job = job;
      const request: FaceWorkerRequest = {
        type: 'analyse',
        id: job.id,
        width: job.image.width,
        height: job.image.height,
        data: job.image.data,
        embed: job.embed,
      };
      slot.worker.postMessage(request, [job.image.data.buffer as ArrayBuffer]);
    }
  }

  #spawn(paths: FaceModelPaths): Promise<void> {
    const worker = new Worker(bootstrap, {
      eval: true,
      workerData: { settings: { ...this.settings }, paths },
    });
    const slot: Slot = { worker, job: undefined };
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (reply: FaceWorkerReply) => {
        if (reply.type === 'ready') {
          this.#slots.push(slot);
          resolve();
          this.#dispatch();
          return;
        }
        if (reply.type === 'load-failed') {
          reject(new Error(`face models failed to load: ${reply.message}`));
          return;
        }
        const job = slot.job;
        slot.job = undefined;
        if (job?.id === reply.id) {
          if (reply.type === 'analysis') {
            this.analysed++;
            job.resolve(reply.analysis);
          } else {
            job.reject(new Error(`face analysis failed: ${reply.message}`));
          }
        }
        this.#dispatch();
      });
      worker.on('error', (error) => {
        this.log.error({ err: error }, 'face analysis worker crashed');
        slot.job?.reject(error);
        slot.job = undefined;
        reject(error);
      });
      worker.on('exit', (code) => {
        const index = this.#slots.indexOf(slot);
        if (index >= 0) this.#slots.splice(index, 1);
        if (this.#running && code !== 0) {
          this.log.error({ code }, 'face analysis worker exited; starting another');
          this.#spawn(paths).catch((error: unknown) => {
            this.log.error({ err: error }, 'could not replace the face analysis worker');
          });
        }
      });
    });
  }
}

/** Our own copy, so the caller may reuse its buffer and ours can be transferred. */
function copied(image: RgbImage): RgbImage {
  return { width: image.width, height: image.height, data: new Uint8Array(image.data) };
}

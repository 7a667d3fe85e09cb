// Inference in worker threads, so that the thread handling MQTT, HTTP and the
// outbox never waits behind a frame. Each worker runs one job at a time. Camera
// frames are offered, not queued: while the workers are busy a source keeps at
// most one waiting frame (a newer one replaces it), and the waiting line as a
// whole is bounded; what does not fit is dropped and counted. Faces, plates and
// people each have a pool of their own, with their own worker entry (host.ts).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../common/log.ts';
import { checkRgbImage, type RgbImage } from '../image.ts';

export type WorkerRequest<Options> =
  | { type: 'run'; id: number; width: number; height: number; data: Uint8Array; options: Options }
  | { type: 'stop' };

export type WorkerReply<Result> =
  | { type: 'ready' }
  | { type: 'load-failed'; message: string }
  | { type: 'result'; id: number; result: Result }
  | { type: 'failed'; id: number; message: string };

export interface WorkerPoolSpec {
  /** What the workers do, for logs and errors: "face analysis", "plate reading". */
  task: string;
  /** The worker's TypeScript entry module (it calls serveInference from host.ts). */
  entry: URL;
  /** Worker threads, each with its own sessions. */
  workers: number;
  /** Requests that may wait for a free worker, over all sources. */
  maxWaiting: number;
  /** The error for a request refused because too many wait. */
  busyError(waiting: number): Error;
  /** The error for a request to a pool that is not running. */
  stoppedError(): Error;
}

export class WorkersBusy extends Error {
  readonly code = 'HAVEN_WORKERS_BUSY';
  readonly statusCode = 503;
  constructor(task: string, waiting: number) {
    super(`${task} is busy (${waiting} requests waiting); try again shortly`);
  }
}

export class WorkersStopped extends Error {
  readonly code = 'HAVEN_WORKERS_STOPPED';
  readonly statusCode = 503;
  constructor(task: string) {
    super(`${task} is not running`);
  }
}

interface Job<Options, Result> {
  id: number;
  image: RgbImage;
  options: Options;
  /** Set for camera frames: the camera or gate the frame came from. */
  source?: string;
  resolve(result: Result | undefined): void;
  reject(error: Error): void;
}

interface Slot<Options, Result> {
  worker: Worker;
  job: Job<Options, Result> | undefined;
}

// Worker threads do not inherit tsx's loader on Node 20; the worker registers
// it itself before importing the TypeScript entry.
const tsxApi = join(
  dirname(createRequire(import.meta.url).resolve('tsx/package.json')),
  'dist/esm/api/index.mjs',
);

function bootstrap(entry: URL): string {
  return `import(${JSON.stringify(`file://${tsxApi}`)})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
}

export class InferenceWorkerPool<Options, Result> {
  readonly #slots: Slot<Options, Result>[] = [];
  /** Oldest first. */
  #waiting: Job<Options, Result>[] = [];
  #nextId = 1;
  #running = false;
  framesOffered = 0;
  framesDropped = 0;
  /** Jobs the workers finished. */
  completed = 0;

  constructor(
    private readonly spec: WorkerPoolSpec,
    protected readonly log: Pick<Logger, 'info' | 'error'>,
  ) {}

  /** Starts the workers, each loading its models from workerData; rejects if one cannot. */
  protected async startWorkers(workerData: unknown): Promise<void> {
    this.#running = true;
    try {
      await Promise.all(Array.from({ length: this.spec.workers }, () => this.#spawn(workerData)));
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  async stop(): Promise<void> {
    this.#running = false;
    const stopped = this.spec.stoppedError();
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

  /** Runs on one image (a photo); waits its turn, or throws the busy error. */
  protected run(image: RgbImage, options: Options): Promise<Result> {
    checkRgbImage(image);
    if (!this.#running) return Promise.reject(this.spec.stoppedError());
    if (this.#waiting.length >= this.spec.maxWaiting && !this.#idleSlot()) {
      return Promise.reject(this.spec.busyError(this.#waiting.length));
    }
    return new Promise<Result | undefined>((resolve, reject) => {
      this.#enqueue({ id: this.#nextId++, image: copied(image), options, resolve, reject });
    }) as Promise<Result>;
  }

  /**
   * Offers a camera frame. Resolves with its result, or with undefined when
   * the frame was dropped because the workers were behind.
   */
  protected offer(source: string, frame: RgbImage, options: Options): Promise<Result | undefined> {
    checkRgbImage(frame);
    this.framesOffered++;
    if (!this.#running) return Promise.resolve(this.#drop(undefined));
    return new Promise<Result | undefined>((resolve, reject) => {
      const job = { id: this.#nextId++, image: copied(frame), options, source, resolve, reject };
      if (!this.#idleSlot()) {
        const older = this.#waiting.findIndex((waiting) => waiting.source === source);
        if (older >= 0) {
          this.#drop(this.#waiting.splice(older, 1)[0]);
        } else if (this.#waiting.length >= this.spec.maxWaiting) {
          const oldestFrame = this.#waiting.findIndex((waiting) => waiting.source !== undefined);
          if (oldestFrame < 0) return resolve(this.#drop(undefined));
          this.#drop(this.#waiting.splice(oldestFrame, 1)[0]);
        }
      }
      this.#enqueue(job);
    });
  }

  #drop(job: Job<Options, Result> | undefined): undefined {
    this.framesDropped++;
    job?.resolve(undefined);
    return undefined;
  }

  #idleSlot(): Slot<Options, Result> | undefined {
    return this.#slots.find((slot) => !slot.job);
  }

  #enqueue(job: Job<Options, Result>): void {
    this.#waiting.push(job);
    this.#dispatch();
  }

  #dispatch(): void {
    for (let slot = this.#idleSlot(); slot && this.#waiting.length; slot = this.#idleSlot()) {
      const job = this.#waiting.shift()!;
      slot.job = job;
      const request: WorkerRequest<Options> = {
        type: 'run',
        id: job.id,
        width: job.image.width,
        height: job.image.height,
        data: job.image.data,
        options: job.options,
      };
      slot.worker.postMessage(request, [job.image.data.buffer as ArrayBuffer]);
    }
  }

  #spawn(workerData: unknown): Promise<void> {
    const { task } = this.spec;
    const worker = new Worker(bootstrap(this.spec.entry), { eval: true, workerData });
    const slot: Slot<Options, Result> = { worker, job: undefined };
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (reply: WorkerReply<Result>) => {
        if (reply.type === 'ready') {
          this.#slots.push(slot);
          resolve();
          this.#dispatch();
          return;
        }
        if (reply.type === 'load-failed') {
          reject(new Error(`${task} models failed to load: ${reply.message}`));
          return;
        }
        const job = slot.job;
        slot.job = undefined;
        if (job?.id === reply.id) {
          if (reply.type === 'result') {
            this.completed++;
            job.resolve(reply.result);
          } else {
            job.reject(new Error(`${task} failed: ${reply.message}`));
          }
        }
        this.#dispatch();
      });
      worker.on('error', (error) => {
        this.log.error({ err: error }, `${task} worker crashed`);
        slot.job?.reject(error);
        slot.job = undefined;
        reject(error);
      });
      worker.on('exit', (code) => {
        const index = this.#slots.indexOf(slot);
        if (index >= 0) this.#slots.splice(index, 1);
        if (this.#running && code !== 0) {
          this.log.error({ code }, `${task} worker exited; starting another`);
          this.#spawn(workerData).catch((error: unknown) => {
            this.log.error({ err: error }, `could not replace the ${task} worker`);
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

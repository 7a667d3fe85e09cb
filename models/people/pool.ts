// Object detection in worker threads (see ../workers/pool.ts for how frames
// are offered, dropped when the workers are behind, and counted).
import type { Logger } from '../../common/log.ts';
import type { RgbImage } from '../image.ts';
import { InferenceWorkerPool, WorkersBusy, WorkersStopped } from '../workers/pool.ts';
import {
  verifyObjectModels,
  type DetectRequest,
  type ObjectDetection,
  type ObjectModelSettings,
} from './detector.ts';

export interface ObjectPoolSettings extends ObjectModelSettings {
  workers: number;
  maxWaiting: number;
}

const task = 'object detection';

export class ObjectWorkerPool extends InferenceWorkerPool<DetectRequest, ObjectDetection> {
  constructor(
    readonly settings: ObjectPoolSettings,
    log: Pick<Logger, 'info' | 'error'>,
  ) {
    super(
      {
        task,
        entry: new URL('./worker.ts', import.meta.url),
        workers: settings.workers,
        maxWaiting: settings.maxWaiting,
        busyError: (waiting) => new WorkersBusy(task, waiting),
        stoppedError: () => new WorkersStopped(task),
      },
      log,
    );
  }

  async start(): Promise<void> {
    const paths = verifyObjectModels(this.settings);
    await this.startWorkers({ settings: { ...this.settings }, paths });
    this.log.info(
      { detector: this.settings.detector, workers: this.settings.workers, files: paths },
      'object detection workers started',
    );
  }

  detect(image: RgbImage, request: DetectRequest): Promise<ObjectDetection> {
    return this.run(image, request);
  }

  /** Offers a camera frame; resolves with undefined when it was dropped. */
  offerFrame(
    source: string,
    frame: RgbImage,
    request: DetectRequest,
  ): Promise<ObjectDetection | undefined> {
    return this.offer(source, frame, request);
  }
}

// Plate reading in worker threads (see ../workers/pool.ts for how frames are
// offered, dropped when the workers are behind, and counted).
import type { Logger } from '../../common/log.ts';
import type { RgbImage } from '../image.ts';
import { InferenceWorkerPool, WorkersBusy, WorkersStopped } from '../workers/pool.ts';
import {
  verifyPlateModels,
  type PlateModelSettings,
  type PlateReading,
  type ReadRequest,
} from './reader.ts';

export interface PlatePoolSettings extends PlateModelSettings {
  workers: number;
  maxWaiting: number;
}

const task = 'plate reading';

export class PlateWorkerPool extends InferenceWorkerPool<ReadRequest, PlateReading> {
  constructor(
    readonly settings: PlatePoolSettings,
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

  /** Verifies the weights here (ModelFileError names a bad file), then starts the workers. */
  async start(): Promise<void> {
    const paths = verifyPlateModels(this.settings);
    await this.startWorkers({ settings: { ...this.settings }, paths });
    this.log.info(
      { detector: this.settings.detector, workers: this.settings.workers, files: paths },
      'plate reading workers started',
    );
  }

  /** Reads one image (a photo or a crop); waits its turn, or throws WorkersBusy. */
  read(image: RgbImage, request: ReadRequest): Promise<PlateReading> {
    return this.run(image, request);
  }

  /** Offers a camera frame; resolves with undefined when it was dropped. */
  offerFrame(
    source: string,
    frame: RgbImage,
    request: ReadRequest,
  ): Promise<PlateReading | undefined> {
    return this.offer(source, frame, request);
  }
}

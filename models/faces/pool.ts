// Face analysis in worker threads (see ../workers/pool.ts for how frames are
// offered, dropped when the workers are behind, and counted).
import type { Logger } from '../../common/log.ts';
import type { RgbImage } from '../image.ts';
import { InferenceWorkerPool } from '../workers/pool.ts';
import {
  verifyFaceModels,
  type EmbedRequest,
  type FaceAnalysis,
  type FaceModelSettings,
} from './analyzer.ts';

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

export class FaceWorkerPool extends InferenceWorkerPool<EmbedRequest, FaceAnalysis> {
  constructor(
    readonly settings: FacePoolSettings,
    log: Pick<Logger, 'info' | 'error'>,
  ) {
    super(
      {
        task: 'face analysis',
        entry: new URL('./worker.ts', import.meta.url),
        workers: settings.workers,
        maxWaiting: settings.maxWaiting,
        busyError: (waiting) => new FaceWorkersBusy(waiting),
        stoppedError: () => new FaceWorkersStopped(),
      },
      log,
    );
  }

  /** Faces analysed so far. */
  get analysed(): number {
    return this.completed;
  }

  /** Verifies the weights here (ModelFileError names a bad file), then starts the workers. */
  async start(): Promise<void> {
    const paths = verifyFaceModels(this.settings);
    await this.startWorkers({ settings: { ...this.settings }, paths });
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

  /** Analyses one image (a photo); waits its turn, or throws FaceWorkersBusy. */
  analyse(image: RgbImage, embed: EmbedRequest): Promise<FaceAnalysis> {
    return this.run(image, embed);
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
    return this.offer(source, frame, embed);
  }
}

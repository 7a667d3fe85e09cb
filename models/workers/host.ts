// The worker-thread side of pool.ts: loads one engine (its onnxruntime
// sessions) and answers the pool's requests with it, one at a time.
import { parentPort } from 'node:worker_threads';
import type { RgbImage } from '../image.ts';
import type { WorkerReply, WorkerRequest } from './pool.ts';

export interface InferenceEngine<Options, Result> {
  run(image: RgbImage, options: Options): Promise<Result>;
  release(): Promise<void>;
}

export function serveInference<Options, Result>(
  load: () => Promise<InferenceEngine<Options, Result>>,
): void {
  const port = parentPort;
  if (!port) throw new Error('an inference worker entry runs only as a worker thread');
  const reply = (message: WorkerReply<Result>): void => port.postMessage(message);

  load().then(
    (engine) => {
      port.on('message', (request: WorkerRequest<Options>) => {
        if (request.type === 'stop') {
          void engine.release().finally(() => port.close());
          return;
        }
        const image = { width: request.width, height: request.height, data: request.data };
        engine.run(image, request.options).then(
          (result) => reply({ type: 'result', id: request.id, result }),
          (error: unknown) =>
            reply({ type: 'failed', id: request.id, message: (error as Error).message }),
        );
      });
      reply({ type: 'ready' });
    },
    (error: unknown) => reply({ type: 'load-failed', message: (error as Error).message }),
  );
}

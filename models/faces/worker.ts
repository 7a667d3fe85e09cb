// Worker thread entry: owns one FaceAnalyzer (its onnxruntime sessions) and
// answers analysis requests from pool.ts, one at a time.
import { parentPort, workerData } from 'node:worker_threads';
import { FaceAnalyzer, type FaceModelPaths, type FaceModelSettings } from './analyzer.ts';
import type { FaceWorkerReply, FaceWorkerRequest } from './pool.ts';

const port = parentPort;
if (!port) throw new Error('models/faces/worker.ts runs only as a worker thread');
const { settings, paths } = workerData as { settings: FaceModelSettings; paths: FaceModelPaths };

function reply(message: FaceWorkerReply, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

FaceAnalyzer.load(settings, paths).then(
  (analyzer) => {
    port.on('message', (request: FaceWorkerRequest) => {
      if (request.type === 'stop') {
        void analyzer.release().finally(() => port.close());
        return;
      }
      const image = { width: request.width, height: request.height, data: request.data };
      analyzer.analyse(image, request.embed).then(
        (analysis) => reply({ type: 'analysis', id: request.id, analysis }),
        (error: unknown) =>
          reply({ type: 'failed', id: request.id, message: (error as Error).message }),
      );
    });
    reply({ type: 'ready' });
  },
  (error: unknown) => reply({ type: 'load-failed', message: (error as Error).message }),
);

// Worker thread entry: owns one FaceAnalyzer (its onnxruntime sessions) and
// answers analysis requests from pool.ts, one at a time.
import { workerData } from 'node:worker_threads';
import { serveInference } from '../workers/host.ts';
import {
  FaceAnalyzer,
  type EmbedRequest,
  type FaceAnalysis,
  type FaceModelPaths,
  type FaceModelSettings,
} from './analyzer.ts';

const { settings, paths } = workerData as { settings: FaceModelSettings; paths: FaceModelPaths };

serveInference<EmbedRequest, FaceAnalysis>(async () => {
  const analyzer = await FaceAnalyzer.load(settings, paths);
  return {
    run: (image, embed) => analyzer.analyse(image, embed),
    release: () => analyzer.release(),
  };
});

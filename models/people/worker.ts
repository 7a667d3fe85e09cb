// Worker thread entry: owns one ObjectDetector and answers pool.ts, one at a time.
import { workerData } from 'node:worker_threads';
import { serveInference } from '../workers/host.ts';
import {
  ObjectDetector,
  type DetectRequest,
  type ObjectDetection,
  type ObjectModelPaths,
  type ObjectModelSettings,
} from './detector.ts';

const { settings, paths } = workerData as {
  settings: ObjectModelSettings;
  paths: ObjectModelPaths;
};

serveInference<DetectRequest, ObjectDetection>(async () => {
  const detector = await ObjectDetector.load(settings, paths);
  return {
    run: (image, request) => detector.detect(image, request),
    release: () => detector.release(),
  };
});

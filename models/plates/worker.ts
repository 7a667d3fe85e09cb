// Worker thread entry: owns one PlateReader and answers pool.ts, one at a time.
import { workerData } from 'node:worker_threads';
import { serveInference } from '../workers/host.ts';
import {
  PlateReader,
  type PlateModelPaths,
  type PlateModelSettings,
  type PlateReading,
  type ReadRequest,
} from './reader.ts';

const { settings, paths } = workerData as {
  settings: PlateModelSettings;
  paths: PlateModelPaths;
};

serveInference<ReadRequest, PlateReading>(async () => {
  const reader = await PlateReader.load(settings, paths);
  return {
    run: (image, request) => reader.read(image, request),
    release: () => reader.release(),
  };
});

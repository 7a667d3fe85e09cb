// Objects (people first) on one thread. Holds an onnxruntime session; use it
// inside a worker (pool.ts) wherever the caller must stay responsive.
import ort from 'onnxruntime-node';
import { checkRgbImage, type RgbImage } from '../image.ts';
import { locateModel } from '../locate.ts';
import type { DetectedObject, ObjectClass } from './objects.ts';
import { decodeYolox, yoloxInput, yoloxNano, yoloxSide } from './yolox.ts';

export const objectDetectors = { yolox_nano: yoloxNano };
export type ObjectDetectorId = keyof typeof objectDetectors;

export interface ObjectModelSettings {
  detector: ObjectDetectorId;
  modelsFolder?: string;
  threads: number;
}

export const defaultObjectModelSettings: ObjectModelSettings = {
  detector: 'yolox_nano',
  threads: 1,
};

export interface ObjectModelPaths {
  detector: string;
}

export function verifyObjectModels(settings: ObjectModelSettings): ObjectModelPaths {
  return { detector: locateModel(objectDetectors[settings.detector], settings.modelsFolder) };
}

export interface DetectRequest {
  classes: ObjectClass[];
  /** Minimum score (objectness × class probability), 0..1. */
  minScore: number;
}

export interface ObjectDetection {
  width: number;
  height: number;
  /** Best first. */
  objects: DetectedObject[];
  sessionMs: number;
  totalMs: number;
}

export class ObjectDetector {
  private constructor(readonly session: ort.InferenceSession) {}

  static async load(settings: ObjectModelSettings, paths?: ObjectModelPaths) {
    const files = paths ?? verifyObjectModels(settings);
    const session = await ort.InferenceSession.create(files.detector, {
      intraOpNumThreads: settings.threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
    });
    return new ObjectDetector(session);
  }

  async detect(image: RgbImage, request: DetectRequest): Promise<ObjectDetection> {
    checkRgbImage(image);
    const started = performance.now();
    const input = yoloxInput(image);
    const runStarted = performance.now();
    const outputs = await this.session.run({
      images: new ort.Tensor('float32', input.data, [1, 3, yoloxSide, yoloxSide]),
    });
    const sessionMs = performance.now() - runStarted;
    const objects = decodeYolox(outputs, input, request.classes, request.minScore).sort(
      (a, b) => b.score - a.score,
    );
    return {
      width: image.width,
      height: image.height,
      objects,
      sessionMs,
      totalMs: performance.now() - started,
    };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

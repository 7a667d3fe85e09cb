// The face pipeline on one thread: detect → align (or crop) → embed. The same
// code runs at the hub for enrolment and at the edge for gates, so embeddings
// from both are comparable. It holds onnxruntime sessions; use it inside a
// worker (see pool.ts) wherever a caller must stay responsive.
import ort from 'onnxruntime-node';
import type { RgbImage } from '../image.ts';
import { checkRgbImage } from '../image.ts';
import { locateModel } from '../locate.ts';
import type { ModelManifest } from '../manifest.ts';
import { alignFace, cropFace } from './align.ts';
import { faceArea, type DetectedFace } from './face.ts';
import { embedderInput, mobileFaceNet, normalised } from './mobilefacenet.ts';
import { faceSizePx, sharpness } from './quality.ts';
import { decodeUltraface, ultrafaceInput, ultrafaceRfb, ultrafaceSlim } from './ultraface.ts';
import { decodeYunet, yunetInput, yunetNano, yunetSmall } from './yunet.ts';

export const faceDetectors = {
  yunet_s: yunetSmall,
  yunet_n: yunetNano,
  ultraface_rfb: ultrafaceRfb,
  ultraface_slim: ultrafaceSlim,
} satisfies Record<string, ModelManifest>;
export type FaceDetectorId = keyof typeof faceDetectors;

export interface FaceModelSettings {
  detector: FaceDetectorId;
  /** Folder searched first for weights (see models/locate.ts). */
  modelsFolder?: string;
  /** onnxruntime intra-op threads per session. */
  threads: number;
  /** Longest side an image is scaled to for detection. */
  detectionMaxSide: number;
  /** Minimum detector score, 0..1. */
  minDetectionScore: number;
}

export const defaultFaceModelSettings: FaceModelSettings = {
  detector: 'yunet_s',
  threads: 1,
  detectionMaxSide: 640,
  minDetectionScore: 0.6,
};

export interface FaceModelPaths {
  detector: string;
  embedder: string;
}

/** Finds and checksums both weight files; throws ModelFileError naming a bad one. */
export function verifyFaceModels(settings: FaceModelSettings): FaceModelPaths {
  return {
    detector: locateModel(faceDetectors[settings.detector], settings.modelsFolder),
    embedder: locateModel(mobileFaceNet, settings.modelsFolder),
  };
}

export interface EmbedRequest {
  /** Embed at most this many faces, largest first. 0 embeds none. */
  maxFaces: number;
  /** Faces whose eye distance is smaller than this are found but not embedded. */
  minFaceSizePx: number;
}

export interface AnalysedFace extends DetectedFace {
  /** Eye distance in image pixels (box-based estimate for box-only detectors). */
  sizePx: number;
  /** Unit-length embedding, when this face was embedded. */
  embedding?: Float32Array;
  /** Variance of the Laplacian of the aligned crop, when embedded. */
  sharpness?: number;
}

export interface FaceAnalysis {
  width: number;
  height: number;
  /** Largest first. */
  faces: AnalysedFace[];
  /** Time inside onnxruntime's run() and in the whole analysis, milliseconds. */
  sessionMs: number;
  totalMs: number;
}

export class FaceAnalyzer {
  private constructor(
    private readonly settings: FaceModelSettings,
    readonly detectorSession: ort.InferenceSession,
    readonly embedderSession: ort.InferenceSession,
  ) {}

  static async load(settings: FaceModelSettings, paths?: FaceModelPaths): Promise<FaceAnalyzer> {
    const files = paths ?? verifyFaceModels(settings);
    const options: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: settings.threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      // UltraFace keeps its initialisers as graph inputs; ORT warns ~800 times.
      logSeverityLevel: 3,
    };
    const detector = await ort.InferenceSession.create(files.detector, options);
    const embedder = await ort.InferenceSession.create(files.embedder, options);
    return new FaceAnalyzer(settings, detector, embedder);
  }

  get detectorId(): FaceDetectorId {
    return this.settings.detector;
  }

  async analyse(image: RgbImage, request: EmbedRequest): Promise<FaceAnalysis> {
    checkRgbImage(image);
    const started = performance.now();
    let sessionMs = 0;
    const detection = await this.#detect(image);
    sessionMs += detection.sessionMs;
    const faces: AnalysedFace[] = detection.faces
      .sort((a, b) => faceArea(b) - faceArea(a))
      .map((face) => ({ ...face, sizePx: faceSizePx(face) }));

    let embedded = 0;
    for (const face of faces) {
      if (embedded >= request.maxFaces) break;
      if (face.sizePx < request.minFaceSizePx) continue;
      const crop = face.landmarks ? alignFace(image, face.landmarks) : cropFace(image, face.box);
      const runStarted = performance.now();
      const output = await this.embedderSession.run({
        input0: new ort.Tensor('float32', embedderInput(crop), [1, 3, 112, 112]),
      });
      sessionMs += performance.now() - runStarted;
      face.embedding = normalised(output.output0!.data as Float32Array);
      face.sharpness = sharpness(crop);
      embedded++;
    }
    return {
      width: image.width,
      height: image.height,
      faces,
      sessionMs,
      totalMs: performance.now() - started,
    };
  }

  async #detect(image: RgbImage): Promise<{ faces: DetectedFace[]; sessionMs: number }> {
    const { detector, minDetectionScore, detectionMaxSide } = this.settings;
    if (detector === 'yunet_s' || detector === 'yunet_n') {
      const input = yunetInput(image, detectionMaxSide);
      const started = performance.now();
      const outputs = await this.detectorSession.run({
        input: new ort.Tensor('float32', input.data, input.dims),
      });
      const sessionMs = performance.now() - started;
      return { faces: decodeYunet(outputs, input, minDetectionScore), sessionMs };
    }
    const started = performance.now();
    const outputs = await this.detectorSession.run({
      input: new ort.Tensor('float32', ultrafaceInput(image), [1, 3, 240, 320]),
    });
    const sessionMs = performance.now() - started;
    return { faces: decodeUltraface(outputs, image, minDetectionScore), sessionMs };
  }

  async release(): Promise<void> {
    await this.detectorSession.release();
    await this.embedderSession.release();
  }
}

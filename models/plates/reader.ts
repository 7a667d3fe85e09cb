// The plate pipeline on one thread: find plates (corners and line count),
// unfold each to an upright rectangle, classify its colour, read its
// characters line by line. Holds onnxruntime sessions: use it inside a worker
// (pool.ts) wherever the caller must stay responsive.
import ort from 'onnxruntime-node';
import { checkRgbImage, type Box, type RgbImage } from '../image.ts';
import { locateModel } from '../locate.ts';
import { colourInput, decodeColour, plateColourClassifier } from './colour.ts';
import { isPlate, type PlateColour, type PlateLayers } from './grammar.ts';
import { lineInput, loadAlphabet, ppocrRecogniser, readLine } from './ppocr.ts';
import { rows, unfoldedSize, warpQuad, type Quad } from './warp.ts';
import { decodeY5fu, y5fu320, y5fu640, y5fuInput, type DetectedPlate } from './y5fu.ts';

export const plateDetectors = { y5fu_320: y5fu320, y5fu_640: y5fu640 };
export type PlateDetectorId = keyof typeof plateDetectors;

export interface PlateModelSettings {
  detector: PlateDetectorId;
  /** Folder searched first for weights (see models/locate.ts). */
  modelsFolder?: string;
  /** onnxruntime intra-op threads per session. */
  threads: number;
  /** Minimum detector score, 0..1. */
  minDetectionScore: number;
}

export const defaultPlateModelSettings: PlateModelSettings = {
  detector: 'y5fu_320',
  threads: 1,
  minDetectionScore: 0.5,
};

export interface PlateModelPaths {
  detector: string;
  colour: string;
  recogniser: string;
}

/** Finds and checksums the three weight files; throws ModelFileError naming a bad one. */
export function verifyPlateModels(settings: PlateModelSettings): PlateModelPaths {
  const paths = {
    detector: locateModel(plateDetectors[settings.detector], settings.modelsFolder),
    colour: locateModel(plateColourClassifier, settings.modelsFolder),
    recogniser: locateModel(ppocrRecogniser, settings.modelsFolder),
  };
  loadAlphabet(paths.recogniser);
  return paths;
}

export interface ReadRequest {
  /** "scene": find plates in a camera picture; "crop": the image is one plate. */
  mode: 'scene' | 'crop';
  /** Read at most this many plates, best detections first. */
  maxPlates: number;
}

export interface PlateRead {
  /** What was read, constrained to the plate grammar; "" when nothing was. */
  text: string;
  /** Whether text is a whole, well-formed plate. */
  wellFormed: boolean;
  /** Mean probability of the characters read, 0..1. */
  confidence: number;
  /** The least probable character's probability, 0..1. */
  weakestCharacter: number;
  colour: PlateColour;
  colourScore: number;
  layers: PlateLayers;
  /** Detector score; 1 for a crop. */
  detectionScore: number;
  /** In the image's pixels. */
  box: Box;
  corners: Quad;
}

export interface PlateReading {
  width: number;
  height: number;
  /** Best detection first. */
  plates: PlateRead[];
  /** Time inside onnxruntime's run() and in the whole reading, milliseconds. */
  sessionMs: number;
  totalMs: number;
}

/** Rows of a double-line plate that hold the upper line (province and letter). */
const upperLineShare = 0.4;

export class PlateReader {
  readonly #alphabet: string[];

  private constructor(
    private readonly settings: PlateModelSettings,
    readonly detectorSession: ort.InferenceSession,
    readonly colourSession: ort.InferenceSession,
    readonly recogniserSession: ort.InferenceSession,
    alphabet: string[],
  ) {
    this.#alphabet = alphabet;
  }

  static async load(settings: PlateModelSettings, paths?: PlateModelPaths): Promise<PlateReader> {
    const files = paths ?? verifyPlateModels(settings);
    const options: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: settings.threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
    };
    const detector = await ort.InferenceSession.create(files.detector, options);
    const colour = await ort.InferenceSession.create(files.colour, options);
    const recogniser = await ort.InferenceSession.create(files.recogniser, options);
    return new PlateReader(settings, detector, colour, recogniser, loadAlphabet(files.recogniser));
  }

  async read(image: RgbImage, request: ReadRequest): Promise<PlateReading> {
    checkRgbImage(image);
    const started = performance.now();
    const timing = { sessionMs: 0 };
    const found = request.mode === 'crop' ? [wholeImage(image)] : await this.#detect(image, timing);
    const plates: PlateRead[] = [];
    for (const plate of found.slice(0, request.maxPlates)) {
      const size = unfoldedSize(plate.corners);
      if (size.width < 8 || size.height < 4) continue;
      const upright =
        request.mode === 'crop' ? image : warpQuad(image, plate.corners, size.width, size.height);
      plates.push(await this.#readPlate(upright, plate, timing));
    }
    return {
      width: image.width,
      height: image.height,
      plates,
      sessionMs: timing.sessionMs,
      totalMs: performance.now() - started,
    };
  }

  async #detect(image: RgbImage, timing: { sessionMs: number }): Promise<DetectedPlate[]> {
    const side = this.settings.detector === 'y5fu_640' ? 640 : 320;
    const input = y5fuInput(image, side);
    const outputs = await this.#run(
      this.detectorSession,
      { input: new ort.Tensor('float32', input.data, [1, 3, side, side]) },
      timing,
    );
    return decodeY5fu(outputs, input, this.settings.minDetectionScore);
  }

  async #readPlate(
    upright: RgbImage,
    plate: DetectedPlate,
    timing: { sessionMs: number },
  ): Promise<PlateRead> {
    const colourOutputs = await this.#run(
      this.colourSession,
      { data: new ort.Tensor('float32', colourInput(upright), [1, 3, 96, 96]) },
      timing,
    );
    const { colour, score: colourScore } = decodeColour(colourOutputs);
    const lines =
      plate.layers === 'double'
        ? [
            { image: rows(upright, 0, upperLineShare), firstPosition: 0 },
            { image: rows(upright, upperLineShare, 1), firstPosition: 2 },
          ]
        : [{ image: upright, firstPosition: 0 }];
    // A double-line plate is a lorry's or trailer's: always 7 characters.
    const plateLength = plate.layers === 'double' ? 7 : colour === 'green' ? 8 : undefined;
    const characters: { character: string; probability: number }[] = [];
    for (const line of lines) {
      const input = lineInput(line.image);
      const outputs = await this.#run(
        this.recogniserSession,
        { x: new ort.Tensor('float32', input.data, input.dims) },
        timing,
      );
      const reading = readLine(outputs, this.#alphabet, line.firstPosition, plateLength);
      characters.push(...reading.characters);
    }
    const text = characters.map((entry) => entry.character).join('');
    const probabilities = characters.map((entry) => entry.probability);
    return {
      text,
      wellFormed: isPlate(text),
      confidence: probabilities.length
        ? probabilities.reduce((sum, p) => sum + p, 0) / probabilities.length
        : 0,
      weakestCharacter: probabilities.length ? Math.min(...probabilities) : 0,
      colour,
      colourScore,
      layers: plate.layers,
      detectionScore: plate.score,
      box: plate.box,
      corners: plate.corners,
    };
  }

  async #run(
    session: ort.InferenceSession,
    feeds: Record<string, ort.Tensor>,
    timing: { sessionMs: number },
  ): Promise<Record<string, ort.Tensor>> {
    const started = performance.now();
    const outputs = await session.run(feeds);
    timing.sessionMs += performance.now() - started;
    return outputs;
  }

  async release(): Promise<void> {
    await this.detectorSession.release();
    await this.colourSession.release();
    await this.recogniserSession.release();
  }
}

function wholeImage(image: RgbImage): DetectedPlate {
  const { width, height } = image;
  return {
    box: { x: 0, y: 0, width, height },
    corners: [
      [0, 0],
      [width, 0],
      [width, height],
      [0, height],
    ],
    score: 1,
    layers: 'single',
  };
}

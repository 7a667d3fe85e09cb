// `haven eval plates <dir>`: reads every labelled plate image under a folder
// with the gates' own pipeline and reports how many plates were read whole,
// how many characters were right, and the time per image. Labels come from
// CSV files named labels.csv or *_labels.csv (columns file, plate_text) in the
// folder or one level below; each labelled image is read as a plate crop, or
// with --mode scene as a camera picture in which the plate is found first.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { decodePhoto } from '../models/photo.ts';
import { plateDistance } from '../models/plates/grammar.ts';
import {
  PlateReader,
  defaultPlateModelSettings,
  plateDetectors,
  type PlateDetectorId,
} from '../models/plates/reader.ts';

export interface LabelledPlate {
  /** Path of the image. */
  path: string;
  plate: string;
}

export interface PlateSetResult {
  /** The labels file, relative to the evaluated folder. */
  labels: string;
  images: number;
  platesRight: number;
  charactersRight: number;
  characters: number;
  provincesRight: number;
  /** Images where nothing was read (no plate found, or no character). */
  nothingRead: number;
  msPerImage: number;
  /** Up to ten misreads: label → what was read. */
  misreads: { plate: string; read: string }[];
}

export interface PlateEvaluation {
  detector: PlateDetectorId;
  mode: 'crop' | 'scene';
  sets: PlateSetResult[];
}

async function labelFiles(folder: string, depth = 1): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory() && depth > 0) found.push(...(await labelFiles(path, depth - 1)));
    if (entry.isFile() && /(^|_)labels\.csv$/.test(entry.name)) found.push(path);
  }
  return found.sort();
}

export function platesFromCsv(text: string, folder: string): LabelledPlate[] {
  const [header, ...rows] = text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => line.split(',').map((cell) => cell.trim()));
  const columns = (header ?? []).map((name) => name.toLowerCase());
  const file = columns.indexOf('file');
  const plate = columns.indexOf('plate_text');
  if (file < 0 || plate < 0) throw new Error('a plate labels file needs columns file, plate_text');
  return rows.map((row) => ({ path: join(folder, row[file]!), plate: row[plate]! }));
}

export async function evaluatePlates(
  folder: string,
  options: PlateEvalOptions = {},
): Promise<PlateEvaluation> {
  const detector = options.detector ?? defaultPlateModelSettings.detector;
  const mode = options.mode ?? 'crop';
  const files = await labelFiles(folder);
  if (files.length === 0) throw new Error(`no labels.csv or *_labels.csv under ${folder}`);
  const reader = await PlateReader.load({ ...defaultPlateModelSettings, detector, threads: 1 });
  const sets: PlateSetResult[] = [];
  try {
    for (const file of files) {
      const plates = platesFromCsv(await readFile(file, 'utf8'), join(file, '..')).slice(
        0,
        options.limit,
      );
      sets.push(await evaluateSet(reader, relative(folder, file), plates, mode));
    }
  } finally {
    await reader.release();
  }
  return { detector, mode, sets };
}

async function evaluateSet(
  reader: PlateReader,
  labels: string,
  plates: LabelledPlate[],
  mode: 'crop' | 'scene',
): Promise<PlateSetResult> {
  const result: PlateSetResult = {
    labels,
    images: plates.length,
    platesRight: 0,
    charactersRight: 0,
    characters: 0,
    provincesRight: 0,
    nothingRead: 0,
    msPerImage: 0,
    misreads: [],
  };
  let totalMs = 0;
  for (const { path, plate } of plates) {
    const started = performance.now();
    const image = await decodePhoto(await readFile(path), 1920);
    const reading = await reader.read(image, { mode, maxPlates: 1 });
    totalMs += performance.now() - started;
    const read = reading.plates[0]?.text ?? '';
    const length = [...plate].length;
    result.characters += length;
    result.charactersRight += Math.max(0, length - plateDistance(plate, read));
    if (read === '') result.nothingRead++;
    if ([...read][0] === [...plate][0]) result.provincesRight++;
    if (read === plate) result.platesRight++;
    else if (result.misreads.length < 10) result.misreads.push({ plate, read });
  }
  result.msPerImage = totalMs / Math.max(1, plates.length);
  return result;
}

type PlateEvalOptions = { detector?: PlateDetectorId; mode?: 'crop' | 'scene'; limit?: number };

/** The options from the command line, or what is wrong with them. */
export function plateEvalOptions(values: {
  detector?: string;
  mode?: string;
  limit?: string;
}): PlateEvalOptions | string {
  const { detector, mode, limit } = values;
  if (detector !== undefined && !(detector in plateDetectors)) {
    return `--detector is one of ${Object.keys(plateDetectors).join(', ')}`;
  }
  if (mode !== undefined && mode !== 'crop' && mode !== 'scene') return '--mode is crop or scene';
  const count = limit === undefined ? undefined : Number(limit);
  if (count !== undefined && !(Number.isInteger(count) && count > 0)) {
    return '--limit is a whole number of images per labels file';
  }
  return {
    ...(detector !== undefined && { detector: detector as PlateDetectorId }),
    ...(mode !== undefined && { mode }),
    ...(count !== undefined && { limit: count }),
  };
}

export async function runEvalPlates(folder: string, options: PlateEvalOptions): Promise<string> {
  const evaluation = await evaluatePlates(folder, options);
  const percent = (part: number, whole: number): string =>
    `${((100 * part) / Math.max(1, whole)).toFixed(1)} %`;
  const lines = [
    `detector ${evaluation.detector}, images read as ${evaluation.mode === 'crop' ? 'plate crops' : 'camera pictures'}, one onnxruntime thread`,
  ];
  let images = 0;
  let platesRight = 0;
  let characters = 0;
  let charactersRight = 0;
  let totalMs = 0;
  for (const set of evaluation.sets) {
    images += set.images;
    platesRight += set.platesRight;
    characters += set.characters;
    charactersRight += set.charactersRight;
    totalMs += set.msPerImage * set.images;
    lines.push(
      `${set.labels}: ${set.images} images`,
      `  plates fully right   ${set.platesRight} (${percent(set.platesRight, set.images)})`,
      `  characters right     ${set.charactersRight} of ${set.characters} ` +
        `(${percent(set.charactersRight, set.characters)})`,
      `  province right       ${percent(set.provincesRight, set.images)}`,
      `  nothing read         ${set.nothingRead}`,
      `  time per image       ${set.msPerImage.toFixed(1)} ms (decode + read)`,
    );
    if (set.misreads.length) {
      lines.push(
        `  misreads (first ${set.misreads.length}): ` +
          set.misreads.map((miss) => `${miss.plate}→${miss.read || '∅'}`).join(' '),
      );
    }
  }
  if (evaluation.sets.length > 1) {
    lines.push(
      `all: ${images} images, plates fully right ${percent(platesRight, images)}, ` +
        `characters right ${percent(charactersRight, characters)}, ` +
        `${(totalMs / Math.max(1, images)).toFixed(1)} ms per image`,
    );
  }
  return lines.join('\n');
}

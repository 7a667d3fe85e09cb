// `haven eval faces <dir> [--pairs <file>]`: runs the face pipeline (photo
// decode → detect → align → embed, the code the gates and enrolment use) over
// a folder of photos and reports verification quality at the gate threshold.
// Pairs come from a CSV (file_x,file_y,decision) or, without --pairs, from
// every pair in the folder's identities.csv (file,identity).
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import {
  FaceAnalyzer,
  defaultFaceModelSettings,
  type FaceDetectorId,
} from '../models/faces/analyzer.ts';
import { defaultMatchThreshold, similarity } from '../models/faces/mobilefacenet.ts';
import {
  areaUnderCurve,
  atThreshold,
  bestThreshold,
  type ScoredPair,
} from '../models/faces/verification.ts';
import { decodePhoto } from '../models/photo.ts';

export interface LabelledPair {
  a: string;
  b: string;
  same: boolean;
}

export interface FaceEvaluation {
  detector: FaceDetectorId;
  photos: number;
  /** Photos in which no face was found; their pairs count as "different". */
  photosWithoutFace: string[];
  pairs: number;
  samePairs: number;
  areaUnderCurve: number;
  atGateThreshold: ReturnType<typeof atThreshold>;
  best: ReturnType<typeof bestThreshold>;
  lowestSameScore: number;
  highestDifferentScore: number;
  msPerPhoto: number;
}

function csvRows(text: string): string[][] {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => line.split(',').map((cell) => cell.trim()));
}

export function pairsFromCsv(text: string): LabelledPair[] {
  const [header, ...rows] = csvRows(text);
  const columns = (header ?? []).map((name) => name.toLowerCase());
  const a = columns.indexOf('file_x');
  const b = columns.indexOf('file_y');
  const decision = columns.indexOf('decision');
  if (a < 0 || b < 0 || decision < 0) {
    throw new Error('a pairs file needs the columns file_x, file_y and decision');
  }
  return rows.map((row) => ({
    a: basename(row[a]!),
    b: basename(row[b]!),
    same: /^(yes|1|true|same)$/i.test(row[decision]!),
  }));
}

/** Every pair of photos in identities.csv; photos of several people are left out. */
export function pairsFromIdentities(text: string): LabelledPair[] {
  const [header, ...rows] = csvRows(text);
  const columns = (header ?? []).map((name) => name.toLowerCase());
  const file = columns.indexOf('file');
  const identity = columns.indexOf('identity');
  if (file < 0 || identity < 0) throw new Error('identities.csv needs the columns file, identity');
  const photos = rows
    .filter((row) => !row[identity]!.includes(';'))
    .map((row) => ({ file: row[file]!, identity: row[identity]! }));
  const pairs: LabelledPair[] = [];
  for (let i = 0; i < photos.length; i++) {
    for (let j = i + 1; j < photos.length; j++) {
      const same = photos[i]!.identity === photos[j]!.identity;
      pairs.push({ a: photos[i]!.file, b: photos[j]!.file, same });
    }
  }
  return pairs;
}

export async function evaluateFaces(
  folder: string,
  pairs: LabelledPair[],
  options: { detector?: FaceDetectorId; threshold?: number; modelsFolder?: string } = {},
): Promise<FaceEvaluation> {
  const detector = options.detector ?? defaultFaceModelSettings.detector;
  const threshold = options.threshold ?? defaultMatchThreshold;
  const analyzer = await FaceAnalyzer.load({
    ...defaultFaceModelSettings,
    detector,
    threads: 2,
    ...(options.modelsFolder && { modelsFolder: options.modelsFolder }),
  });
  /** photo file → embedding of its largest face, or null when none was found */
  const embeddings = new Map<string, Float32Array | null>();
  let analysisMs = 0;
  try {
    for (const file of new Set(pairs.flatMap((pair) => [pair.a, pair.b]))) {
      const image = await decodePhoto(await readFile(join(folder, file)));
      const analysis = await analyzer.analyse(image, { maxFaces: 1, minFaceSizePx: 0 });
      analysisMs += analysis.totalMs;
      embeddings.set(file, analysis.faces[0]?.embedding ?? null);
    }
  } finally {
    await analyzer.release();
  }

  const scored: ScoredPair[] = pairs.map((pair) => {
    const a = embeddings.get(pair.a);
    const b = embeddings.get(pair.b);
    return { same: pair.same, score: a && b ? similarity(a, b) : -1 };
  });
  const same = scored.filter((pair) => pair.same).map((pair) => pair.score);
  const different = scored.filter((pair) => !pair.same).map((pair) => pair.score);
  return {
    detector,
    photos: embeddings.size,
    photosWithoutFace: [...embeddings].filter(([, e]) => e === null).map(([file]) => file),
    pairs: scored.length,
    samePairs: same.length,
    areaUnderCurve: areaUnderCurve(scored),
    atGateThreshold: atThreshold(scored, threshold),
    best: bestThreshold(scored),
    lowestSameScore: Math.min(...same),
    highestDifferentScore: Math.max(...different),
    msPerPhoto: analysisMs / Math.max(1, embeddings.size),
  };
}

export async function runEvalFaces(
  folder: string,
  pairsFile: string | undefined,
  options: { detector?: FaceDetectorId; threshold?: number; modelsFolder?: string },
): Promise<string> {
  const pairs = pairsFile
    ? pairsFromCsv(await readFile(pairsFile, 'utf8'))
    : pairsFromIdentities(await readFile(join(folder, 'identities.csv'), 'utf8'));
  if (pairs.length === 0) throw new Error('no pairs to evaluate');
  const result = await evaluateFaces(folder, pairs, options);
  const percent = (value: number): string => `${(100 * value).toFixed(2)} %`;
  const gate = result.atGateThreshold;
  const withoutFace = result.photosWithoutFace.join(' ') || 'none';
  const different = result.pairs - result.samePairs;
  return [
    `photos            ${result.photos} (no face found: ${withoutFace})`,
    `pairs             ${result.pairs} (${result.samePairs} same person, ${different} different)`,
    `detector          ${result.detector}, ${result.msPerPhoto.toFixed(1)} ms per photo ` +
      '(detect + align + embed)',
    `ROC AUC           ${result.areaUnderCurve.toFixed(4)}`,
    `gate threshold    ${gate.threshold.toFixed(3)} (cosine)`,
    `  accuracy        ${percent(gate.accuracy)}`,
    `  false accepts   ${percent(gate.falseAcceptRate)} of different-person pairs`,
    `  false rejects   ${percent(gate.falseRejectRate)} of same-person pairs`,
    `best threshold    ${result.best.threshold.toFixed(3)} ` +
      `(accuracy ${percent(result.best.accuracy)}, ` +
      `false accepts ${percent(result.best.falseAcceptRate)})`,
    `score margin      highest different-person ${result.highestDifferentScore.toFixed(3)}, ` +
      `lowest same-person ${result.lowestSameScore.toFixed(3)}`,
  ].join('\n');
}

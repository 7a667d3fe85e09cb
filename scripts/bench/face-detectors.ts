// Compares the face detectors on the shared photos, to choose one with
// figures: how many photos each finds a face in, milliseconds per photo for
// detection alone (the photo scaled to a long side of 640, one thread), and
// verification quality when its output feeds the embedder (YuNet aligns on
// its landmarks; UltraFace has none, so its box is cropped).
import { readFile, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { evaluateFaces, pairsFromCsv } from '../../cli/eval-faces.ts';
import {
  FaceAnalyzer,
  defaultFaceModelSettings,
  faceDetectors,
  type FaceDetectorId,
} from '../../models/faces/analyzer.ts';
import { fitWithin } from '../../models/image.ts';
import { decodePhoto } from '../../models/photo.ts';

const faces = resolve(import.meta.dirname, '../../../shared/data/faces');
const folders = [join(faces, 'deepface'), join(faces, 'face_recognition')];

const photos = [];
for (const folder of folders) {
  for (const file of (await readdir(folder)).filter((name) => name.endsWith('.jpg'))) {
    photos.push(fitWithin(await decodePhoto(await readFile(join(folder, file))), 640).image);
  }
}
const pairs = pairsFromCsv(await readFile(join(folders[0]!, 'face-recognition-pivot.csv'), 'utf8'));

console.log(
  'detector         photos with a face  ms/photo (median, of it in ORT)  pivot AUC  best accuracy',
);
for (const detector of Object.keys(faceDetectors) as FaceDetectorId[]) {
  const analyzer = await FaceAnalyzer.load({ ...defaultFaceModelSettings, detector, threads: 1 });
  for (const photo of photos.slice(0, 3))
    await analyzer.analyse(photo, { maxFaces: 0, minFaceSizePx: 0 });
  let found = 0;
  const times: number[] = [];
  const sessionTimes: number[] = [];
  for (const photo of photos) {
    const analysis = await analyzer.analyse(photo, { maxFaces: 0, minFaceSizePx: 0 });
    if (analysis.faces.length > 0) found++;
    times.push(analysis.totalMs);
    sessionTimes.push(analysis.sessionMs);
  }
  await analyzer.release();
  times.sort((a, b) => a - b);
  sessionTimes.sort((a, b) => a - b);
  const quality = await evaluateFaces(folders[0]!, pairs, { detector });
  const median = (sorted: number[]): string => sorted[Math.floor(sorted.length / 2)]!.toFixed(1);
  const timing = `${median(times)} (${median(sessionTimes)})`;
  const accuracy = `${(100 * quality.best.accuracy).toFixed(2)} %`;
  console.log(
    `${detector.padEnd(17)}${`${found}/${photos.length}`.padEnd(20)}${timing.padEnd(33)}` +
      `${quality.areaUnderCurve.toFixed(4).padEnd(11)}${accuracy}`,
  );
}

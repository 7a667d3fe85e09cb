// Ultra-Light-Fast-Generic-Face-Detector-1MB: boxes only, no landmarks, fixed
// 320×240 RGB input with (x - 127) / 128. Kept as the measured alternative to
// YuNet (see README "Face recognition"); without landmarks a face can only be
// cropped, not aligned.
import type { Tensor } from 'onnxruntime-node';
import { resizeBilinear, suppressOverlaps, fitWithin, type RgbImage } from '../image.ts';
import type { ModelManifest } from '../manifest.ts';
import type { DetectedFace } from './face.ts';

const upstream = {
  repository: 'Linzaer/Ultra-Light-Fast-Generic-Face-Detector-1MB',
  commit: 'dffdddda9794a50607cba8f318507a28c1c27cab',
  licence: 'MIT',
};

function ultrafaceManifest(id: string, file: string, path: string, bytes: number, sha256: string) {
  const manifest: ModelManifest = {
    id,
    file,
    bytes,
    sha256,
    upstream: {
      ...upstream,
      path,
      url: `https://github.com/${upstream.repository}/raw/${upstream.commit}/${path}`,
    },
    input: {
      name: 'input',
      shape: [1, 3, 240, 320],
      layout: 'NCHW',
      channels: 'RGB',
      normalisation: { scale: 1, mean: [127, 127, 127], std: [128, 128, 128] },
      resize: 'stretch to 320×240, no letterbox',
    },
    outputs: [
      { name: 'scores', shape: [1, 4420, 2], meaning: 'softmax; column 1 is face' },
      { name: 'boxes', shape: [1, 4420, 4], meaning: 'x1, y1, x2, y2 as fractions of the image' },
    ],
  };
  return manifest;
}

export const ultrafaceRfb = ultrafaceManifest(
  'ultraface_rfb',
  'face_det_ultraface_rfb_320x240.onnx',
  'models/onnx/version-RFB-320.onnx',
  1270727,
  '34cd7e60aeff28744c657de7a3dc64e872d506741de66987f3426f2b79f88017',
);

export const ultrafaceSlim = ultrafaceManifest(
  'ultraface_slim',
  'face_det_ultraface_slim_320x240.onnx',
  'models/onnx/version-slim-320.onnx',
  1195330,
  'e9adbd0f920ddcce9368434c4d34d72520dc0c19b526fd44b4ef49bde2c3b1a8',
);

export function ultrafaceInput(image: RgbImage): Float32Array {
  const stretched = resizeBilinear(fitWithin(image, 640).image, 320, 240);
  const plane = 320 * 240;
  const data = new Float32Array(3 * plane);
  for (let index = 0; index < plane; index++) {
    data[index] = (stretched.data[index * 3]! - 127) / 128;
    data[plane + index] = (stretched.data[index * 3 + 1]! - 127) / 128;
    data[2 * plane + index] = (stretched.data[index * 3 + 2]! - 127) / 128;
  }
  return data;
}

export function decodeUltraface(
  outputs: Record<string, Tensor>,
  image: RgbImage,
  minScore: number,
): DetectedFace[] {
  const scores = outputs.scores!.data as Float32Array;
  const boxes = outputs.boxes!.data as Float32Array;
  const faces: DetectedFace[] = [];
  for (let prior = 0; prior < scores.length / 2; prior++) {
    const score = scores[prior * 2 + 1]!;
    if (score < minScore) continue;
    const x1 = boxes[prior * 4]! * image.width;
    const y1 = boxes[prior * 4 + 1]! * image.height;
    const x2 = boxes[prior * 4 + 2]! * image.width;
    const y2 = boxes[prior * 4 + 3]! * image.height;
    faces.push({ box: { x: x1, y: y1, width: x2 - x1, height: y2 - y1 }, score });
  }
  return suppressOverlaps(faces, 0.3);
}

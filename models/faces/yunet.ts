// YuNet (libfacedetection.train): an anchor-free face detector with five
// landmarks, which the embedder's alignment needs. Input BGR 0..255, any size
// that is a multiple of 32; the image is scaled to fit and padded right/bottom.
import type { Tensor } from 'onnxruntime-node';
import { fitWithin, suppressOverlaps, type RgbImage } from '../image.ts';
import type { ModelManifest } from '../manifest.ts';
import type { DetectedFace, Point } from './face.ts';

const upstream = {
  repository: 'ShiqiYu/libfacedetection.train',
  commit: '0047ac24afb1a50a0c6105001c89d1b5b805dbf1',
  licence: 'Apache-2.0',
};

function yunetManifest(id: string, file: string, path: string, bytes: number, sha256: string) {
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
      shape: ['batch', 3, 'height', 'width'],
      layout: 'NCHW',
      channels: 'BGR',
      normalisation: { scale: 1, mean: [0, 0, 0], std: [1, 1, 1] },
      resize: 'scale so the long side fits, zero-pad right and bottom to multiples of 32',
    },
    outputs: [8, 16, 32].flatMap((stride) => [
      { name: `cls_${stride}`, shape: [1, 'cells', 1], meaning: `class score, stride ${stride}` },
      { name: `obj_${stride}`, shape: [1, 'cells', 1], meaning: `objectness, stride ${stride}` },
      { name: `bbox_${stride}`, shape: [1, 'cells', 4], meaning: 'cx, cy offsets, log w, log h' },
      { name: `kps_${stride}`, shape: [1, 'cells', 10], meaning: 'five landmark offsets' },
    ]),
  };
  return manifest;
}

export const yunetSmall = yunetManifest(
  'yunet_s',
  'face_det_yunet_s_dynamic.onnx',
  'onnx/yunet_s_dynamic.onnx',
  237823,
  'daede24002cc8590f457998cc5e6c9e8b82f45f6bd969506a8913cd4ed10a2d3',
);

export const yunetNano = yunetManifest(
  'yunet_n',
  'face_det_yunet_n_dynamic.onnx',
  'onnx/yunet_n_dynamic.onnx',
  322906,
  '104ee26c71d5c270ce79a6b3dced91c91013260d29a6bf18f9296c5b8c4c2b12',
);

export interface PreparedInput {
  data: Float32Array;
  dims: [number, number, number, number];
  /** Detection pixels per image pixel. */
  scale: number;
}

/** The BGR 0..255 tensor for an image, scaled to fit maxSide and padded to 32. */
export function yunetInput(image: RgbImage, maxSide: number): PreparedInput {
  const { image: fitted, scale } = fitWithin(image, maxSide);
  const width = Math.ceil(fitted.width / 32) * 32;
  const height = Math.ceil(fitted.height / 32) * 32;
  const plane = width * height;
  const data = new Float32Array(3 * plane);
  const pixels = fitted.data;
  for (let y = 0; y < fitted.height; y++) {
    for (let x = 0; x < fitted.width; x++) {
      const source = (y * fitted.width + x) * 3;
      const target = y * width + x;
      data[target] = pixels[source + 2]!;
      data[plane + target] = pixels[source + 1]!;
      data[2 * plane + target] = pixels[source]!;
    }
  }
  return { data, dims: [1, 3, height, width], scale };
}

/** Decodes the twelve output tensors into faces in the original image's pixels. */
export function decodeYunet(
  outputs: Record<string, Tensor>,
  input: PreparedInput,
  minScore: number,
): DetectedFace[] {
  const [, , height, width] = input.dims;
  const faces: DetectedFace[] = [];
  for (const stride of [8, 16, 32]) {
    const cls = outputs[`cls_${stride}`]!.data as Float32Array;
    const obj = outputs[`obj_${stride}`]!.data as Float32Array;
    const bbox = outputs[`bbox_${stride}`]!.data as Float32Array;
    const kps = outputs[`kps_${stride}`]!.data as Float32Array;
    const columns = width / stride;
    const rows = height / stride;
    for (let row = 0; row < rows; row++) {
      for (let column = 0; column < columns; column++) {
        const cell = row * columns + column;
        const score = Math.sqrt(clamp01(cls[cell]!) * clamp01(obj[cell]!));
        if (score < minScore) continue;
        const cx = (column + bbox[cell * 4]!) * stride;
        const cy = (row + bbox[cell * 4 + 1]!) * stride;
        const w = Math.exp(bbox[cell * 4 + 2]!) * stride;
        const h = Math.exp(bbox[cell * 4 + 3]!) * stride;
        const landmarks: Point[] = [];
        for (let point = 0; point < 5; point++) {
          landmarks.push([
            ((kps[cell * 10 + 2 * point]! + column) * stride) / input.scale,
            ((kps[cell * 10 + 2 * point + 1]! + row) * stride) / input.scale,
          ]);
        }
        faces.push({
          box: {
            x: (cx - w / 2) / input.scale,
            y: (cy - h / 2) / input.scale,
            width: w / input.scale,
            height: h / input.scale,
          },
          score,
          landmarks,
        });
      }
    }
  }
  return suppressOverlaps(faces, 0.3);
}

function clamp01(value: number): number {
  return value < 0 ? 0 : value > 1 ? 1 : value;
}

// Face alignment: the similarity transform (rotation, uniform scale,
// translation; Umeyama's least squares) that carries the five detected
// landmarks onto the ArcFace 112×112 template, then a bilinear warp.
import { halve, resizeBilinear, type Box, type RgbImage } from '../image.ts';
import type { Point } from './face.ts';

export const arcFaceTemplate: Point[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

/** x' = a·x − b·y + tx, y' = b·x + a·y + ty. */
export interface Similarity {
  a: number;
  b: number;
  tx: number;
  ty: number;
}

export function similarityFrom(source: Point[], target: Point[]): Similarity {
  const count = source.length;
  let sourceX = 0;
  let sourceY = 0;
  let targetX = 0;
  let targetY = 0;
  for (let index = 0; index < count; index++) {
    sourceX += source[index]![0];
    sourceY += source[index]![1];
    targetX += target[index]![0];
    targetY += target[index]![1];
  }
  sourceX /= count;
  sourceY /= count;
  targetX /= count;
  targetY /= count;

  // For a 2-D similarity the least-squares solution reduces to these sums.
  let dot = 0;
  let cross = 0;
  let sourceVariance = 0;
  for (let index = 0; index < count; index++) {
    const x = source[index]![0] - sourceX;
    const y = source[index]![1] - sourceY;
    const u = target[index]![0] - targetX;
    const v = target[index]![1] - targetY;
    dot += x * u + y * v;
    cross += x * v - y * u;
    sourceVariance += x * x + y * y;
  }
  const a = dot / sourceVariance;
  const b = cross / sourceVariance;
  return {
    a,
    b,
    tx: targetX - (a * sourceX - b * sourceY),
    ty: targetY - (b * sourceX + a * sourceY),
  };
}

/**
 * The 112×112 crop the embedder wants. A face over 4× the template's size is
 * first taken from a halved copy of the image, so the warp does not alias.
 */
export function alignFace(image: RgbImage, landmarks: Point[], side = 112): RgbImage {
  let source = image;
  let points = landmarks;
  let transform = similarityFrom(points, arcFaceTemplate);
  while (Math.hypot(transform.a, transform.b) < 0.25 && source.width > 2 && source.height > 2) {
    source = halve(source);
    points = points.map(([x, y]): Point => [x / 2, y / 2]);
    transform = similarityFrom(points, arcFaceTemplate);
  }
  return warp(source, transform, side, side);
}

/** Samples the output pixels through the inverse of the transform. */
function warp(image: RgbImage, forward: Similarity, width: number, height: number): RgbImage {
  const determinant = forward.a * forward.a + forward.b * forward.b;
  const a = forward.a / determinant;
  const b = -forward.b / determinant;
  const tx = -(a * forward.tx - b * forward.ty);
  const ty = -(b * forward.tx + a * forward.ty);
  const output = new Uint8Array(width * height * 3);
  const pixels = image.data;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sourceX = a * x - b * y + tx;
      const sourceY = b * x + a * y + ty;
      const x0 = Math.floor(sourceX);
      const y0 = Math.floor(sourceY);
      const fx = sourceX - x0;
      const fy = sourceY - y0;
      const o = (y * width + x) * 3;
      for (let channel = 0; channel < 3; channel++) {
        const top =
          sample(pixels, image, x0, y0, channel) * (1 - fx) +
          sample(pixels, image, x0 + 1, y0, channel) * fx;
        const bottom =
          sample(pixels, image, x0, y0 + 1, channel) * (1 - fx) +
          sample(pixels, image, x0 + 1, y0 + 1, channel) * fx;
        output[o + channel] = top * (1 - fy) + bottom * fy + 0.5;
      }
    }
  }
  return { width, height, data: output };
}

/** Outside the image is black, as in OpenCV's warpAffine default. */
function sample(pixels: Uint8Array, image: RgbImage, x: number, y: number, channel: number) {
  if (x < 0 || y < 0 || x >= image.width || y >= image.height) return 0;
  return pixels[(y * image.width + x) * 3 + channel]!;
}

/** For box-only detectors: a square crop around the box, resized to side×side. */
export function cropFace(image: RgbImage, box: Box, side = 112): RgbImage {
  const size = Math.max(box.width, box.height);
  const left = Math.round(box.x + box.width / 2 - size / 2);
  const top = Math.round(box.y + box.height / 2 - size / 2);
  const rounded = Math.max(1, Math.round(size));
  const crop = new Uint8Array(rounded * rounded * 3);
  for (let y = 0; y < rounded; y++) {
    for (let x = 0; x < rounded; x++) {
      const o = (y * rounded + x) * 3;
      for (let channel = 0; channel < 3; channel++) {
        crop[o + channel] = sample(image.data, image, left + x, top + y, channel);
      }
    }
  }
  let square: RgbImage = { width: rounded, height: rounded, data: crop };
  while (square.width >= 2 * side) square = halve(square);
  return resizeBilinear(square, side, side);
}

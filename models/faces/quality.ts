// How usable a face crop is for recognition. Sharpness is the variance of the
// Laplacian of the grey crop: a blurred or out-of-focus face has few edges and
// scores low. Measured on the aligned 112×112 crop, so it does not depend on
// the photo's resolution.
import type { RgbImage } from '../image.ts';
import type { DetectedFace } from './face.ts';

export function sharpness(crop: RgbImage): number {
  const { width, height, data } = crop;
  const grey = new Float32Array(width * height);
  for (let index = 0; index < grey.length; index++) {
    grey[index] =
      0.299 * data[index * 3]! + 0.587 * data[index * 3 + 1]! + 0.114 * data[index * 3 + 2]!;
  }
  let sum = 0;
  let sumSquares = 0;
  let count = 0;
  // The outer 16 pixels hold background and the warp's black border.
  for (let y = 16; y < height - 16; y++) {
    for (let x = 16; x < width - 16; x++) {
      const at = y * width + x;
      const laplacian =
        grey[at - 1]! + grey[at + 1]! + grey[at - width]! + grey[at + width]! - 4 * grey[at]!;
      sum += laplacian;
      sumSquares += laplacian * laplacian;
      count++;
    }
  }
  const mean = sum / count;
  return sumSquares / count - mean * mean;
}

/** Distance between the eyes in pixels, or the box width scaled when there are no landmarks. */
export function faceSizePx(face: DetectedFace): number {
  if (!face.landmarks) return face.box.width * 0.4;
  const [rightEye, leftEye] = face.landmarks;
  return Math.hypot(leftEye![0] - rightEye![0], leftEye![1] - rightEye![1]);
}

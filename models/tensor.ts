// RGB24 images to the float tensors the models take: NCHW, in the channel
// order and normalisation of the model's manifest.
import { fitWithin, resizeBilinear, type RgbImage } from './image.ts';
import type { TensorInput } from './manifest.ts';

/**
 * Writes the image into an NCHW tensor of tensorWidth × tensorHeight at
 * (left, top); the rest keeps the fill value (already normalised).
 */
export function imageTensor(
  image: RgbImage,
  input: Pick<TensorInput, 'channels' | 'normalisation'>,
  tensorWidth: number,
  tensorHeight: number,
  placement: { left: number; top: number; fill: number } = { left: 0, top: 0, fill: 0 },
): Float32Array {
  const plane = tensorWidth * tensorHeight;
  const data = new Float32Array(3 * plane).fill(placement.fill);
  const { scale, mean, std } = input.normalisation;
  // Tensor channel c takes image channel order[c].
  const order = input.channels === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  const pixels = image.data;
  for (let channel = 0; channel < 3; channel++) {
    const source = order[channel]!;
    const factor = 1 / (scale * std[channel]!);
    const offset = mean[channel]! / std[channel]!;
    const base = channel * plane;
    for (let y = 0; y < image.height; y++) {
      const row = base + (y + placement.top) * tensorWidth + placement.left;
      const sourceRow = y * image.width * 3;
      for (let x = 0; x < image.width; x++) {
        data[row + x] = pixels[sourceRow + x * 3 + source]! * factor - offset;
      }
    }
  }
  return data;
}

/** The normalised value of a grey pad pixel value (the same in every channel). */
export function padValue(input: Pick<TensorInput, 'normalisation'>, pixel: number): number {
  const { scale, mean, std } = input.normalisation;
  return (pixel / scale - mean[0]) / std[0];
}

/** The image scaled (down or up) so that its longer side is exactly side pixels. */
export function scaleToSide(image: RgbImage, side: number): RgbImage {
  const longest = Math.max(image.width, image.height);
  if (longest >= side) return fitWithin(image, side).image;
  const scale = side / longest;
  return resizeBilinear(
    image,
    Math.max(1, Math.round(image.width * scale)),
    Math.max(1, Math.round(image.height * scale)),
  );
}

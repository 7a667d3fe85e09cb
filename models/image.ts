// Images as the vision code passes them around: packed RGB24, row-major, no
// row padding. Camera frames (ffmpeg rawvideo rgb24) and decoded photos share
// this shape, so one pipeline serves both.

export interface RgbImage {
  width: number;
  height: number;
  /** width × height × 3 bytes, R G B per pixel. */
  data: Uint8Array;
}

/** A camera frame: an RGB image and when the camera produced it. */
export interface RgbFrame extends RgbImage {
  /** Epoch milliseconds at capture. */
  capturedAt: number;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function checkRgbImage(image: RgbImage): void {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`image size ${width}×${height} is not a positive whole size`);
  }
  if (data.length !== width * height * 3) {
    throw new RangeError(
      `image data is ${data.length} bytes; ${width}×${height} RGB24 needs ${width * height * 3}`,
    );
  }
}

/** Bilinear resize; for shrinking by more than 2× call halve() first. */
export function resizeBilinear(image: RgbImage, width: number, height: number): RgbImage {
  const source = image.data;
  const output = new Uint8Array(width * height * 3);
  const scaleX = image.width / width;
  const scaleY = image.height / height;
  const lastX = image.width - 1;
  const lastY = image.height - 1;
  for (let y = 0; y < height; y++) {
    const sourceY = Math.min(Math.max((y + 0.5) * scaleY - 0.5, 0), lastY);
    const y0 = Math.floor(sourceY);
    const y1 = Math.min(y0 + 1, lastY);
    const fy = sourceY - y0;
    for (let x = 0; x < width; x++) {
      const sourceX = Math.min(Math.max((x + 0.5) * scaleX - 0.5, 0), lastX);
      const x0 = Math.floor(sourceX);
      const x1 = Math.min(x0 + 1, lastX);
      const fx = sourceX - x0;
      const a = (y0 * image.width + x0) * 3;
      const b = (y0 * image.width + x1) * 3;
      const c = (y1 * image.width + x0) * 3;
      const d = (y1 * image.width + x1) * 3;
      const o = (y * width + x) * 3;
      for (let channel = 0; channel < 3; channel++) {
        const top = source[a + channel]! + (source[b + channel]! - source[a + channel]!) * fx;
        const bottom = source[c + channel]! + (source[d + channel]! - source[c + channel]!) * fx;
        output[o + channel] = top + (bottom - top) * fy + 0.5;
      }
    }
  }
  return { width, height, data: output };
}

/** Half the size in each direction, each output pixel the mean of a 2×2 block. */
export function halve(image: RgbImage): RgbImage {
  const width = Math.max(1, image.width >> 1);
  const height = Math.max(1, image.height >> 1);
  const source = image.data;
  const output = new Uint8Array(width * height * 3);
  const stride = image.width * 3;
  for (let y = 0; y < height; y++) {
    const row0 = Math.min(2 * y, image.height - 1) * stride;
    const row1 = Math.min(2 * y + 1, image.height - 1) * stride;
    for (let x = 0; x < width; x++) {
      const x0 = Math.min(2 * x, image.width - 1) * 3;
      const x1 = Math.min(2 * x + 1, image.width - 1) * 3;
      const o = (y * width + x) * 3;
      for (let channel = 0; channel < 3; channel++) {
        const sum =
          source[row0 + x0 + channel]! +
          source[row0 + x1 + channel]! +
          source[row1 + x0 + channel]! +
          source[row1 + x1 + channel]!;
        output[o + channel] = (sum + 2) >> 2;
      }
    }
  }
  return { width, height, data: output };
}

/** Scales the image so its longer side is at most maxSide; returns the factor used. */
export function fitWithin(image: RgbImage, maxSide: number): { image: RgbImage; scale: number } {
  const longest = Math.max(image.width, image.height);
  if (longest <= maxSide) return { image, scale: 1 };
  let current = image;
  while (Math.max(current.width, current.height) >= 2 * maxSide) current = halve(current);
  const scale = maxSide / longest;
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  return { image: resizeBilinear(current, width, height), scale: width / image.width };
}

/** Intersection over union of two boxes. */
export function overlap(a: Box, b: Box): number {
  const left = Math.max(a.x, b.x);
  const top = Math.max(a.y, b.y);
  const right = Math.min(a.x + a.width, b.x + b.width);
  const bottom = Math.min(a.y + a.height, b.y + b.height);
  const intersection = Math.max(0, right - left) * Math.max(0, bottom - top);
  const union = a.width * a.height + b.width * b.height - intersection;
  return union > 0 ? intersection / union : 0;
}

/** Greedy non-maximum suppression: keeps the best of each overlapping group. */
export function suppressOverlaps<T extends { box: Box; score: number }>(
  candidates: T[],
  maxOverlap: number,
): T[] {
  const sorted = [...candidates].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const candidate of sorted) {
    if (kept.every((other) => overlap(other.box, candidate.box) <= maxOverlap)) {
      kept.push(candidate);
    }
  }
  return kept;
}

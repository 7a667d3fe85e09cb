// Plates are seldom square to the camera: the detector gives four corners and
// the plate is warped from that quadrilateral to an upright rectangle.
import type { RgbImage } from '../image.ts';

export type Point = [number, number];

/** Corners in order: top-left, top-right, bottom-right, bottom-left. */
export type Quad = [Point, Point, Point, Point];

/** The rectangle size the quadrilateral unfolds to (its longer opposite sides). */
export function unfoldedSize(quad: Quad): { width: number; height: number } {
  const [tl, tr, br, bl] = quad;
  const width = Math.max(distance(tl, tr), distance(bl, br));
  const height = Math.max(distance(tl, bl), distance(tr, br));
  return { width: Math.max(1, Math.round(width)), height: Math.max(1, Math.round(height)) };
}

/** Samples the quadrilateral of the image into a width × height rectangle (bilinear). */
export function warpQuad(image: RgbImage, quad: Quad, width: number, height: number): RgbImage {
  const h = homography(
    [
      [0, 0],
      [width, 0],
      [width, height],
      [0, height],
    ],
    quad,
  );
  const output = new Uint8Array(width * height * 3);
  const source = image.data;
  const lastX = image.width - 1;
  const lastY = image.height - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = x + 0.5;
      const v = y + 0.5;
      const w = h[6]! * u + h[7]! * v + 1;
      const sourceX = Math.min(Math.max((h[0]! * u + h[1]! * v + h[2]!) / w - 0.5, 0), lastX);
      const sourceY = Math.min(Math.max((h[3]! * u + h[4]! * v + h[5]!) / w - 0.5, 0), lastY);
      const x0 = Math.floor(sourceX);
      const y0 = Math.floor(sourceY);
      const x1 = Math.min(x0 + 1, lastX);
      const y1 = Math.min(y0 + 1, lastY);
      const fx = sourceX - x0;
      const fy = sourceY - y0;
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

/** Rows from top to bottom of an image: [from, to) as fractions of its height. */
export function rows(image: RgbImage, from: number, to: number): RgbImage {
  const top = Math.max(0, Math.round(from * image.height));
  const bottom = Math.min(image.height, Math.max(top + 1, Math.round(to * image.height)));
  const stride = image.width * 3;
  return {
    width: image.width,
    height: bottom - top,
    data: image.data.slice(top * stride, bottom * stride),
  };
}

/** The eight coefficients mapping points `from` onto points `to` (h33 = 1). */
function homography(from: Quad, to: Quad): number[] {
  const matrix: number[][] = [];
  for (let index = 0; index < 4; index++) {
    const [x, y] = from[index]!;
    const [u, v] = to[index]!;
    matrix.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    matrix.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  return solve(matrix);
}

/** Gauss-Jordan elimination with partial pivoting on an n × (n+1) system. */
function solve(matrix: number[][]): number[] {
  const n = matrix.length;
  for (let column = 0; column < n; column++) {
    let pivot = column;
    for (let row = column + 1; row < n; row++) {
      if (Math.abs(matrix[row]![column]!) > Math.abs(matrix[pivot]![column]!)) pivot = row;
    }
    [matrix[column], matrix[pivot]] = [matrix[pivot]!, matrix[column]!];
    const lead = matrix[column]![column]!;
    if (Math.abs(lead) < 1e-12) throw new RangeError('plate corners are degenerate');
    for (let k = column; k <= n; k++) matrix[column]![k]! /= lead;
    for (let row = 0; row < n; row++) {
      if (row === column) continue;
      const factor = matrix[row]![column]!;
      if (factor === 0) continue;
      for (let k = column; k <= n; k++) matrix[row]![k]! -= factor * matrix[column]![k]!;
    }
  }
  return matrix.map((row) => row[n]!);
}

function distance(a: Point, b: Point): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}

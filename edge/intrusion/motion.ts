// Cheap motion check so that the object detector runs only on frames where
// something moved: each frame shrunk to a coarse grey grid and compared with
// the one before; motion is a share of grid cells whose grey level changed.
import type { RgbImage } from '../../models/image.ts';
import type { NormalisedBounds } from './zones.ts';

const gridWidth = 64;
const gridHeight = 36;
/** Grey levels (0..255) a cell must change by to count as moved. */
const changedLevels = 18;
/** Share of the region's cells that must move. */
const movedShare = 0.004;

export class MotionDetector {
  #previous: Float32Array | undefined;

  /** True when, since the previous frame, something moved inside any of the regions. */
  moved(frame: RgbImage, regions: readonly NormalisedBounds[]): boolean {
    const grid = greyGrid(frame);
    const previous = this.#previous;
    this.#previous = grid;
    if (!previous) return true;
    return regions.some((region) => {
      const left = Math.floor(region.left * gridWidth);
      const right = Math.min(gridWidth, Math.ceil(region.right * gridWidth));
      const top = Math.floor(region.top * gridHeight);
      const bottom = Math.min(gridHeight, Math.ceil(region.bottom * gridHeight));
      let moved = 0;
      let cells = 0;
      for (let y = top; y < bottom; y++) {
        for (let x = left; x < right; x++) {
          cells++;
          if (Math.abs(grid[y * gridWidth + x]! - previous[y * gridWidth + x]!) > changedLevels) {
            moved++;
          }
        }
      }
      return cells > 0 && moved / cells >= movedShare;
    });
  }
}

/** Mean grey level of each grid cell (sampled every other pixel). */
function greyGrid(frame: RgbImage): Float32Array {
  const sums = new Float32Array(gridWidth * gridHeight);
  const counts = new Uint32Array(gridWidth * gridHeight);
  const { width, height, data } = frame;
  for (let y = 0; y < height; y += 2) {
    const cellRow = Math.floor((y * gridHeight) / height) * gridWidth;
    for (let x = 0; x < width; x += 2) {
      const cell = cellRow + Math.floor((x * gridWidth) / width);
      const offset = (y * width + x) * 3;
      sums[cell]! += 0.299 * data[offset]! + 0.587 * data[offset + 1]! + 0.114 * data[offset + 2]!;
      counts[cell]!++;
    }
  }
  for (let cell = 0; cell < sums.length; cell++) sums[cell]! /= Math.max(1, counts[cell]!);
  return sums;
}

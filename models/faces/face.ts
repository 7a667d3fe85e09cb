// A face found in an image, in that image's pixel coordinates.
import type { Box } from '../image.ts';

export type Point = [x: number, y: number];

export interface DetectedFace {
  box: Box;
  /** Detector confidence, 0..1. */
  score: number;
  /**
   * Five points in the ArcFace template's order: the subject's right eye, left
   * eye, nose tip, right and left mouth corner. Absent for box-only detectors.
   */
  landmarks?: Point[];
}

export function faceArea(face: DetectedFace): number {
  return face.box.width * face.box.height;
}

// What the object detectors report: boxes of the COCO classes that matter to
// a community's cameras (people, and the vehicles they come in or on).
import type { Box } from '../image.ts';

export const cocoClassIds = {
  person: 0,
  bicycle: 1,
  car: 2,
  motorcycle: 3,
  bus: 5,
  truck: 7,
} as const;
export type ObjectClass = keyof typeof cocoClassIds;
export const objectClasses = Object.keys(cocoClassIds) as ObjectClass[];

export interface DetectedObject {
  objectClass: ObjectClass;
  score: number;
  /** In the image's pixels. */
  box: Box;
}

/** The middle of the box's bottom edge: where a standing person touches the ground. */
export function footPoint(box: Box): [number, number] {
  return [box.x + box.width / 2, box.y + box.height];
}

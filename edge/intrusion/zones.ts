// Zone geometry in normalised picture coordinates (0..1 from the top-left).
export type NormalisedPoint = readonly [number, number];

/** Even-odd rule: true when the point lies inside the polygon. */
export function insidePolygon(
  point: NormalisedPoint,
  polygon: readonly NormalisedPoint[],
): boolean {
  const [x, y] = point;
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i]!;
    const [xj, yj] = polygon[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export interface NormalisedBounds {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export function bounds(polygon: readonly NormalisedPoint[]): NormalisedBounds {
  const xs = polygon.map(([x]) => x);
  const ys = polygon.map(([, y]) => y);
  return {
    left: Math.min(...xs),
    top: Math.min(...ys),
    right: Math.max(...xs),
    bottom: Math.max(...ys),
  };
}

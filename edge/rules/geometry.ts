// Distances on the ground for the care rules: how far a band moved, and how far
// outside its wearer's safe area it is. Areas are a few kilometres at most, so
// a flat projection around the area is accurate to well under a metre.
import type { SafeArea } from './care-settings.ts';

const earthRadiusM = 6_371_008.8;
const radians = Math.PI / 180;

export interface LatLon {
  lat: number;
  lon: number;
}

/** Great-circle distance in metres. */
export function distanceM(a: LatLon, b: LatLon): number {
  const dLat = (b.lat - a.lat) * radians;
  const dLon = (b.lon - a.lon) * radians;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.lat * radians) * Math.cos(b.lat * radians) * Math.sin(dLon / 2) ** 2;
  return 2 * earthRadiusM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Metres from the point to the area's boundary: positive outside, zero or
 * negative inside.
 */
export function distanceOutsideM(area: SafeArea, point: LatLon): number {
  if (area.kind === 'circle') return distanceM(area, point) - area.radiusM;

  const origin = area.points[0]!;
  const toMetres = (p: LatLon): [number, number] => [
    (p.lon - origin.lon) * radians * earthRadiusM * Math.cos(origin.lat * radians),
    (p.lat - origin.lat) * radians * earthRadiusM,
  ];
  const corners = area.points.map(toMetres);
  const [x, y] = toMetres(point);
  let inside = false;
  let nearest = Number.POSITIVE_INFINITY;
  for (let i = 0, j = corners.length - 1; i < corners.length; j = i++) {
    const [xi, yi] = corners[i]!;
    const [xj, yj] = corners[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    nearest = Math.min(nearest, segmentDistance(x, y, xi, yi, xj, yj));
  }
  return inside ? -nearest : nearest;
}

function segmentDistance(
  x: number,
  y: number,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
): number {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const lengthSquared = dx * dx + dy * dy;
  const t =
    lengthSquared === 0
      ? 0
      : Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / lengthSquared));
  return Math.hypot(x - (x1 + t * dx), y - (y1 + t * dy));
}

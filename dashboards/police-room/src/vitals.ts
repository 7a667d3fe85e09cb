// A band's vital signs over a time range, from the telemetry history API
// (issue 3). Until that API exists, charts show their empty state.
import { getOptional, type Optional } from './api.ts';
import type { ChartPoint } from './components/line-chart.tsx';

interface Reading {
  mean: number;
}

export interface VitalsBucket {
  time: string;
  heartRateBpm?: Reading;
  spo2Percent?: Reading;
  steps?: number;
  batteryPercent?: number;
}

export interface Vitals {
  bandId: string;
  buckets: VitalsBucket[];
}

export function vitalsPath(bandId: string, fromMs: number, toMs: number): string {
  const from = new Date(fromMs).toISOString();
  const to = new Date(toMs).toISOString();
  return `/api/bands/${encodeURIComponent(bandId)}/vitals?from=${from}&to=${to}&points=120`;
}

export async function fetchVitals(
  bandId: string,
  fromMs: number,
  toMs: number,
): Promise<Optional<Vitals>> {
  return getOptional<Vitals>(vitalsPath(bandId, fromMs, toMs));
}

export function series(
  buckets: VitalsBucket[],
  pick: (bucket: VitalsBucket) => number | undefined,
): ChartPoint[] {
  const points: ChartPoint[] = [];
  for (const bucket of buckets) {
    const value = pick(bucket);
    if (value !== undefined) points.push({ atMs: Date.parse(bucket.time), value });
  }
  return points;
}

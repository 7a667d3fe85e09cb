// Band telemetry posted to a hub as an edge does, for telemetry history tests.
import { randomUUID } from 'node:crypto';
import type { BandTelemetry } from '../../common/contracts/band.ts';
import { edgeToken, site } from './spine.ts';

/** Posts samples of one band to /api/edge/ingest, in batches of 500. */
export async function postTelemetry(
  hubUrl: string,
  bandId: string,
  samples: BandTelemetry[],
): Promise<void> {
  for (let start = 0; start < samples.length; start += 500) {
    const items = samples.slice(start, start + 500).map((telemetry) => ({
      key: randomUUID(),
      kind: 'telemetry',
      body: { site, deviceKind: 'band', deviceId: bandId, telemetry },
    }));
    const response = await fetch(`${hubUrl}/api/edge/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${edgeToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ items }),
    });
    if (!response.ok)
      throw new Error(`ingest refused: ${response.status} ${await response.text()}`);
  }
}

/** One sample a minute from `fromMs`, heart rate and SpO2 following `shape(minute)`. */
export function minuteSamples(
  fromMs: number,
  minutes: number,
  shape: (minute: number) => Partial<BandTelemetry>,
): BandTelemetry[] {
  return Array.from({ length: minutes }, (_, minute) => ({
    time: new Date(fromMs + minute * 60_000).toISOString(),
    ...shape(minute),
  }));
}

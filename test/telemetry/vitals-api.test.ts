import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../hub/server.ts';
import type { VitalsResponse } from '../../hub/telemetry/schemas.ts';
import {
  client,
  daughterOfZhang,
  duty,
  registerCommunity,
  startCommunityHub,
  workerNorth,
} from '../support/community.ts';
import { temporaryFolder } from '../support/spine.ts';
import { minuteSamples, postTelemetry } from '../support/telemetry.ts';

describe('vitals without InfluxDB, from the embedded store', () => {
  const folder = temporaryFolder('vitals-api');
  let hub: Hub;
  let hubUrl: string;
  const from = Date.parse('2026-12-04T00:00:00Z');
  const range = `from=2026-12-04T08:00:00%2B08:00&to=2026-12-04T02:00:00Z`;

  beforeAll(async () => {
    ({ hub, url: hubUrl } = await startCommunityHub(`${folder.path}/hub`));
    await registerCommunity(hubUrl);
    const samples = minuteSamples(from, 120, (minute) => ({
      heartRateBpm: minute < 60 ? 70 : 110,
      spo2Percent: 96,
      temperatureC: 36.5,
      steps: minute * 12,
      batteryPercent: 80 - Math.floor(minute / 30),
    }));
    // Devices send local times with an offset too; they must sort by instant.
    for (const sample of samples.slice(0, 60)) sample.time = shanghaiTime(Date.parse(sample.time));
    await postTelemetry(hubUrl, 'band-zhang', samples);
  });

  afterAll(async () => {
    await hub?.stop();
    folder.remove();
  });

  it('cuts the range into chart buckets: mean, min, max and count per bucket', async () => {
    const viewer = await client(hubUrl, duty);
    const answer = await viewer.call<VitalsResponse>(
      'GET',
      `/api/bands/band-zhang/vitals?${range}&points=12`,
    );
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({
      bandId: 'band-zhang',
      resident: { id: 'zhang', name: '张桂兰' },
      from: '2026-12-04T00:00:00.000Z',
      to: '2026-12-04T02:00:00.000Z',
      bucketSeconds: 600,
      source: 'embedded',
    });
    const buckets = answer.body.buckets;
    expect(buckets, '12 ten-minute buckets in two hours').toHaveLength(12);
    expect(buckets[0]).toEqual({
      time: '2026-12-04T00:00:00.000Z',
      heartRateBpm: { mean: 70, min: 70, max: 70, count: 10 },
      spo2Percent: { mean: 96, min: 96, max: 96, count: 10 },
      temperatureC: 36.5,
      steps: 108,
      batteryPercent: 80,
    });
    expect(buckets[6]!.heartRateBpm!.mean, 'the second hour, from Z-timed samples').toBe(110);
  });

  it('a resident is charted from the band bound to them', async () => {
    const viewer = await client(hubUrl, duty);
    const answer = await viewer.call<VitalsResponse>('GET', `/api/residents/zhang/vitals?${range}`);
    expect(answer.status).toBe(200);
    expect(answer.body.bandId).toBe('band-zhang');
    expect(answer.body.bucketSeconds, '300 points over two hours: one a minute').toBe(60);
    expect(answer.body.buckets).toHaveLength(120);
  });

  it('is for staff, each within their scope', async () => {
    const anonymous = await fetch(`${hubUrl}/api/bands/band-zhang/vitals?${range}`);
    expect(anonymous.status, 'no session').toBe(401);

    const north = await client(hubUrl, workerNorth);
    expect((await north.call('GET', `/api/bands/band-zhang/vitals?${range}`)).status).toBe(200);
    expect(
      (await north.call('GET', `/api/bands/band-liu/vitals?${range}`)).status,
      'band-liu lives in the south grid',
    ).toBe(404);

    const daughter = await client(hubUrl, daughterOfZhang);
    expect((await daughter.call('GET', `/api/residents/zhang/vitals?${range}`)).status).toBe(200);
    expect((await daughter.call('GET', `/api/residents/liu/vitals?${range}`)).status).toBe(404);
  });

  it('refuses a bad range with a clear, coded error', async () => {
    const viewer = await client(hubUrl, duty);
    const backwards = await viewer.call<{ code: string; message: string }>(
      'GET',
      '/api/bands/band-zhang/vitals?from=2026-12-04T02:00:00Z&to=2026-12-04T00:00:00Z',
    );
    expect(backwards.status).toBe(400);
    expect(backwards.body.code).toBe('HAVEN_VITALS_RANGE');

    const notADate = await viewer.call('GET', '/api/bands/band-zhang/vitals?from=yesterday');
    expect(notADate.status, 'schema-validated').toBe(400);
    const tooMany = await viewer.call('GET', `/api/bands/band-zhang/vitals?${range}&points=5000`);
    expect(tooMany.status, 'at most 2000 buckets').toBe(400);
    const year = await viewer.call('GET', '/api/bands/band-zhang/vitals?from=2020-01-01T00:00:00Z');
    expect(year.status, 'a range of years is refused').toBe(400);
  });
});

/** The instant as Shanghai local time with its +08:00 offset. */
function shanghaiTime(atMs: number): string {
  return new Date(atMs + 8 * 3_600_000).toISOString().replace('Z', '+08:00');
}

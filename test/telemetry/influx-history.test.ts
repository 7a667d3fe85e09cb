import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../hub/server.ts';
import type { VitalsResponse } from '../../hub/telemetry/schemas.ts';
import {
  client,
  daughterOfZhang,
  duty,
  registerCommunity,
  startCommunityHub,
  type Client,
} from '../support/community.ts';
import { InfluxServer } from '../support/influxd.ts';
import { temporaryFolder, waitUntil } from '../support/spine.ts';
import { minuteSamples, postTelemetry } from '../support/telemetry.ts';

const measurement = 'band_telemetry';
const database = 'haven_test';
// A resident whose name needs escaping in line protocol: space, comma, "=".
const oddName = '欧阳 秀英, 3号楼=东';

describe('band telemetry history in a real InfluxDB', () => {
  const folder = temporaryFolder('influx-history');
  const influxd = new InfluxServer();
  let hub: Hub;
  let hubUrl: string;
  let registrar: Client;

  beforeAll(async () => {
    await influxd.start();
    ({ hub, url: hubUrl } = await startCommunityHub(`${folder.path}/hub`, {
      influx: { port: influxd.port, database, flushIntervalMs: 50, maxBackoffMs: 200 },
    }));
    registrar = await registerCommunity(hubUrl);
    const created = await registrar.call('POST', '/api/registry/residents', {
      id: 'ouyang',
      name: oddName,
      gender: 'female',
      birthYear: 1941,
      livesAlone: true,
      careLevel: 'watch',
      consent: { face: false, photo: false, notifyContacts: true },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const bound = await registrar.call('PUT', '/api/registry/device-bindings/band/band-ouyang', {
      residentId: 'ouyang',
    });
    expect(bound.status).toBe(200);
  });

  afterAll(async () => {
    await hub?.stop();
    await influxd.remove();
    folder.remove();
  });

  /** Rows of the points that match, each as column → value. */
  async function pointsIn(where: string): Promise<Record<string, unknown>[]> {
    const answer = await influxd.query(`SELECT * FROM ${measurement} WHERE ${where}`, database);
    const series = answer.results[0]?.series?.[0];
    if (!series) return [];
    return series.values.map((row) =>
      Object.fromEntries(series.columns.map((column, index) => [column, row[index]])),
    );
  }

  async function exported(where: string, count: number): Promise<Record<string, unknown>[]> {
    let points: Record<string, unknown>[] = [];
    await waitUntil(async () => {
      points = await pointsIn(where);
      return points.length >= count;
    }, `${count} points are in InfluxDB where ${where}`);
    return points;
  }

  /** Waits until the export has gone past everything stored so far. */
  async function exportCaughtUp(): Promise<void> {
    const stored = hub.telemetry.embedded.after(0, 1_000_000).at(-1)!.id;
    await waitUntil(
      () => hub.telemetry.exporter!.exportedUpTo >= stored,
      'the export caught up with the embedded store',
    );
  }

  it('keeps tags escaped, field types fixed and times to the millisecond', async () => {
    await postTelemetry(hubUrl, 'band-ouyang', [
      {
        time: '2026-12-04T08:00:00.123+08:00',
        heartRateBpm: 72,
        spo2Percent: 97,
        temperatureC: 37,
        steps: 1200,
        batteryPercent: 81,
        worn: true,
        position: { lat: 31.2304, lon: 121.4737, valid: true, accuracyM: 8 },
      },
      { time: '2026-12-04T00:01:00.456Z', heartRateBpm: 0, temperatureC: 36.6, worn: true },
    ]);
    const values = await exported(`"band" = 'band-ouyang'`, 2);

    const tags = await influxd.query(
      `SHOW TAG VALUES FROM ${measurement} WITH KEY = "residentName"`,
      database,
    );
    const names = tags.results[0]!.series![0]!.values.map((row) => row[1]);
    expect(names, 'the name arrives whole, space, comma and "=" included').toContain(oddName);

    const fields = await influxd.query(`SHOW FIELD KEYS FROM ${measurement}`, database);
    const types = Object.fromEntries(fields.results[0]!.series![0]!.values);
    expect(types, 'each field keeps one type').toMatchObject({
      heartRateBpm: 'integer',
      spo2Percent: 'integer',
      steps: 'integer',
      batteryPercent: 'integer',
      temperatureC: 'float',
      lat: 'float',
      worn: 'boolean',
    });

    expect(
      values.map((point) => point.time),
      'sample times to the millisecond, whatever their offset',
    ).toEqual([Date.parse('2026-12-04T00:00:00.123Z'), Date.parse('2026-12-04T00:01:00.456Z')]);
    expect(
      values.map((point) => point.heartRateBpm),
      'a 0 ("no reading") is not written',
    ).toEqual([72, null]);
    expect(values[0], 'tags and values as sent').toMatchObject({
      site: 'xincun',
      resident: 'ouyang',
      residentName: oddName,
      temperatureC: 37,
      worn: true,
    });
  });

  it('answers vitals from InfluxDB, bucket for bucket as the embedded store does', async () => {
    const from = Date.parse('2026-12-03T00:00:00Z');
    const samples = minuteSamples(from, 120, (minute) => ({
      heartRateBpm: 60 + (minute % 20),
      spo2Percent: minute % 3 === 0 ? 0 : 95 + (minute % 4),
      steps: 10 * minute,
      batteryPercent: 90 - Math.floor(minute / 10),
    }));
    await postTelemetry(hubUrl, 'band-zhang', samples);
    await exported(`"band" = 'band-zhang'`, 120);

    const viewer = await client(hubUrl, duty);
    const query = `${rangeQuery(from, 120)}&points=24`;
    const answer = await viewer.call<VitalsResponse>(
      'GET',
      `/api/bands/band-zhang/vitals?${query}`,
    );
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({
      source: 'influx',
      bucketSeconds: 300,
      resident: { id: 'zhang', name: '张桂兰' },
    });
    expect(answer.body.buckets).toHaveLength(24);

    const embedded = await hub.telemetry.embedded.vitals({
      bandId: 'band-zhang',
      fromMs: from,
      toMs: from + 120 * 60_000,
      bucketSeconds: 300,
    });
    expect(embedded).toHaveLength(24);
    answer.body.buckets.forEach((bucket, index) => {
      const same = embedded[index]!;
      expect(bucket.time).toBe(same.time);
      expect(bucket.heartRateBpm!.mean).toBeCloseTo(same.heartRateBpm!.mean, 6);
      expect(bucket.heartRateBpm).toMatchObject({
        min: same.heartRateBpm!.min,
        max: same.heartRateBpm!.max,
        count: 5,
      });
      expect(bucket.spo2Percent!.count, 'zeros are no readings').toBe(same.spo2Percent!.count);
      expect(bucket.spo2Percent!.mean).toBeCloseTo(same.spo2Percent!.mean, 6);
      expect([bucket.steps, bucket.batteryPercent]).toEqual([same.steps, same.batteryPercent]);
    });
    expect(answer.body.buckets[1]!.heartRateBpm, 'minutes 5–9: 65..69 bpm').toEqual({
      mean: 67,
      min: 65,
      max: 69,
      count: 5,
    });

    const daughter = await client(hubUrl, daughterOfZhang);
    const own = await daughter.call('GET', `/api/residents/zhang/vitals?${query}`);
    expect(own.status, 'family see their own relative').toBe(200);
    const other = await daughter.call('GET', `/api/bands/band-liu/vitals?${query}`);
    expect(other.status, 'but not another resident').toBe(404);
  });

  it('a point InfluxDB refuses is skipped and counted; the rest goes in', async () => {
    // This shard already holds spo2Percent as a float: integer SpO2 now conflicts.
    const day = Date.parse('2026-11-02T00:00:00Z');
    await fetch(`${influxd.url}/write?db=${database}&precision=ms`, {
      method: 'POST',
      body: `${measurement},band=band-old spo2Percent=96.5 ${day}`,
    });
    const refusedBefore = hub.telemetry.exporter!.stats.refused;
    await postTelemetry(
      hubUrl,
      'band-liu',
      minuteSamples(day + 60_000, 10, (minute) =>
        minute % 2 ? { spo2Percent: 96 } : { steps: 100 + minute },
      ),
    );
    await exportCaughtUp();
    expect(hub.telemetry.exporter!.stats.refused - refusedBefore, 'the SpO2 samples').toBe(5);
    const stored = await pointsIn(`"band" = 'band-liu'`);
    expect(
      stored.map((point) => point.steps),
      'the samples with steps went in, nothing else',
    ).toEqual([100, 102, 104, 106, 108]);
  });

  it("a resident's export holds their series, and erasing them drops it from InfluxDB", async () => {
    await exported(`"band" = 'band-ouyang'`, 2);
    const exportedData = await registrar.call<{ telemetrySeries: { points: unknown[] } }>(
      'GET',
      '/api/registry/residents/ouyang/export',
    );
    expect(exportedData.status).toBe(200);
    expect(exportedData.body.telemetrySeries.points).toHaveLength(2);

    const erased = await registrar.call<{ erasure: Record<string, { removed: number }> }>(
      'DELETE',
      '/api/registry/residents/ouyang',
    );
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    expect(erased.body.erasure.telemetrySeries, 'both points dropped').toEqual({ removed: 2 });
    expect(await pointsIn(`"band" = 'band-ouyang'`), 'nothing left in InfluxDB').toEqual([]);
  });

  it('an InfluxDB outage does not stop ingest; the export catches up afterwards', async () => {
    await influxd.stop();
    const from = Date.parse('2026-12-02T00:00:00Z');
    await postTelemetry(
      hubUrl,
      'band-zhang',
      minuteSamples(from, 30, () => ({ heartRateBpm: 88 })),
    );
    const viewer = await client(hubUrl, duty);
    const query = rangeQuery(from, 30);
    const meanwhile = await viewer.call<VitalsResponse>(
      'GET',
      `/api/bands/band-zhang/vitals?${query}`,
    );
    expect(meanwhile.status).toBe(200);
    expect(meanwhile.body.source, 'charts fall back to the embedded store').toBe('embedded');
    expect(meanwhile.body.buckets.length).toBeGreaterThan(0);
    await waitUntil(() => hub.telemetry.exporter!.stats.failures > 0, 'the export noticed');

    await influxd.start();
    const window = `"band" = 'band-zhang' AND time >= ${from}ms AND time < ${from + 30 * 60_000}ms`;
    await exported(window, 30);
    await waitUntil(() => hub.telemetry.exporter!.stats.failures === 0, 'the export recovered');
    const after = await viewer.call<VitalsResponse>('GET', `/api/bands/band-zhang/vitals?${query}`);
    expect(after.body.source).toBe('influx');
  });
});

/** "from=…&to=…" for `minutes` from `fromMs`. */
function rangeQuery(fromMs: number, minutes: number): string {
  const iso = (ms: number) => new Date(ms).toISOString();
  return `from=${iso(fromMs)}&to=${iso(fromMs + minutes * 60_000)}`;
}

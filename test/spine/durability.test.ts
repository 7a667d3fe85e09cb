import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Hub } from '../../hub/server.ts';
import { freePort, runHaven, type RunningHaven } from '../support/processes.ts';
import {
  LiveWatcher,
  bandTopic,
  connectBand,
  edgeConfig,
  login,
  sos,
  startEdge,
  startHub,
  temporaryFolder,
  waitUntil,
} from '../support/spine.ts';

const now = (): string => new Date().toISOString();

describe('an accepted alert is never lost', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('while the hub is down, alerts queue; after it returns each arrives once, SOS first', async () => {
    const folder = temporaryFolder('outage');
    cleanups.push(() => folder.remove());
    const started = await startHub(`${folder.path}/hub`);
    let hub = started.hub;
    const url = started.url;
    const token = await login(url);
    const port = Number(new URL(url).port);
    // Band removal warns at once here; its waiting time is tested in test/elderly.
    const care = { defaults: { removedMinutes: 0 } };
    const edge = await startEdge(`${folder.path}/edge`, url, ['band-001', 'band-002'], { care });
    cleanups.push(() => edge.stop());
    const first = await connectBand(edge.mqttPort, 'band-001');
    const second = await connectBand(edge.mqttPort, 'band-002');
    cleanups.push(
      () => first.endAsync(),
      () => second.endAsync(),
    );

    await hub.stop();
    for (let second = 0; second < 20; second++) {
      const sample = { time: now(), heartRateBpm: 70 + second, steps: 100 + second };
      await first.publishAsync(bandTopic('band-001', 'telemetry'), JSON.stringify(sample));
    }
    const low = JSON.stringify({ time: now(), batteryPercent: 9 });
    await second.publishAsync(bandTopic('band-002', 'telemetry'), low, { qos: 1 });
    const off = JSON.stringify({ time: now(), worn: false });
    await first.publishAsync(bandTopic('band-001', 'telemetry'), off, { qos: 1 });
    await first.publishAsync(bandTopic('band-001', 'event'), sos(), { qos: 1 });
    await second.publishAsync(bandTopic('band-002', 'event'), sos(), { qos: 1 });
    expect(edge.outbox!.size(), 'everything waits in the outbox').toBeGreaterThanOrEqual(4);

    ({ hub } = await startHub(`${folder.path}/hub`, port));
    cleanups.push(() => hub.stop());
    const watcher = await LiveWatcher.open(url, token);
    cleanups.push(() => watcher.close());
    await watcher.waitFor(() => watcher.messages.length >= 4);
    await waitUntil(() => edge.outbox!.size() === 0, 'the outbox drained');

    const created = watcher.messages.filter((m) => m.change === 'created');
    expect(
      created.map((m) => m.alert.type),
      'critical alerts come first',
    ).toEqual(['sos', 'sos', 'low_battery', 'band_removed']);
    const stored = await hub.store.listAlerts({});
    expect(stored, 'each alert is stored once').toHaveLength(4);
    expect(stored.every((alert) => alert.occurrences === 1)).toBe(true);
  });

  it('an SOS acknowledged to the band survives the edge being killed before sending it', async () => {
    const folder = temporaryFolder('sigkill');
    cleanups.push(() => folder.remove());
    const hubPort = await freePort();
    const hubUrl = `http://127.0.0.1:${hubPort}`;
    const configFile = `${folder.path}/edge.json`;
    writeFileSync(
      configFile,
      JSON.stringify(edgeConfig(`${folder.path}/edge`, hubUrl, ['band-001'])),
    );

    const startEdgeProcess = async (): Promise<{ edge: RunningHaven; mqttPort: number }> => {
      const edge = runHaven(['edge', '--config', configFile]);
      cleanups.push(async () => void (await edge.kill('SIGTERM')));
      const started = await edge.waitForLog('edge agent started');
      return { edge, mqttPort: Number(String(started.mqtt).split(':')[1]) };
    };

    const { edge, mqttPort } = await startEdgeProcess();
    const band = await connectBand(mqttPort, 'band-001');
    await band.publishAsync(bandTopic('band-001', 'event'), sos(), { qos: 1 });
    expect(await edge.kill('SIGKILL'), 'killed, not exited').toBe(null);
    band.end(true);

    const { hub } = (await startHub(`${folder.path}/hub`, hubPort)) as { hub: Hub };
    cleanups.push(() => hub.stop());
    await startEdgeProcess();
    await waitUntil(
      async () => (await hub.store.listAlerts({ type: 'sos' })).length === 1,
      'the SOS reached the hub after the edge restarted',
      20_000,
    );
  });
});

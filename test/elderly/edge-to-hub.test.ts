import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { EdgeAgent } from '../../edge/agent.ts';
import type { Hub } from '../../hub/server.ts';
import {
  LiveWatcher,
  bandTopic,
  connectBand,
  edgeToken,
  login,
  site,
  startEdge,
  startHub,
  temporaryFolder,
  waitUntil,
} from '../support/spine.ts';

const minute = 60_000;

describe('elderly-care alerts through a real edge and hub', () => {
  const folder = temporaryFolder('elderly-e2e');
  let hub: Hub;
  let hubUrl: string;
  let edge: EdgeAgent;
  let band: MqttClient;
  let watcher: LiveWatcher;

  beforeEach(async () => {
    ({ hub, url: hubUrl } = await startHub(`${folder.path}/hub`));
    const care = {
      // 1.2 s, so that the real timer path runs within the test.
      defaults: { removedMinutes: 0.02 },
      bands: [{ band: 'band-001', heartRateBpm: { min: 50, max: 100 } }],
    };
    edge = await startEdge(`${folder.path}/edge`, hubUrl, ['band-001', 'band-002'], { care });
    band = await connectBand(edge.mqttPort, 'band-001');
    watcher = await LiveWatcher.open(hubUrl, await login(hubUrl));
  });

  afterEach(async () => {
    watcher.close();
    await band.endAsync();
    await edge.stop();
    await hub.stop();
    folder.remove();
  });

  function telemetry(minutesAgo: number, fields: Record<string, unknown>): string {
    return JSON.stringify({
      time: new Date(Date.now() - minutesAgo * minute).toISOString(),
      ...fields,
    });
  }

  it('a heart rate that stays high is one alert at the police room that turns critical', async () => {
    for (let minutesAgo = 25; minutesAgo >= 0; minutesAgo--) {
      const payload = telemetry(minutesAgo, { heartRateBpm: 118, worn: true });
      await band.publishAsync(bandTopic('band-001', 'telemetry'), payload, { qos: 1 });
    }
    const critical = await watcher.waitFor(
      (a) => a.type === 'heart_rate' && a.severity === 'critical',
    );
    const created = watcher.messages.filter(
      (m) => m.alert.type === 'heart_rate' && m.change === 'created',
    );
    expect(
      created.map((m) => m.alert.severity),
      'created once, as a warning',
    ).toEqual(['warning']);
    expect(created[0]!.alert.id, 'the critical alert is the same alert').toBe(critical.id);
    expect(critical.evidence, 'with the newest evidence').toMatchObject({
      value: 118,
      minutes: 20,
    });

    const token = await login(hubUrl);
    const detail = (await (
      await fetch(`${hubUrl}/api/alerts/${critical.id}`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as { audit: { action: string; detail: unknown }[] };
    const edgeActions = detail.audit
      .map((entry) => entry.action)
      .filter((action) => action === 'raised' || action === 'severity_raised');
    expect(edgeActions, 'raised once, its severity raised once').toEqual([
      'raised',
      'severity_raised',
    ]);
    expect(await hub.store.listAlerts({ type: 'heart_rate' })).toHaveLength(1);
  });

  it('readings published all at once make one alert, not one each', async () => {
    const publishes = [];
    for (let minutesAgo = 12; minutesAgo >= 0; minutesAgo--) {
      const payload = telemetry(minutesAgo, { spo2Percent: 90 });
      publishes.push(band.publishAsync(bandTopic('band-001', 'telemetry'), payload, { qos: 1 }));
    }
    await Promise.all(publishes);
    await watcher.waitFor((a) => a.type === 'low_spo2');
    await waitUntil(() => edge.outbox!.size() === 0, 'the edge sent everything');
    const alerts = await hub.store.listAlerts({ type: 'low_spo2' });
    expect(alerts, 'one standing condition, one alert').toHaveLength(1);
    expect(alerts[0]!.occurrences, 'raised once, not re-sent per reading').toBe(1);
  });

  it('the same condition sent twice at once by the edge is one alert at the hub', async () => {
    const raised = {
      type: 'inactivity',
      severity: 'warning',
      site,
      edgeId: 'home-1',
      subject: { kind: 'band', id: 'band-002' },
      dedupKey: `${site}/band/band-002/inactivity`,
      raisedAt: new Date().toISOString(),
    };
    const post = (key: string) =>
      fetch(`${hubUrl}/api/edge/ingest`, {
        method: 'POST',
        headers: { authorization: `Bearer ${edgeToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ items: [{ key, kind: 'alert', body: raised }] }),
      });
    const responses = await Promise.all([post('race-key-0001'), post('race-key-0002')]);
    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    const alerts = await hub.store.listAlerts({ type: 'inactivity' });
    expect(alerts, 'one alert for two racing raises').toHaveLength(1);
    expect(alerts[0]!.occurrences).toBe(2);
  });

  it('a band left off the wrist warns after its minutes and resolves when worn again', async () => {
    await band.publishAsync(bandTopic('band-001', 'telemetry'), telemetry(0, { worn: false }), {
      qos: 1,
    });
    const removed = await watcher.waitFor((a) => a.type === 'band_removed');
    expect(removed.severity).toBe('warning');
    expect(removed.evidence, 'the warning says since when').toHaveProperty('removedSince');

    await band.publishAsync(bandTopic('band-001', 'telemetry'), telemetry(0, { worn: true }), {
      qos: 1,
    });
    await watcher.waitFor((a) => a.id === removed.id && a.state === 'resolved');
  });
});

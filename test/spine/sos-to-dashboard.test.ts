import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { EdgeAgent } from '../../edge/agent.ts';
import type { Hub } from '../../hub/server.ts';
import {
  LiveWatcher,
  bandTopic,
  connectBand,
  login,
  sos,
  startEdge,
  startHub,
  temporaryFolder,
  waitUntil,
} from '../support/spine.ts';

describe('an SOS from a wristband', () => {
  const folder = temporaryFolder('spine');
  let hub: Hub;
  let hubUrl: string;
  let edge: EdgeAgent;
  let band: MqttClient;
  let watcher: LiveWatcher;

  beforeEach(async () => {
    ({ hub, url: hubUrl } = await startHub(`${folder.path}/hub`));
    // Band removal warns at once here; its waiting time is tested in test/elderly.
    const care = { defaults: { removedMinutes: 0 } };
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

  it('reaches the dashboard, and acknowledging it tells the band help is coming', async () => {
    await waitUntil(() => edge.commandChannelOpen, 'the edge command channel is open');
    const commands: { topic: string; payload: Record<string, unknown> }[] = [];
    band.on('message', (topic, payload) => {
      commands.push({ topic, payload: JSON.parse(payload.toString()) as Record<string, unknown> });
    });
    await band.subscribeAsync(bandTopic('band-001', 'command'), { qos: 1 });

    await band.publishAsync(bandTopic('band-001', 'event'), sos(), { qos: 1 });
    const alert = await watcher.waitFor((a, change) => a.type === 'sos' && change === 'created');
    expect(alert.severity, 'an SOS is critical').toBe('critical');
    expect(alert.subject, 'the alert names the band').toEqual({ kind: 'band', id: 'band-001' });
    expect(alert.state).toBe('new');

    const token = await login(hubUrl);
    const response = await fetch(`${hubUrl}/api/alerts/${alert.id}/acknowledge`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status, await response.clone().text()).toBe(200);
    await watcher.waitFor((a) => a.id === alert.id && a.state === 'acknowledged');

    await waitUntil(() => commands.length > 0, 'the band received a command');
    expect(commands[0]!.topic).toBe(bandTopic('band-001', 'command'));
    expect(commands[0]!.payload, 'the band is told help is coming').toMatchObject({
      kind: 'help_coming',
      alertId: alert.id,
    });

    const detail = (await (
      await fetch(`${hubUrl}/api/alerts/${alert.id}`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as { audit: { actor: string; action: string }[] };
    // Escalation steps (actor "haven") are audited too; this test is about people.
    const byPeople = detail.audit.filter((entry) => entry.actor !== 'haven');
    expect(byPeople.map((entry) => `${entry.actor}:${entry.action}`)).toEqual([
      'edge:home-1:raised',
      'duty:acknowledged',
    ]);
  });

  it('repeated presses while the alert is open are one alert with a count', async () => {
    for (let press = 0; press < 5; press++) {
      await band.publishAsync(bandTopic('band-001', 'event'), sos(), { qos: 1 });
    }
    await watcher.waitFor((a) => a.type === 'sos' && a.occurrences === 5);
    const alerts = await hub.store.listAlerts({ type: 'sos' });
    expect(alerts, 'five presses make one alert').toHaveLength(1);
  });

  it('a band taken off is one warning until it is worn again, then it resolves', async () => {
    const off = { time: new Date().toISOString(), worn: false, heartRateBpm: 0 };
    for (let sample = 0; sample < 4; sample++) {
      await band.publishAsync(bandTopic('band-001', 'telemetry'), JSON.stringify(off), { qos: 1 });
    }
    const removed = await watcher.waitFor((a) => a.type === 'band_removed');
    expect(removed.severity).toBe('warning');

    const on = { time: new Date().toISOString(), worn: true, heartRateBpm: 72 };
    await band.publishAsync(bandTopic('band-001', 'telemetry'), JSON.stringify(on), { qos: 1 });
    await watcher.waitFor((a) => a.id === removed.id && a.state === 'resolved');
    expect(await hub.store.listAlerts({ type: 'band_removed' })).toHaveLength(1);
  });

  it('low battery is a notice; a fall is critical', async () => {
    const low = { time: new Date().toISOString(), batteryPercent: 12 };
    await band.publishAsync(bandTopic('band-001', 'telemetry'), JSON.stringify(low), { qos: 1 });
    const battery = await watcher.waitFor((a) => a.type === 'low_battery');
    expect(battery.severity).toBe('info');

    const fall = JSON.stringify({ time: new Date().toISOString(), kind: 'fall' });
    await band.publishAsync(bandTopic('band-001', 'event'), fall, { qos: 1 });
    const fallAlert = await watcher.waitFor((a) => a.type === 'fall');
    expect(fallAlert.severity).toBe('critical');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
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

describe('the edge broker lets each band touch only its own topics', () => {
  const folder = temporaryFolder('access');
  let hub: Hub;
  let hubUrl: string;
  let edge: EdgeAgent;
  let watcher: LiveWatcher;

  beforeAll(async () => {
    const started = await startHub(`${folder.path}/hub`);
    hub = started.hub;
    hubUrl = started.url;
    edge = await startEdge(`${folder.path}/edge`, started.url, ['band-001', 'band-002']);
    watcher = await LiveWatcher.open(started.url, await login(started.url));
  });

  afterAll(async () => {
    watcher.close();
    await edge.stop();
    await hub.stop();
    folder.remove();
  });

  it('refuses a wrong password and counts it', async () => {
    const before = edge.counters.rejected.get('bad credentials') ?? 0;
    await expect(connectBand(edge.mqttPort, 'band-001', 'not-the-secret')).rejects.toThrow(
      /Bad username or password/,
    );
    expect(edge.counters.rejected.get('bad credentials'), 'refusal is counted').toBe(before + 1);
  });

  it('refuses an unknown device and a client id that is not the device', async () => {
    await expect(connectBand(edge.mqttPort, 'band-999', 'secret-of-band-999')).rejects.toThrow(
      /Bad username or password/,
    );
    await expect(
      mqtt.connectAsync(`mqtt://127.0.0.1:${edge.mqttPort}`, {
        clientId: 'band-002',
        username: 'band-001',
        password: 'secret-of-band-001',
        reconnectPeriod: 0,
      }),
      'band-001 may not take over band-002 session',
    ).rejects.toThrow(/Bad username or password/);
  });

  it('refuses a subscription to # or to another band, keeping the connection', async () => {
    const band = await connectBand(edge.mqttPort, 'band-001');
    await expect(band.subscribeAsync('#', { qos: 1 })).rejects.toThrow();
    await expect(
      band.subscribeAsync(bandTopic('band-002', 'command'), { qos: 1 }),
    ).rejects.toThrow();
    const granted = await band.subscribeAsync(bandTopic('band-001', 'command'), { qos: 1 });
    expect(granted[0]?.qos, 'its own command topic is granted').toBe(1);
    await band.endAsync();
  });

  it('disconnects a band that publishes as another band, and raises nothing', async () => {
    const band = await connectBand(edge.mqttPort, 'band-001');
    const closed = new Promise<void>((resolve) => band.once('close', () => resolve()));
    band.publish(bandTopic('band-002', 'event'), sos(), { qos: 0 });
    await closed;
    band.end(true);
    expect(edge.counters.rejected.get('publish outside own topics')).toBeGreaterThanOrEqual(1);
    expect(await hub.store.listAlerts({ type: 'sos' }), 'no alert for band-002').toHaveLength(0);
  });

  it('rejects and counts malformed messages while a good band keeps working', async () => {
    const noisy = await connectBand(edge.mqttPort, 'band-002');
    const good = await connectBand(edge.mqttPort, 'band-001');
    const bad = [
      'this is not json',
      '{"time": "yesterday", "kind": "explode"}',
      JSON.stringify({ time: new Date().toISOString(), kind: 'explode' }),
      JSON.stringify({ time: new Date().toISOString(), heartRateBpm: -5 }),
      JSON.stringify({ time: new Date().toISOString(), extra: true }),
      Buffer.from([0xff, 0xfe, 0x00, 0x81]),
    ];
    for (const payload of bad.slice(0, 3)) {
      await noisy.publishAsync(bandTopic('band-002', 'event'), payload, { qos: 1 });
    }
    for (const payload of bad.slice(3)) {
      await noisy.publishAsync(bandTopic('band-002', 'telemetry'), payload, { qos: 1 });
    }
    await good.publishAsync(bandTopic('band-001', 'event'), sos(), { qos: 1 });
    const alert = await watcher.waitFor((a) => a.type === 'sos' && a.subject.id === 'band-001');
    expect(alert.severity).toBe('critical');

    const rejected = edge.counters.snapshot().rejected;
    expect(rejected['payload is not JSON'], 'two payloads were not JSON').toBe(2);
    expect(rejected['event invalid'], 'two events broke the schema').toBe(2);
    expect(rejected['telemetry invalid'], 'two telemetry samples broke the schema').toBe(2);
    expect(noisy.connected, 'a band that sends junk stays connected').toBe(true);
    await waitUntil(async () => (await hub.store.listAlerts({})).length >= 1, 'alert stored');
    const bandTwoAlerts = (await hub.store.listAlerts({})).filter(
      (a) => a.subject.id === 'band-002',
    );
    expect(bandTwoAlerts, 'junk raised nothing').toHaveLength(0);
    await noisy.endAsync();
    await good.endAsync();
  });

  it('reports a band offline at the hub when it drops without goodbye', async () => {
    const token = await login(hubUrl);
    const band = await connectBand(edge.mqttPort, 'band-002');
    await band.publishAsync(bandTopic('band-002', 'status'), 'online', { qos: 1, retain: true });
    await waitUntil(async () => (await deviceOnline(hubUrl, token, 'band-002')) === true, 'online');

    band.stream.destroy();
    band.end(true);
    await waitUntil(
      async () => (await deviceOnline(hubUrl, token, 'band-002')) === false,
      'offline',
    );
  });
});

async function deviceOnline(
  hubUrl: string,
  token: string,
  id: string,
): Promise<boolean | null | undefined> {
  const response = await fetch(`${hubUrl}/api/devices`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const devices = (await response.json()) as { deviceId: string; online: boolean | null }[];
  return devices.find((device) => device.deviceId === id)?.online;
}

import { afterEach, describe, expect, it } from 'vitest';
import { Hub } from '../../hub/server.ts';
import { silentLogger } from '../../common/log.ts';
import {
  LiveWatcher,
  bandTopic,
  connectBand,
  hubConfig,
  login,
  operator,
  sos,
  startEdge,
  startHub,
  temporaryFolder,
  viewer,
  waitUntil,
} from '../support/spine.ts';

const now = (): string => new Date().toISOString();

describe('the spine holds against what a careless or hostile world sends it', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function spine(bands = ['band-001', 'band-002']) {
    const folder = temporaryFolder('hardening');
    cleanups.push(() => folder.remove());
    const { hub, url } = await startHub(`${folder.path}/hub`);
    cleanups.push(() => hub.stop());
    const edge = await startEdge(`${folder.path}/edge`, url, bands);
    cleanups.push(() => edge.stop());
    const token = await login(url);
    const watcher = await LiveWatcher.open(url, token);
    cleanups.push(() => watcher.close());
    return { folder, hub, url, edge, token, watcher };
  }

  it('an SOS with an unusable time is taken at its arrival time; telemetry is refused', async () => {
    const { edge, hub, watcher } = await spine();
    const band = await connectBand(edge.mqttPort, 'band-001');
    cleanups.push(() => band.endAsync());
    const midnight = JSON.stringify({ time: '2026-12-04T24:00:00Z', heartRateBpm: 70 });
    await band.publishAsync(bandTopic('band-001', 'telemetry'), midnight, { qos: 1 });
    expect(edge.counters.snapshot().rejected['telemetry invalid']).toBe(1);

    for (const time of ['2026-02-30T10:00:00Z', '2026-12-04T10:00:00', 1764842400, undefined]) {
      const before = Date.now();
      await band.publishAsync(
        bandTopic('band-001', 'event'),
        JSON.stringify({ time, kind: 'sos' }),
        {
          qos: 1,
        },
      );
      const alert = await watcher.waitFor(
        (a) => a.type === 'sos' && a.updatedAt >= new Date(before - 5).toISOString(),
      );
      expect(Date.parse(alert.raisedAt), 'raised at its arrival').toBeGreaterThanOrEqual(
        before - 1000,
      );
    }
    expect(edge.counters.snapshot().rejected['event time replaced by arrival time']).toBe(4);
    const stored = await hub.store.listAlerts({ type: 'sos' });
    expect(stored, 'one SOS alert').toHaveLength(1);
    expect(stored[0]!.occurrences, 'every press counted').toBe(4);
  });

  it('closes a connection that sends a packet over the size limit', async () => {
    const { edge, watcher } = await spine();
    const noisy = await connectBand(edge.mqttPort, 'band-002');
    const good = await connectBand(edge.mqttPort, 'band-001');
    cleanups.push(() => good.endAsync());
    const closed = new Promise<void>((resolve) => noisy.once('close', () => resolve()));
    noisy.publish(bandTopic('band-002', 'telemetry'), Buffer.alloc(2 * 1024 * 1024, 0x20));
    await closed;
    noisy.end(true);
    expect(edge.counters.snapshot().rejected['packet over the size limit']).toBe(1);
    await good.publishAsync(bandTopic('band-001', 'event'), sos(), { qos: 1 });
    await watcher.waitFor((a) => a.type === 'sos' && a.subject.id === 'band-001');
  });

  it('"help is coming" waits for a band that was away, and counts only once it arrived', async () => {
    const { hub, url, edge, token, watcher } = await spine();
    const band = await connectBand(edge.mqttPort, 'band-001');
    await band.publishAsync(bandTopic('band-001', 'event'), sos(), { qos: 1 });
    const alert = await watcher.waitFor((a) => a.type === 'sos');
    await band.endAsync();

    const response = await fetch(`${url}/api/alerts/${alert.id}/acknowledge`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status, 'a bare POST acknowledges').toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await hub.store.pendingCommands('home-1'), 'not delivered yet').toHaveLength(1);

    const back = await connectBand(edge.mqttPort, 'band-001');
    cleanups.push(() => back.endAsync());
    const received = new Promise<Record<string, unknown>>((resolve) => {
      back.once('message', (_topic, payload) => resolve(JSON.parse(payload.toString())));
    });
    await back.subscribeAsync(bandTopic('band-001', 'command'), { qos: 1 });
    expect(await received).toMatchObject({ kind: 'help_coming', alertId: alert.id });
    await waitUntil(
      async () => (await hub.store.pendingCommands('home-1')).length === 0,
      'the hub learned the band has it',
    );
  });

  it('another SOS press after acknowledgement sounds the wall again', async () => {
    const { url, edge, token, watcher } = await spine();
    const band = await connectBand(edge.mqttPort, 'band-001');
    cleanups.push(() => band.endAsync());
    await band.publishAsync(bandTopic('band-001', 'event'), sos(), { qos: 1 });
    const alert = await watcher.waitFor((a) => a.type === 'sos');
    await fetch(`${url}/api/alerts/${alert.id}/acknowledge`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    await watcher.waitFor((a) => a.id === alert.id && a.state === 'acknowledged');

    await band.publishAsync(bandTopic('band-001', 'event'), sos(), { qos: 1 });
    const again = await watcher.waitFor((a) => a.id === alert.id && a.occurrences === 2);
    expect(again.state, 'the alert is new again').toBe('new');
  });

  it('staff removed from the config lose access; a demotion takes effect at once', async () => {
    const folder = temporaryFolder('staff');
    cleanups.push(() => folder.remove());
    let { hub, url } = await startHub(`${folder.path}/hub`);
    const operatorToken = await login(url);
    const viewerToken = await login(url, viewer);
    await hub.stop();

    // Another port: a fresh origin, so no pooled connection to the old hub is reused.
    const config = hubConfig(`${folder.path}/hub`, 0);
    config.staff = [{ ...config.staff[0]!, role: 'viewer' }];
    hub = new Hub(config, silentLogger());
    url = await hub.start();
    cleanups.push(() => hub.stop());

    const asViewer = await fetch(`${url}/api/auth/me`, {
      headers: { authorization: `Bearer ${viewerToken}` },
    });
    expect(asViewer.status, 'a removed account has no session').toBe(401);
    const me = (await (
      await fetch(`${url}/api/auth/me`, {
        headers: { authorization: `Bearer ${operatorToken}` },
      })
    ).json()) as { role: string };
    expect(me.role, 'the demoted operator is a viewer now').toBe('viewer');
    void operator;
  });

  it('logging out closes the live socket before anything more is pushed', async () => {
    const { url, edge, token, watcher } = await spine();
    const closed = new Promise<number>((resolve) => watcher.socket.once('close', resolve));
    await fetch(`${url}/api/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    const band = await connectBand(edge.mqttPort, 'band-001');
    cleanups.push(() => band.endAsync());
    await band.publishAsync(bandTopic('band-001', 'event'), sos(), { qos: 1 });
    expect(await closed, 'closed for an ended session').toBe(4401);
    expect(watcher.messages, 'nothing was pushed after logout').toHaveLength(0);
  });

  it('refuses a live connection from a page of another origin', async () => {
    const { url, token } = await spine();
    const { default: WebSocket } = await import('ws');
    const socket = new WebSocket(url.replace(/^http/, 'ws') + '/api/live', {
      headers: { authorization: `Bearer ${token}`, origin: 'http://evil.example' },
    });
    socket.on('error', () => undefined);
    const status = await new Promise<number>((resolve) => {
      socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.on('open', () => resolve(101));
    });
    socket.terminate();
    expect(status).toBe(403);
  });

  it('answers unknown routes and internal failures with a code, never internals', async () => {
    const { url, token } = await spine();
    const missing = await fetch(`${url}/api/no-such-thing`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { code: string }).code).toBe('HAVEN_NOT_FOUND');
    const unauthenticated = await fetch(`${url}/api/alerts/x/resolve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"wrong": true}',
    });
    expect(unauthenticated.status, 'who you are is asked before the body is read').toBe(401);
    void now;
  });
});

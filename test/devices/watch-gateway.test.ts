import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../common/config.ts';
import { silentLogger } from '../../common/log.ts';
import { WatchDirectory } from '../../devices/watch/directory.ts';
import { WatchGateway } from '../../devices/watch/gateway.ts';
import { EdgeAgent } from '../../edge/agent.ts';
import { EdgeConfig } from '../../edge/config.ts';
import { DeviceRegistry } from '../../edge/devices/registry.ts';
import { EdgeCounters } from '../../edge/metrics.ts';
import type { Hub } from '../../hub/server.ts';
import {
  LiveWatcher,
  edgeToken,
  login,
  registeredBand,
  site,
  startHub,
  temporaryFolder,
  waitUntil,
} from '../support/spine.ts';
import { SeededRandom } from '../support/seeded-random.ts';
import { WatchClient } from '../support/watch-client.ts';
import { loadWatchCases } from '../support/watch-cases.ts';

const cases = loadWatchCases();
const rawOf = (id: string): string => cases.find((c) => c.id === id)!.raw!;

/** wc-016: an SOS from watch 8809008845, no GPS fix, seven cells. */
const sosFrame = rawOf('wc-016');
const sosAck = '[3G*8809008845*0002*AL]';
const keepAlive = '[3G*9705141740*0009*LK,0,0,53]';
const keepAliveAck = '[3G*9705141740*0002*LK]';

describe('the watch gateway of the edge', () => {
  const folder = temporaryFolder('watch-gateway');
  const clients: WatchClient[] = [];
  let hub: Hub;
  let hubUrl: string;
  let edge: EdgeAgent;
  let edgeStopped = false;
  let watcher: LiveWatcher;

  async function client(): Promise<WatchClient> {
    const opened = await WatchClient.open(edge.watchPort);
    clients.push(opened);
    return opened;
  }

  beforeAll(async () => {
    ({ hub, url: hubUrl } = await startHub(`${folder.path}/hub`));
    const config = parseConfig(
      EdgeConfig,
      {
        edgeId: 'home-1',
        site,
        dataDir: `${folder.path}/edge`,
        mqtt: { host: '127.0.0.1', port: 0 },
        hub: { url: hubUrl, token: edgeToken, maxBackoffMs: 500 },
        devices: [
          { ...registeredBand('band-zhang'), watchId: '8809008845' },
          { ...registeredBand('band-li'), watchId: '9705141740' },
          { ...registeredBand('band-wang'), watchId: '353456789012345' },
          { ...registeredBand('band-zhao'), watchId: '353456789012346' },
        ],
        watchGateway: { host: '127.0.0.1', port: 0 },
      },
      'watch gateway test edge',
    );
    edge = new EdgeAgent(config, silentLogger());
    await edge.start();
    watcher = await LiveWatcher.open(hubUrl, await login(hubUrl));
  });

  afterAll(async () => {
    for (const opened of clients) opened.close();
    watcher.close();
    if (!edgeStopped) await edge.stop();
    await hub.stop();
    folder.remove();
  });

  it('an SOS frame reaches the police room, is acknowledged, and garbage next door harms nothing', async () => {
    expect(edge.watchPort, 'the gateway listens on its own port').toBeGreaterThan(0);
    expect(edge.watchPort).not.toBe(edge.mqttPort);
    const neighbour = await client();
    neighbour.send(keepAlive);
    await neighbour.waitForReply(keepAliveAck);

    const garbage = await client();
    const random = new SeededRandom(316);
    const noise = setInterval(() => {
      garbage.send(random.bytes(random.integer(1, 300)));
      garbage.send('[3G*9705141740*00FF*UD,99,[[x]*,]IWAP10#[ZJ*1*');
    }, 2);

    try {
      const watch = await client();
      watch.send(sosFrame);
      await watch.waitForReply(sosAck);
      const queued = edge.outbox!.peek(1000).some((item) => item.kind === 'band_event');
      const delivered = (await hub.store.listAlerts({ type: 'sos' })).length > 0;
      expect(queued || delivered, 'answered only once the SOS was stored').toBe(true);

      const alert = await watcher.waitFor(
        (a, change) => a.type === 'sos' && change === 'created' && a.subject.id === 'band-zhang',
      );
      expect(alert.severity, 'an SOS is critical').toBe('critical');
      expect(alert.subject).toEqual({ kind: 'band', id: 'band-zhang' });

      neighbour.received = '';
      neighbour.send(rawOf('wc-050'));
      await neighbour.waitForReply(keepAliveAck);
      expect(neighbour.closed, 'the neighbour was never cut off').toBe(false);
      expect(watch.closed, 'the SOS watch was never cut off').toBe(false);
    } finally {
      clearInterval(noise);
    }

    const rejected = edge.counters.snapshot().rejected;
    expect(rejected['watch: garbage between frames'], 'garbage is counted').toBeGreaterThan(0);
  });

  it('an unregistered watch is refused and only its own connection is closed', async () => {
    const stranger = await client();
    const neighbour = await client();
    neighbour.send(keepAlive);
    await neighbour.waitForReply(keepAliveAck);

    stranger.send('[3G*1234567890*0009*LK,0,0,50]');
    await stranger.waitForClose();
    expect(stranger.received, 'no answer to a stranger').toBe('');
    expect(edge.counters.snapshot().rejected['watch: unknown device']).toBeGreaterThan(0);

    neighbour.received = '';
    neighbour.send(keepAlive);
    await neighbour.waitForReply(keepAliveAck);
  });

  it('an IW watch logs in, and its SOS (AP10 alarm 01) reaches the police room', async () => {
    const watch = await client();
    watch.send('IWAP00353456789012345,89860117,460011#');
    await watch.waitForReply('#');
    expect(watch.received, 'login answered with clock and zone').toMatch(/^IWBP00,\d{14},8#$/);
    watch.send(`${rawOf('wc-058')}#`);
    await watch.waitForReply('IWBP10#');
    const alert = await watcher.waitFor(
      (a, change) => a.type === 'sos' && change === 'created' && a.subject.id === 'band-wang',
    );
    expect(alert.severity).toBe('critical');
  });

  it('a TRV watch that leaves out the # is answered after a quiet spell', async () => {
    const watch = await client();
    watch.send('TRVAP00353456789012346');
    await watch.waitForReply('TRVBP00#');
    watch.send(rawOf('wc-078'));
    await watch.waitForReply('TRVBP01#');
  });

  it('stopping the edge closes the gateway and every watch connection', async () => {
    const watch = await client();
    watch.send(keepAlive);
    await watch.waitForReply(keepAliveAck);
    const port = edge.watchPort;

    await edge.stop();
    edgeStopped = true;
    await watch.waitForClose();
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
    expect(refused, 'nothing listens on the port any more').toBe(true);
    await waitUntil(() => clients.every((opened) => opened.closed), 'all connections closed');
  });
});

describe('watch connections are bounded', () => {
  /** Connection limits do not depend on storage: this sink stores nothing and says so. */
  const refusingSink = { accept: () => 'not stored in this test' };
  const devices = [{ id: '9705141740', kind: 'band' as const, secretHash: 'scrypt$unused' }];
  const directory = new WatchDirectory(new DeviceRegistry(site, devices), devices);

  it('closes a silent connection after the idle timeout and refuses past the limit', async () => {
    const gateway = new WatchGateway(refusingSink, directory, new EdgeCounters(), silentLogger(), {
      host: '127.0.0.1',
      port: 0,
      timeZoneHours: 8,
      idleTimeoutMs: 300,
      maxConnections: 2,
      maxFrameBytes: 4096,
    });
    const port = await gateway.start();
    const opened: WatchClient[] = [];
    try {
      const silent = await WatchClient.open(port);
      const talking = await WatchClient.open(port);
      opened.push(silent, talking);
      talking.send(keepAlive);
      await talking.waitForReply(keepAliveAck);

      const third = await WatchClient.open(port);
      opened.push(third);
      await third.waitForClose();
      expect(third.received, 'the third connection is over the limit').toBe('');

      await silent.waitForClose();
      await waitUntil(() => gateway.connectionCount < 2, 'the closed connection is forgotten');
    } finally {
      for (const client of opened) client.close();
      await gateway.stop();
    }
    expect(gateway.connectionCount).toBe(0);
  });
});

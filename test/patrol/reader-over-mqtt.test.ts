// A real checkpoint reader: mqtt.js against the edge's aedes, the edge's
// outbox and uplink to a real hub, the hub's evaluator and live push.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { RoundView } from '../../common/contracts/patrol.ts';
import type { EdgeAgent } from '../../edge/agent.ts';
import type { Hub } from '../../hub/server.ts';
import { LiveWatcher, temporaryFolder, waitUntil } from '../support/spine.ts';
import {
  HubClient,
  admin,
  connectReader,
  guard,
  operator,
  planNight,
  scanTopic,
  shanghaiClock,
  startPatrolEdge,
  startPatrolHub,
} from '../support/patrol.ts';

interface ScanRow {
  tag: string;
  guard: string;
  reader: string;
  scannedAt: string;
  problem: string | null;
}

describe('a patrol reader over MQTT', () => {
  const folder = temporaryFolder('patrol-reader');
  let hub: Hub;
  let url: string;
  let edge: EdgeAgent;
  let reader: MqttClient;
  let duty: HubClient;
  let watcher: LiveWatcher;

  beforeAll(async () => {
    ({ hub, url } = await startPatrolHub(`${folder.path}/hub`));
    // A round starting in a minute or two, so that scans made now count for it.
    await planNight(await HubClient.login(hub, admin, url), {
      firstRound: shanghaiClock(2),
      until: shanghaiClock(4 * 60),
      everyMinutes: 180,
    });
    edge = await startPatrolEdge(`${folder.path}/edge`, url);
    reader = await connectReader(edge.mqttPort);
    duty = await HubClient.login(hub, operator, url);
    watcher = await LiveWatcher.open(url, duty.token);
  });

  afterAll(async () => {
    watcher?.close();
    await reader?.endAsync();
    await edge?.stop();
    await hub?.stop();
    folder.remove();
  });

  async function scans(): Promise<ScanRow[]> {
    return duty.ok<ScanRow[]>('GET', '/api/patrol/scans');
  }

  it('reaches the round with its reader time; a resend is one scan; a faked pair alerts', async () => {
    const madeAt = new Date(Date.now() - 1500);
    const first = JSON.stringify({ time: madeAt.toISOString(), tag: 'TAG-1', guard: 'zhang' });
    await reader.publishAsync(scanTopic(), first, { qos: 1 });
    await reader.publishAsync(scanTopic(), first, { qos: 1 });
    const tooSoon = new Date(madeAt.getTime() + 2000).toISOString();
    await reader.publishAsync(
      scanTopic(),
      JSON.stringify({ time: tooSoon, tag: 'TAG-2', guard: guard.username }),
      { qos: 1 },
    );

    const alert = await watcher.waitFor((a) => a.type === 'patrol_scan_too_fast');
    expect(alert.subject, 'the alert names the second checkpoint').toEqual({
      kind: 'patrol',
      id: 'cp-2',
    });
    expect(alert.evidence).toMatchObject({ previousCheckpointId: 'cp-1', gapSeconds: 2 });

    const stored = await scans();
    expect(
      stored.map((scan) => `${scan.tag}:${scan.guard}:${scan.reader}`),
      'the resent scan is recognised and stored once',
    ).toEqual(['TAG-1:zhang:reader-01', 'TAG-2:zhang:reader-01']);
    expect(stored[0]!.scannedAt, 'the time is the reader’s, not the arrival').toBe(
      madeAt.toISOString(),
    );

    const [round] = await duty.ok<RoundView[]>('GET', '/api/patrol/rounds');
    expect(round?.stops.slice(0, 2).map((stop) => [stop.status, stop.guard])).toEqual([
      ['on_time', 'zhang'],
      ['on_time', 'zhang'],
    ]);
  });

  it('refuses a bad scan with a counted reason and keeps the reader connected', async () => {
    await reader.publishAsync(scanTopic(), JSON.stringify({ tag: 'TAG-3' }), { qos: 1 });
    await reader.publishAsync(scanTopic(), 'not json', { qos: 1 });
    await waitUntil(
      () => (edge.counters.rejected.get('scan invalid') ?? 0) >= 2,
      'the edge counted both bad scans',
    );
    expect(reader.connected, 'the reader stays connected').toBe(true);

    const unknownTag = { time: new Date().toISOString(), tag: 'NO-SUCH-TAG', guard: 'zhang' };
    await reader.publishAsync(scanTopic(), JSON.stringify(unknownTag), { qos: 1 });
    await waitUntil(
      async () => (await scans()).some((scan) => scan.tag === 'NO-SUCH-TAG'),
      'the unknown tag reached the hub',
    );
    const unknown = (await scans()).find((scan) => scan.tag === 'NO-SUCH-TAG');
    expect(unknown?.problem, 'kept for the record, counted for no round').toBe('unknown_code');
  });

  it('refuses a reader with a wrong secret', async () => {
    await expect(connectReader(edge.mqttPort, 'wrong-secret')).rejects.toThrow(
      /Bad username or password/,
    );
  });
});

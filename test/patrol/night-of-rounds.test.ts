// A night shift under fake time (only Date and timers are faked; the hub, its
// SQLite store, its routes and the evaluator are the real ones).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Alert } from '../../common/contracts/alert.ts';
import type { RoundView, ShiftReport } from '../../common/contracts/patrol.ts';
import { LiveBus } from '../../hub/live/bus.ts';
import type { Hub } from '../../hub/server.ts';
import { edgeToken, temporaryFolder } from '../support/spine.ts';
import {
  HubClient,
  admin,
  guard,
  operator,
  planNight,
  shanghai,
  site,
  startPatrolHub,
} from '../support/patrol.ts';

const shift = '2026-12-04';
const nextDay = '2026-12-05';
const roundAt = (date: string, time: string): string =>
  `night@${new Date(shanghai(date, time)).toISOString()}`;

describe('a night of patrol rounds under fake time', () => {
  const folder = temporaryFolder('patrol-night');
  let hub: Hub;
  /** dedup key → how many times a live push announced it as created, over every hub run */
  const created = new Map<string, number>();

  async function start(): Promise<void> {
    ({ hub } = await startPatrolHub(`${folder.path}/hub`));
  }

  beforeEach(() => {
    // A spy, not a stand-in: every live bus of every hub run still emits as before.
    const emit = LiveBus.prototype.emit;
    vi.spyOn(LiveBus.prototype, 'emit').mockImplementation(function (
      this: LiveBus,
      ...args: Parameters<LiveBus['emit']>
    ) {
      const [event, alert, change] = args as [string, Alert, string];
      if (event === 'alert' && change === 'created') {
        created.set(alert.dedupKey, (created.get(alert.dedupKey) ?? 0) + 1);
      }
      return emit.apply(this, args);
    });
  });

  async function clockTo(date: string, time: string): Promise<void> {
    const target = shanghai(date, time);
    expect(target, `the test only moves time forward, to ${date} ${time}`).toBeGreaterThan(
      Date.now() - 1,
    );
    await vi.advanceTimersByTimeAsync(target - Date.now());
  }

  async function phoneScan(client: HubClient, code: string): Promise<string> {
    const reply = await client.ok<{ results: { status: string }[] }>('POST', '/api/patrol/scans', {
      scans: [{ scanId: `scan-${code}-${Date.now()}`, code, time: new Date().toISOString() }],
    });
    return reply.results[0]!.status;
  }

  /** A reader's scan as its edge forwards it. */
  async function readerScan(tag: string): Promise<void> {
    const response = await hub.app.inject({
      method: 'POST',
      url: '/api/edge/ingest',
      headers: { authorization: `Bearer ${edgeToken}` },
      payload: {
        items: [
          {
            key: `reader-item-${tag}-${Date.now()}`,
            kind: 'patrol_scan',
            body: {
              site,
              deviceKind: 'patrol',
              deviceId: 'reader-01',
              scan: { time: new Date().toISOString(), tag, guard: guard.username },
            },
          },
        ],
      },
    });
    expect(response.statusCode, response.body).toBe(200);
  }

  async function alerts(client: HubClient): Promise<Alert[]> {
    const open = await client.ok<Alert[]>('GET', '/api/alerts');
    const resolved = await client.ok<Alert[]>('GET', '/api/alerts?state=resolved');
    return [...open.filter((alert) => alert.state !== 'resolved'), ...resolved];
  }

  beforeEach(() => {
    vi.useFakeTimers({
      now: shanghai(shift, '21:30'),
      toFake: ['Date', 'setTimeout', 'clearTimeout'],
    });
  });

  afterEach(async () => {
    await hub?.stop();
    vi.useRealTimers();
    vi.restoreAllMocks();
    created.clear();
    folder.remove();
  });

  it('raises exactly one alert per skipped checkpoint, late start and faked pair, across a restart', async () => {
    await start();
    const chief = await HubClient.login(hub, admin);
    await planNight(chief, { firstRound: '22:00', until: '06:00', everyMinutes: 120 });
    let zhang = await HubClient.login(hub, guard);
    let duty = await HubClient.login(hub, operator);

    // 22:00 round: walked on time, one checkpoint through the wall reader.
    await clockTo(shift, '22:01');
    expect(await phoneScan(zhang, 'TAG-1')).toBe('recorded');
    await clockTo(shift, '22:06');
    await readerScan('TAG-2');
    await clockTo(shift, '22:11');
    await phoneScan(zhang, 'TAG-3');
    await clockTo(shift, '22:16');
    await phoneScan(zhang, 'TAG-4');
    const first = await duty.ok<RoundView>('GET', `/api/patrol/rounds/${roundAt(shift, '22:00')}`);
    expect(first.state, 'the 22:00 round is complete').toBe('completed');
    expect(first.stops.map((stop) => stop.status)).toEqual([
      'on_time',
      'on_time',
      'on_time',
      'on_time',
    ]);

    // 00:00 round, past midnight: the garage entrance (cp-3) is skipped.
    await clockTo(nextDay, '00:02');
    await phoneScan(zhang, 'TAG-1');
    await clockTo(nextDay, '00:07');
    await phoneScan(zhang, 'TAG-2');
    await clockTo(nextDay, '00:17');
    await phoneScan(zhang, 'TAG-4');
    await clockTo(nextDay, '00:21:59');
    expect(await alerts(duty), 'nothing before the window of cp-3 closes at 00:22').toEqual([]);
    await clockTo(nextDay, '00:22:00');
    const missed = await alerts(duty);
    expect(missed.map((a) => `${a.type}:${a.subject.id}`)).toEqual([
      'patrol_checkpoint_missed:cp-3',
    ]);
    expect(missed[0]!.raisedAt, 'raised as the window closed').toBe(
      new Date(shanghai(nextDay, '00:22')).toISOString(),
    );
    expect(missed[0]!.evidence).toMatchObject({ checkpoint: { id: 'cp-3', name: '地下车库入口' } });

    // The police room closes it at 00:30: the guard reports the garage gate was locked.
    await clockTo(nextDay, '00:30');
    await duty.ok('POST', `/api/alerts/${missed[0]!.id}/resolve`, { note: '车库门已锁，无法进入' });

    // The hub goes down at 00:40 and is back at 02:12, after the 02:00 round's start deadline.
    await clockTo(nextDay, '00:40');
    await hub.stop();
    await clockTo(nextDay, '02:12');
    await start();
    zhang = await HubClient.login(hub, guard);
    duty = await HubClient.login(hub, operator);
    const afterRestart = await alerts(duty);
    expect(afterRestart.map((a) => a.type).sort(), 'the missed start is caught up, once').toEqual([
      'patrol_checkpoint_missed',
      'patrol_round_not_started',
    ]);
    const notStarted = afterRestart.find((a) => a.type === 'patrol_round_not_started')!;
    expect(notStarted.subject.id).toBe(roundAt(nextDay, '02:00'));
    expect(notStarted.raisedAt).toBe(new Date(shanghai(nextDay, '02:10')).toISOString());

    // 02:00 round, started 15 minutes late and then walked completely.
    for (const [time, code] of [
      ['02:15', 'TAG-1'],
      ['02:20', 'TAG-2'],
      ['02:25', 'TAG-3'],
      ['02:30', 'TAG-4'],
    ] as const) {
      await clockTo(nextDay, time);
      await phoneScan(zhang, code);
    }
    const late = await duty.ok<RoundView>('GET', `/api/patrol/rounds/${roundAt(nextDay, '02:00')}`);
    expect(late.state).toBe('completed');
    expect(late.startDelayMinutes).toBe(15);
    const cleared = (await alerts(duty)).find((a) => a.id === notStarted.id)!;
    expect(cleared.state, 'the completed round clears its late-start alert').toBe('resolved');

    // 04:00 round: the last two checkpoints 20 s apart, where walking takes 5 minutes.
    for (const [time, code] of [
      ['04:01', 'TAG-1'],
      ['04:06', 'TAG-2'],
      ['04:11', 'TAG-3'],
      ['04:11:20', 'TAG-4'],
    ] as const) {
      await clockTo(nextDay, time);
      await phoneScan(zhang, code);
    }
    const fast = (await alerts(duty)).filter((a) => a.type === 'patrol_scan_too_fast');
    expect(fast, 'flagged as the second scan arrives').toHaveLength(1);
    expect(fast[0]!.evidence).toMatchObject({
      previousCheckpointId: 'cp-3',
      checkpointId: 'cp-4',
      gapSeconds: 20,
      expectedWalkSeconds: 300,
    });

    // The shift ends; one more restart after every deadline has passed.
    await clockTo(nextDay, '06:30');
    await hub.stop();
    await clockTo(nextDay, '06:40');
    await start();
    duty = await HubClient.login(hub, operator);

    const final = await alerts(duty);
    expect(
      final.map((a) => `${a.type}:${a.state}`).sort(),
      'exactly the expected alerts, and no others',
    ).toEqual([
      'patrol_checkpoint_missed:resolved',
      'patrol_round_not_started:resolved',
      'patrol_scan_too_fast:new',
    ]);
    for (const alert of final) {
      expect(alert.occurrences, `${alert.type} raised once`).toBe(1);
      expect(created.get(alert.dedupKey), `${alert.type} pushed live once`).toBe(1);
    }
    expect(created.size, 'no other alert was ever pushed').toBe(3);

    const report = await duty.ok<ShiftReport>('GET', `/api/patrol/reports/${shift}`);
    expect(report.rounds.map((r) => `${r.checkpointsScanned}/${r.checkpointsPlanned}`)).toEqual([
      '4/4',
      '3/4',
      '4/4',
      '4/4',
    ]);
    expect(report.rounds[1]!.missedCheckpoints).toEqual(['地下车库入口']);
    expect(report.rounds[2]!.round.startDelayMinutes).toBe(15);
    expect(report.rounds[3]!.round.anomalies.map((a) => a.kind)).toEqual(['too_fast']);
    expect(report.guards).toEqual([
      {
        guard: 'zhang',
        rounds: report.rounds.map((r) => r.round.id),
        checkpointsScanned: 15,
        lateCheckpoints: 0,
        anomalies: 1,
      },
    ]);

    const page = await hub.app.inject({
      method: 'GET',
      url: `/api/patrol/reports/${shift}/print`,
      headers: { authorization: `Bearer ${duty.token}` },
    });
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('巡更报表 · 2026-12-04 班次');
    expect(page.body, 'the skipped checkpoint is marked').toMatch(/地下车库入口.*漏巡/);
    expect(page.body).toContain('间隔过短');
  });

  it('a scan made in time but sent late keeps its time and clears its missed alert', async () => {
    await start();
    const chief = await HubClient.login(hub, admin);
    await planNight(chief, { firstRound: '22:00', until: '23:00', everyMinutes: 60 });
    const zhang = await HubClient.login(hub, guard);
    const duty = await HubClient.login(hub, operator);

    await clockTo(shift, '22:01');
    await phoneScan(zhang, 'TAG-1');
    await clockTo(shift, '22:06');
    const madeAt = new Date().toISOString();
    await clockTo(shift, '22:16');
    const raisedNow = await alerts(duty);
    expect(
      raisedNow.map((a) => `${a.type}:${a.subject.id}`),
      'the hub did not know of the scan when the window closed',
    ).toEqual(['patrol_checkpoint_missed:cp-2']);
    const raised = raisedNow[0]!;

    await clockTo(shift, '22:30');
    const queued = { scanId: 'queued-while-offline', code: 'TAG-2', time: madeAt };
    const sent = await zhang.ok<{ results: { status: string }[] }>('POST', '/api/patrol/scans', {
      scans: [queued],
    });
    expect(sent.results[0]!.status).toBe('recorded');
    const again = await zhang.ok<{ results: { status: string }[] }>('POST', '/api/patrol/scans', {
      scans: [queued],
    });
    expect(again.results[0]!.status, 'a resend is recognised').toBe('duplicate');

    const after = (await alerts(duty)).find((a) => a.id === raised.id);
    expect(after?.state, 'the scan was made in time: the alert resolves itself').toBe('resolved');
    const round = await duty.ok<RoundView>('GET', `/api/patrol/rounds/${roundAt(shift, '22:00')}`);
    expect(round.stops[1]).toMatchObject({ status: 'on_time', scannedAt: madeAt });
  });
});

// Patrol plans and who may do what, over real HTTP against a real hub.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../common/contracts/alert.ts';
import type { RoundView } from '../../common/contracts/patrol.ts';
import type { Hub } from '../../hub/server.ts';
import { temporaryFolder } from '../support/spine.ts';
import {
  HubClient,
  admin,
  checkpoints,
  guard,
  operator,
  otherGuard,
  planNight,
  shanghaiClock,
  site,
  startPatrolHub,
  viewer,
} from '../support/patrol.ts';

interface ErrorBody {
  code: string;
  message: string;
}

describe('patrol plans and roles', () => {
  const folder = temporaryFolder('patrol-plans');
  let hub: Hub;
  let url: string;
  let chief: HubClient;
  let duty: HubClient;
  let watcher: HubClient;
  let zhang: HubClient;
  let li: HubClient;

  beforeAll(async () => {
    ({ hub, url } = await startPatrolHub(`${folder.path}/hub`));
    chief = await HubClient.login(hub, admin, url);
    duty = await HubClient.login(hub, operator, url);
    watcher = await HubClient.login(hub, viewer, url);
    zhang = await HubClient.login(hub, guard, url);
    li = await HubClient.login(hub, otherGuard, url);
    await planNight(chief, {
      firstRound: shanghaiClock(2),
      until: shanghaiClock(4 * 60),
      everyMinutes: 180,
    });
  });

  afterAll(async () => {
    await hub?.stop();
    folder.remove();
  });

  const newCheckpoint = {
    site,
    name: '南门',
    location: { xM: 10, yM: -40 },
    tagId: 'TAG-SOUTH',
  };

  it('only an admin changes plans, and each change is audited', async () => {
    for (const [who, client] of [
      ['viewer', watcher],
      ['operator', duty],
      ['guard', zhang],
    ] as const) {
      const reply = await client.call('PUT', '/api/patrol/checkpoints/cp-south', newCheckpoint);
      expect(reply.status, `a ${who} may not change the plan`).toBe(403);
    }
    await chief.ok('PUT', '/api/patrol/checkpoints/cp-south', newCheckpoint);
    const listed = await watcher.ok<{ id: string }[]>('GET', '/api/patrol/checkpoints');
    expect(listed.map((c) => c.id)).toContain('cp-south');

    const trail = await hub.store.auditTrail('patrol_checkpoint:cp-south');
    expect(trail.map((entry) => `${entry.actor}:${entry.action}`)).toEqual([
      'chief:patrol_plan_saved',
    ]);
    await chief.ok('DELETE', '/api/patrol/checkpoints/cp-south');
  });

  it('refuses plans that do not fit together, saying why', async () => {
    const attempts: [string, string, unknown, number, RegExp][] = [
      [
        'a route through an unknown checkpoint',
        '/api/patrol/routes/bad',
        { site, name: 'x', ordered: true, stops: [{ checkpointId: 'nowhere', walkSeconds: 0 }] },
        400,
        /no checkpoint nowhere/,
      ],
      [
        'a walk before the first stop',
        '/api/patrol/routes/bad',
        { site, name: 'x', ordered: true, stops: [{ checkpointId: 'cp-1', walkSeconds: 60 }] },
        400,
        /first stop/,
      ],
      [
        'a tag already on another checkpoint',
        '/api/patrol/checkpoints/cp-copy',
        { ...newCheckpoint, tagId: checkpoints[0]!.tagId },
        409,
        /already on checkpoint cp-1/,
      ],
      [
        'rounds that would overlap',
        '/api/patrol/schedules/too-often',
        { routeId: 'loop', name: 'x', firstRound: '22:00', until: '06:00', everyMinutes: 20 },
        400,
        /every 20 min/,
      ],
      [
        'an unknown time zone',
        '/api/patrol/schedules/elsewhere',
        {
          routeId: 'loop',
          name: 'x',
          timeZone: 'Mars/Olympus',
          firstRound: '22:00',
          until: '06:00',
          everyMinutes: 120,
        },
        400,
        /unknown time zone Mars\/Olympus/,
      ],
      [
        'an assignment of someone who is not a guard',
        '/api/patrol/assignments/duty-night',
        { scheduleId: 'night', guard: operator.username },
        400,
        /not a staff account with role guard/,
      ],
    ];
    for (const [what, path, body, status, message] of attempts) {
      const reply = await chief.call<ErrorBody>('PUT', path, body);
      expect(reply.status, what).toBe(status);
      expect(reply.body.message, what).toMatch(message);
    }
    const inUse = await chief.call<ErrorBody>('DELETE', '/api/patrol/checkpoints/cp-1');
    expect(inUse.status, 'a checkpoint on a route cannot go').toBe(409);
    expect(inUse.body.code).toBe('HAVEN_PATROL_CONFLICT');
  });

  it('a guard posts scans and reads his own rounds, and nothing of the police room', async () => {
    for (const [method, path] of [
      ['GET', '/api/alerts'],
      ['POST', '/api/alerts/any/acknowledge'],
      ['GET', '/api/patrol/rounds'],
      ['GET', '/api/patrol/checkpoints'],
      ['GET', '/api/patrol/reports/2026-12-04'],
      ['GET', '/api/openapi.json'],
    ] as const) {
      const reply = await zhang.call(method, path, method === 'POST' ? {} : undefined);
      expect(reply.status, `a guard is refused ${method} ${path}`).toBe(403);
    }
    expect((await zhang.ok<{ role: string }>('GET', '/api/auth/me')).role).toBe('guard');

    const mine = await zhang.ok<RoundView[]>('GET', '/api/patrol/my/rounds');
    expect(mine.length, 'zhang is on the night schedule').toBeGreaterThan(0);
    expect(mine.every((round) => round.guards.includes('zhang'))).toBe(true);
    expect(await li.ok<RoundView[]>('GET', '/api/patrol/my/rounds'), 'li is not').toEqual([]);

    const scan = { scanId: 'not-a-guard-1', code: 'TAG-1', time: new Date().toISOString() };
    for (const [who, client] of [
      ['operator', duty],
      ['admin', chief],
    ] as const) {
      const reply = await client.call<ErrorBody>('POST', '/api/patrol/scans', { scans: [scan] });
      expect(reply.status, `an ${who} cannot post scans in a guard's name`).toBe(403);
      expect(reply.body.code).toBe('HAVEN_PATROL_GUARDS_ONLY');
    }
  });

  it('flags scans out of the planned order and repeats, without an alarm', async () => {
    const minutesAgo = (minutes: number): string =>
      new Date(Date.now() - minutes * 60_000).toISOString();
    const reply = await zhang.ok<{ results: { status: string }[] }>('POST', '/api/patrol/scans', {
      scans: [
        { scanId: 'scan-order-1', code: 'TAG-2', time: minutesAgo(7) },
        { scanId: 'scan-order-2', code: 'TAG-2', time: minutesAgo(6) },
        { scanId: 'scan-order-3', code: 'TAG-1', time: minutesAgo(1) },
        { scanId: 'scan-order-4', code: 'NOT-A-TAG', time: minutesAgo(1) },
      ],
    });
    expect(reply.results.map((r) => r.status)).toEqual([
      'recorded',
      'recorded',
      'recorded',
      'unknown_code',
    ]);

    const [round] = await duty.ok<RoundView[]>('GET', '/api/patrol/rounds');
    expect(
      round?.anomalies.map((a) => `${a.kind}:${a.previousCheckpointId}>${a.checkpointId}`),
    ).toEqual(['out_of_order:cp-2>cp-1']);
    expect(round?.stops[1]?.repeats, 'the second scan of cp-2 is a repeat').toBe(1);
    const alerts = await duty.ok<Alert[]>('GET', '/api/alerts');
    expect(
      alerts.filter((a) => a.type.startsWith('patrol_')),
      'flags are not alarms',
    ).toEqual([]);
  });
});

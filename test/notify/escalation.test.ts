import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Alert } from '../../common/contracts/alert.ts';
import { silentLogger } from '../../common/log.ts';
import { LiveBus, type LiveNotification } from '../../hub/live/bus.ts';
import { defaultPolicies } from '../../hub/notify/config.ts';
import { DashboardChannel } from '../../hub/notify/dashboard-channel.ts';
import { Dispatcher } from '../../hub/notify/dispatcher.ts';
import { Escalation } from '../../hub/notify/escalation.ts';
import { AlertRouter } from '../../hub/notify/routing.ts';
import { NotifyStore } from '../../hub/notify/store.ts';
import { SqliteRegistryStore } from '../../hub/registry/sqlite.ts';
import { SqliteHubStore } from '../../hub/store/sqlite.ts';
import { daughterOfZhang, duty, leader, seedCommunity, workerNorth } from '../support/community.ts';
import { site, temporaryFolder } from '../support/spine.ts';

const minute = 60_000;

/** The escalation with its real store, registry, bus and dashboard channel. */
function assemble(dataDir: string) {
  const hubStore = new SqliteHubStore(dataDir);
  const registry = new SqliteRegistryStore(hubStore.database);
  const notifyStore = new NotifyStore(hubStore.database);
  const live = new LiveBus();
  const dispatcher = new Dispatcher(
    new Map([['dashboard', new DashboardChannel(live)]]),
    notifyStore,
    hubStore,
    live,
    registry,
    silentLogger(),
  );
  const escalation = new Escalation({
    policies: defaultPolicies,
    store: notifyStore,
    hubStore,
    router: new AlertRouter(registry, (username) => hubStore.getStaff(username)),
    dispatcher,
    live,
    log: silentLogger(),
  });
  /** Notices each staff member's open dashboard received, in order. */
  const told: (LiveNotification & { username: string })[] = [];
  live.on('notification', (username, notice) => told.push({ username, ...notice }));
  for (const account of [workerNorth, daughterOfZhang, duty, leader]) {
    live.openSockets.set(account.username, 1);
  }
  dispatcher.start();
  return { hubStore, registry, notifyStore, live, dispatcher, escalation, told };
}

async function raiseSos(parts: ReturnType<typeof assemble>, bandId: string): Promise<Alert> {
  const [outcome] = await parts.hubStore.ingest('home-1', [
    {
      key: randomUUID(),
      kind: 'alert',
      body: {
        type: 'sos',
        severity: 'critical',
        site,
        edgeId: 'home-1',
        subject: { kind: 'band', id: bandId },
        dedupKey: `band:${bandId}:sos`,
        raisedAt: new Date().toISOString(),
      },
    },
  ]);
  const alert = outcome!.changedAlert!;
  parts.live.emit('alert', alert, 'created');
  await parts.escalation.whenIdle();
  return alert;
}

async function acknowledge(parts: ReturnType<typeof assemble>, alert: Alert): Promise<void> {
  const changed = await parts.hubStore.changeAlert(
    alert.id,
    { state: 'acknowledged' },
    { actor: workerNorth.username, action: 'acknowledged' },
  );
  parts.live.emit('alert', changed!, 'updated');
  await parts.escalation.whenIdle();
}

async function advance(parts: ReturnType<typeof assemble>, ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  await parts.escalation.whenIdle();
}

describe('escalation of an SOS', () => {
  const folder = temporaryFolder('escalation');
  let parts: ReturnType<typeof assemble>;

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(new Date('2026-12-04T03:00:00Z'));
    parts = assemble(`${folder.path}/${randomUUID()}`);
    await seedCommunity(parts.registry, parts.hubStore);
    await parts.escalation.start();
  });

  afterEach(async () => {
    await parts.escalation.stop();
    parts.dispatcher.stop();
    await parts.hubStore.close();
    vi.useRealTimers();
  });

  it('tells family and grid worker at once, reminds them, then the duty officer at 2 minutes', async () => {
    const alert = await raiseSos(parts, 'band-zhang');
    expect(
      parts.told.map((notice) => notice.username).sort(),
      'the daughter and the north grid worker are told at once',
    ).toEqual([daughterOfZhang.username, workerNorth.username].sort());

    await advance(parts, minute);
    expect(parts.told, 'after a minute both are reminded').toHaveLength(4);
    expect(parts.told[2]!.title, 'a reminder says so').toMatch(/提醒 1/);
    expect(
      parts.told.some((n) => n.username === duty.username),
      'not yet the duty officer',
    ).toBe(false);

    await advance(parts, minute);
    const toDuty = parts.told.filter((notice) => notice.username === duty.username);
    expect(toDuty, 'nobody acknowledged in 2 minutes: the duty officer is told').toHaveLength(1);

    await acknowledge(parts, alert);
    const countAtAcknowledge = parts.told.length;
    await advance(parts, 30 * minute);
    expect(parts.told.length, 'nothing more once acknowledged').toBe(countAtAcknowledge);
    expect(
      parts.told.some((n) => n.username === leader.username),
      'the leader never',
    ).toBe(false);

    const trail = (await parts.hubStore.auditTrail(`alert:${alert.id}`)).map((e) => e.action);
    expect(trail, 'every step is audited in order').toEqual([
      'raised',
      'escalation_started',
      'notified',
      'notified',
      'escalated',
      'notified',
      'notified',
      'reminded',
      'notified',
      'escalated',
      'acknowledged',
      'escalation_stopped',
    ]);
    const deliveries = await parts.notifyStore.deliveriesOf(alert.id);
    expect(
      deliveries.every((d) => d.status === 'sent' && d.channel === 'dashboard'),
      'each delivery is tracked as sent on the dashboard',
    ).toBe(true);
  });

  it('reaches the community leader at 5 minutes when nobody acknowledges', async () => {
    await raiseSos(parts, 'band-zhang');
    await advance(parts, 5 * minute);
    expect(parts.told.filter((n) => n.username === leader.username)).toHaveLength(1);
    await advance(parts, minute);
    expect(
      parts.told.filter((n) => n.username === leader.username),
      'the leader is then reminded with everyone else',
    ).toHaveLength(2);
  });

  it('routes by subject: a south band tells the south worker, not the north one', async () => {
    await raiseSos(parts, 'band-liu');
    expect(parts.told.map((n) => n.username)).toEqual([]);
    // li.grid has no dashboard open here, so the delivery is tracked as failed.
    const [alert] = await parts.hubStore.listAlerts({});
    const deliveries = await parts.notifyStore.deliveriesOf(alert!.id);
    expect(deliveries.map((d) => [d.recipientId, d.status])).toEqual([['li.grid', 'failed']]);
    expect(deliveries[0]!.attempts[0]!.detail).toMatch(/no dashboard open/);
  });

  it('rebuilds its timers after a restart and tells nobody twice', async () => {
    const alert = await raiseSos(parts, 'band-zhang');
    await advance(parts, 30_000);
    const dataDir = parts.hubStore.database.name.replace(/\/hub\.sqlite$/, '');
    await parts.escalation.stop();
    parts.dispatcher.stop();
    await parts.hubStore.close();

    parts = assemble(dataDir);
    await parts.escalation.start();
    expect(parts.escalation.pendingAlerts, 'the running escalation is back').toEqual([alert.id]);
    await advance(parts, 30_000);
    expect(
      parts.told.map((n) => n.title.startsWith('[提醒 1]')),
      'the first reminder comes on time; tier 0 is not sent again',
    ).toEqual([true, true]);
    await advance(parts, minute);
    expect(parts.told.filter((n) => n.username === duty.username)).toHaveLength(1);
  });
});

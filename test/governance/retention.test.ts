import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { UplinkItem } from '../../common/contracts/uplink.ts';
import { silentLogger } from '../../common/log.ts';
import { RetentionConfig } from '../../hub/governance/config.ts';
import { registerCoreHolders } from '../../hub/governance/core-holders.ts';
import { DataGovernance } from '../../hub/governance/holders.ts';
import { RetentionJob, type RetentionReport } from '../../hub/governance/retention.ts';
import { SqliteRegistryStore } from '../../hub/registry/sqlite.ts';
import { SqliteHubStore } from '../../hub/store/sqlite.ts';
import { parseConfig } from '../../common/config.ts';
import { site, temporaryFolder } from '../support/spine.ts';

const day = 24 * 3600_000;
const start = new Date('2026-12-04T03:00:00Z').getTime();
/** A tiny valid base64 JPEG stand-in; the access log stores it as bytes. */
const thumbnail = Buffer.from('jpeg thumbnail bytes').toString('base64');

function item(kind: UplinkItem['kind'], body: unknown): UplinkItem {
  return { key: randomUUID(), kind, body } as UplinkItem;
}

function access(residentId: string | undefined): UplinkItem {
  return item('access', {
    site,
    deviceKind: 'gate',
    deviceId: 'gate-b2',
    at: new Date().toISOString(),
    decision: residentId ? 'granted' : 'stranger',
    source: 'edge',
    ...(residentId && { residentId }),
    watchList: false,
    sightings: 1,
    thumbnail,
  });
}

describe('the retention job', () => {
  const folder = temporaryFolder('retention');
  let hubStore: SqliteHubStore;
  let job: RetentionJob;

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'Date'] });
    vi.setSystemTime(start);
    hubStore = new SqliteHubStore(`${folder.path}/${randomUUID()}`);
    const governance = new DataGovernance();
    const registry = new SqliteRegistryStore(hubStore.database);
    registerCoreHolders(governance, hubStore.database, registry, [{ id: 'home-1', site }]);
    const config = parseConfig(RetentionConfig, {}, 'retention defaults');
    job = new RetentionJob(config, governance, hubStore, silentLogger());

    const outcomes = await hubStore.ingest('home-1', [
      item('telemetry', {
        site,
        deviceKind: 'band',
        deviceId: 'band-zhang',
        telemetry: { time: new Date().toISOString(), heartRateBpm: 72 },
      }),
      item('alert', {
        type: 'fall',
        severity: 'critical',
        site,
        edgeId: 'home-1',
        subject: { kind: 'band', id: 'band-zhang' },
        dedupKey: 'band:band-zhang:fall',
        raisedAt: new Date().toISOString(),
        evidence: { heartRateBpm: 140 },
      }),
      access(undefined),
      access('zhang'),
    ]);
    const fall = outcomes[1]!.changedAlert!;
    await hubStore.changeAlert(
      fall.id,
      { state: 'resolved' },
      { actor: 'duty', action: 'resolved' },
    );
  });

  afterEach(async () => {
    await job.stop();
    await hubStore.close();
    vi.useRealTimers();
  });

  const count = (sql: string) => (hubStore.database.prepare(sql).get() as { n: number }).n;
  const held = () => ({
    telemetry: count('SELECT count(*) AS n FROM telemetry'),
    strangerSnapshots: count(
      'SELECT count(*) AS n FROM access_events WHERE resident_id IS NULL AND thumbnail IS NOT NULL',
    ),
    accessThumbnails: count(
      'SELECT count(*) AS n FROM access_events WHERE resident_id IS NOT NULL AND thumbnail IS NOT NULL',
    ),
    alertEvidence: count('SELECT count(*) AS n FROM alerts WHERE evidence IS NOT NULL'),
  });

  /** Lets the clock jump to `at`, then lets the hourly job run once. */
  async function runAt(at: number): Promise<RetentionReport> {
    vi.setSystemTime(at);
    const before = job.lastReport;
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    await job.settled();
    expect(job.lastReport, 'the job ran on its hourly timer').not.toBe(before);
    return job.lastReport!;
  }

  it('removes each kind once it is older than its retention, on its schedule', async () => {
    job.start();
    const fresh = await runAt(start);
    expect(held(), 'nothing is old after an hour').toEqual({
      telemetry: 1,
      strangerSnapshots: 1,
      accessThumbnails: 1,
      alertEvidence: 1,
    });
    expect(fresh.notEnforced, 'every kind has a purge').toEqual([]);

    const week = await runAt(start + 8 * day);
    expect(week.kinds.strangerSnapshots.removed, 'stranger snapshots go after 7 days').toBe(1);
    expect(held()).toMatchObject({ strangerSnapshots: 0, accessThumbnails: 1, telemetry: 1 });

    const quarter = await runAt(start + 91 * day);
    expect(quarter.kinds.accessThumbnails.removed, 'access thumbnails after 30 days').toBe(1);
    expect(quarter.kinds.telemetry.removed, 'telemetry after 90 days').toBe(1);
    expect(held()).toMatchObject({ telemetry: 0, accessThumbnails: 0, alertEvidence: 1 });

    const halfYear = await runAt(start + 181 * day);
    expect(halfYear.kinds.alertEvidence.removed, 'evidence of resolved alerts after 180').toBe(1);
    expect(held()).toEqual({
      telemetry: 0,
      strangerSnapshots: 0,
      accessThumbnails: 0,
      alertEvidence: 0,
    });

    const reports = await hubStore.auditTrail('retention');
    expect(reports, 'each run is reported in the audit').toHaveLength(4);
    expect(reports[1]!.detail).toMatchObject({ removed: { strangerSnapshots: 1 } });
  });

  it('stops cleanly: no run after stop', async () => {
    job.start();
    await job.stop();
    vi.setSystemTime(start + 400 * day);
    await vi.advanceTimersByTimeAsync(3 * 60 * 60_000);
    expect(job.lastReport, 'a stopped job never runs').toBeUndefined();
    expect(held().telemetry).toBe(1);
  });
});

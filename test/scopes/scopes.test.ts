import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../common/contracts/alert.ts';
import type { Hub } from '../../hub/server.ts';
import {
  client,
  daughterOfZhang,
  raiseAlert,
  registerCommunity,
  startCommunityHub,
  workerNorth,
  workerSouth,
  type Client,
} from '../support/community.ts';
import { LiveWatcher, temporaryFolder } from '../support/spine.ts';

describe('staff scopes', () => {
  const folder = temporaryFolder('scopes');
  let hub: Hub;
  let url: string;
  let wang: Client;
  let li: Client;
  let daughter: Client;
  let zhangSos: Alert;
  let liuSos: Alert;
  let gateAlert: Alert;

  beforeAll(async () => {
    ({ hub, url } = await startCommunityHub(folder.path));
    await registerCommunity(url);
    wang = await client(url, workerNorth);
    li = await client(url, workerSouth);
    daughter = await client(url, daughterOfZhang);
    zhangSos = await raiseAlert(url, hub, { kind: 'band', id: 'band-zhang' });
    liuSos = await raiseAlert(url, hub, { kind: 'band', id: 'band-liu' });
    gateAlert = await raiseAlert(
      url,
      hub,
      { kind: 'gate', id: 'gate-b2' },
      'gate_forced',
      'warning',
    );
  });

  afterAll(async () => {
    await hub.stop();
    folder.remove();
  });

  const ids = (alerts: Alert[]) => alerts.map((alert) => alert.id).sort();

  it('a grid worker lists only the alerts of residents and places in their grid', async () => {
    const north = await wang.call<Alert[]>('GET', '/api/alerts');
    expect(north.status).toBe(200);
    expect(ids(north.body), 'north sees Zhang only').toEqual([zhangSos.id]);
    const south = await li.call<Alert[]>('GET', '/api/alerts');
    expect(ids(south.body), "south sees Liu and building 2's gate").toEqual(
      ids([liuSos, gateAlert]),
    );
  });

  it('a family member lists only their own relative’s alerts', async () => {
    const own = await daughter.call<Alert[]>('GET', '/api/alerts');
    expect(ids(own.body)).toEqual([zhangSos.id]);
  });

  it('an alert outside the scope cannot be read or acted on, and looks absent', async () => {
    const read = await wang.call<{ code: string }>('GET', `/api/alerts/${liuSos.id}`);
    expect(read.status, 'reading another grid’s alert').toBe(404);
    expect(read.body.code).toBe('HAVEN_ALERT_NOT_FOUND');
    for (const action of ['acknowledge', 'resolve', 'notes', 'assign', 'dispatch']) {
      const body = action === 'acknowledge' ? {} : { note: 'x', assignee: 'wang.grid' };
      const attempt = await daughter.call('POST', `/api/alerts/${liuSos.id}/${action}`, body);
      expect(attempt.status, `the daughter may not ${action} Liu's alert`).toBe(404);
    }
    const deliveries = await daughter.call('GET', `/api/notify/alerts/${liuSos.id}/deliveries`);
    expect(deliveries.status, 'nor see who was told about it').toBe(404);
    expect((await hub.store.getAlert(liuSos.id))!.state, 'Liu’s alert is untouched').toBe('new');
  });

  it('an alert inside the scope can be read and acknowledged', async () => {
    const read = await daughter.call<{ alert: Alert }>('GET', `/api/alerts/${zhangSos.id}`);
    expect(read.status).toBe(200);
    const acknowledged = await daughter.call<Alert>(
      'POST',
      `/api/alerts/${zhangSos.id}/acknowledge`,
      {},
    );
    expect(acknowledged.status, JSON.stringify(acknowledged.body)).toBe(200);
    expect(acknowledged.body.state).toBe('acknowledged');
  });

  it('residents are scoped the same way, and reads are audited', async () => {
    const north = await wang.call<{ id: string }[]>('GET', '/api/registry/residents');
    expect(
      north.body.map((r) => r.id),
      'the north worker sees Zhang',
    ).toEqual(['zhang']);
    const own = await daughter.call<{ id: string }[]>('GET', '/api/registry/residents');
    expect(
      own.body.map((r) => r.id),
      'the daughter sees her mother',
    ).toEqual(['zhang']);
    const other = await daughter.call('GET', '/api/registry/residents/liu');
    expect(other.status, 'not Liu').toBe(404);
    const contacts = await wang.call('GET', '/api/registry/residents/liu/contacts');
    expect(contacts.status, 'nor Liu’s contacts').toBe(404);
    const mine = await daughter.call('GET', '/api/registry/residents/zhang');
    expect(mine.status).toBe(200);
    const trail = await hub.store.auditTrail('resident:zhang');
    expect(
      trail.some((e) => e.actor === daughterOfZhang.username && e.action === 'personal_data_read'),
      'the daughter’s read is audited',
    ).toBe(true);
  });

  it('scoped staff are refused on every route that does not check scopes', async () => {
    for (const [method, path] of [
      ['GET', '/api/devices'],
      ['GET', '/api/registry/places'],
      ['GET', '/api/registry/grids'],
      ['GET', '/api/registry/households'],
      ['GET', '/api/registry/device-bindings'],
      ['GET', '/api/openapi.json'],
      ['GET', '/api/registry/residents/zhang/export'],
      ['POST', '/api/registry/residents/zhang/move-out'],
      ['PUT', '/api/registry/grids/north'],
    ] as const) {
      for (const [who, as] of [
        ['grid worker', wang],
        ['family', daughter],
      ] as const) {
        const body = method === 'PUT' ? { name: 'x', workers: [] } : undefined;
        const attempt = await as.call(method, path, body);
        expect(attempt.status, `${who} on ${method} ${path}`).toBe(403);
      }
    }
  });

  it('the live push carries only the alerts in scope', async () => {
    const northSocket = await LiveWatcher.open(url, wang.token);
    const familySocket = await LiveWatcher.open(url, daughter.token);
    const southSocket = await LiveWatcher.open(url, li.token);
    try {
      const liuFall = await raiseAlert(url, hub, { kind: 'band', id: 'band-liu' }, 'fall');
      const zhangFall = await raiseAlert(url, hub, { kind: 'band', id: 'band-zhang' }, 'fall');
      await northSocket.waitFor((alert) => alert.id === zhangFall.id);
      await familySocket.waitFor((alert) => alert.id === zhangFall.id);
      // Pushes keep their order per socket: once a later alert arrived, an
      // earlier one that was going to come has come.
      const gateLater = await raiseAlert(url, hub, { kind: 'gate', id: 'gate-b2' }, 'tailgate');
      await southSocket.waitFor((alert) => alert.id === gateLater.id);
      const seen = (watcher: LiveWatcher) => new Set(watcher.messages.map((m) => m.alert.id));
      expect(seen(northSocket).has(liuFall.id), 'north never sees Liu’s fall').toBe(false);
      expect(seen(familySocket).has(liuFall.id), 'the daughter never sees Liu’s fall').toBe(false);
      expect(seen(southSocket).has(zhangFall.id), 'south never sees Zhang’s fall').toBe(false);
    } finally {
      northSocket.close();
      familySocket.close();
      southSocket.close();
    }
  });
});

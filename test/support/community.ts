// A hub with a small registered community for registry, scope, notification
// and governance tests: two grids, a resident living alone in each, their
// family and grid workers, and helpers that talk real HTTP to the hub.
import { randomUUID } from 'node:crypto';
import { parseConfig } from '../../common/config.ts';
import { silentLogger } from '../../common/log.ts';
import { HubConfig } from '../../hub/config.ts';
import { Hub } from '../../hub/server.ts';
import type { Alert } from '../../common/contracts/alert.ts';
import { edgeToken, login, site } from './spine.ts';

export const admin = { username: 'registrar', password: 'registrar-password-1' };
export const duty = { username: 'duty', password: 'duty-password-1' };
export const workerNorth = { username: 'wang.grid', password: 'wang-password-1' };
export const workerSouth = { username: 'li.grid', password: 'li-password-1' };
export const daughterOfZhang = { username: 'zhang.daughter', password: 'daughter-password-1' };
export const leader = { username: 'chen.leader', password: 'leader-password-1' };

export function communityHubConfig(dataDir: string, extra: Record<string, unknown> = {}) {
  return parseConfig(
    HubConfig,
    {
      listen: { host: '127.0.0.1', port: 0 },
      dataDir,
      edges: [{ id: 'home-1', site, token: edgeToken }],
      staff: [
        { username: admin.username, role: 'admin', password: admin.password },
        { username: duty.username, role: 'operator', password: duty.password },
      ],
      ...extra,
    },
    'community test hub config',
  );
}

export async function startCommunityHub(
  dataDir: string,
  extra: Record<string, unknown> = {},
): Promise<{ hub: Hub; url: string }> {
  const hub = new Hub(communityHubConfig(dataDir, extra), silentLogger());
  const url = await hub.start();
  return { hub, url };
}

/** A logged-in HTTP client: call(method, path, body?) → { status, body }. */
export interface Client {
  token: string;
  call<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: T }>;
}

export async function client(
  url: string,
  account: { username: string; password: string },
): Promise<Client> {
  const token = await login(url, account);
  return {
    token,
    async call<T>(method: string, path: string, body?: unknown, headers = {}) {
      const raw = body instanceof Uint8Array || typeof body === 'string';
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined && !raw && { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body !== undefined && { body: raw ? (body as BodyInit) : JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
    },
  };
}

async function put(admin: Client, path: string, body: unknown): Promise<void> {
  const result = await admin.call('PUT', path, body);
  if (result.status !== 200) {
    throw new Error(`PUT ${path} failed: ${result.status} ${JSON.stringify(result.body)}`);
  }
}

/**
 * Registers: grids north (wang.grid) and south (li.grid); building 1 in north,
 * building 2 in south; Zhang (band-zhang, daughter with a login) in 1-1-101,
 * Liu (band-liu) in 2-1-202; a gate bound to building 2's entrance.
 */
export async function registerCommunity(url: string): Promise<Client> {
  const registrar = await client(url, admin);
  const staff = (username: string, role: string, password: string, extra = {}) =>
    put(registrar, `/api/registry/staff/${username}`, { role, password, ...extra });
  await staff(workerNorth.username, 'grid_worker', workerNorth.password);
  await staff(workerSouth.username, 'grid_worker', workerSouth.password);
  await staff(daughterOfZhang.username, 'family', daughterOfZhang.password);
  await staff(leader.username, 'operator', leader.password, { duties: ['leader'] });
  await staff(duty.username, 'operator', duty.password, { duties: ['duty_officer'] });

  await put(registrar, '/api/registry/grids/north', { name: '北区网格', workers: ['wang.grid'] });
  await put(registrar, '/api/registry/grids/south', { name: '南区网格', workers: ['li.grid'] });
  await put(registrar, '/api/registry/places/xincun', { kind: 'area', name: '新村' });
  const places: [string, string, string, string, string | null][] = [
    ['b1', 'building', '1栋', 'xincun', 'north'],
    ['b1-u1', 'unit', '1单元', 'b1', null],
    ['b1-u1-101', 'room', '101', 'b1-u1', null],
    ['b2', 'building', '2栋', 'xincun', 'south'],
    ['b2-u1', 'unit', '1单元', 'b2', null],
    ['b2-u1-202', 'room', '202', 'b2-u1', null],
  ];
  for (const [id, kind, name, parentId, gridId] of places) {
    await put(registrar, `/api/registry/places/${id}`, { kind, name, parentId, gridId });
  }
  await put(registrar, '/api/registry/households/h-101', { placeId: 'b1-u1-101' });
  await put(registrar, '/api/registry/households/h-202', { placeId: 'b2-u1-202' });
  for (const [id, name, householdId] of [
    ['zhang', '张桂兰', 'h-101'],
    ['liu', '刘德明', 'h-202'],
  ] as const) {
    const created = await registrar.call('POST', '/api/registry/residents', {
      id,
      name,
      householdId,
      gender: id === 'zhang' ? 'female' : 'male',
      birthYear: 1944,
      livesAlone: true,
      careLevel: 'watch',
      consent: { face: true, photo: true, notifyContacts: true },
    });
    if (created.status !== 200) throw new Error(`resident ${id}: ${JSON.stringify(created.body)}`);
    await put(registrar, `/api/registry/device-bindings/band/band-${id}`, { residentId: id });
  }
  await put(registrar, '/api/registry/contacts/zhang-daughter', {
    residentId: 'zhang',
    kind: 'family',
    name: '李娟',
    relation: '女儿',
    phone: '13800000001',
    username: daughterOfZhang.username,
    channels: ['dashboard', 'webhook'],
    notify: 'all',
  });
  await put(registrar, '/api/registry/device-bindings/gate/gate-b2', { placeId: 'b2' });
  return registrar;
}

/** Raises an alert as the edge would, over real HTTP; resolves with the stored alert. */
export async function raiseAlert(
  url: string,
  hub: Hub,
  subject: { kind: Alert['subject']['kind']; id: string },
  type = 'sos',
  severity: Alert['severity'] = 'critical',
): Promise<Alert> {
  const dedupKey = `${subject.kind}:${subject.id}:${type}:${randomUUID()}`;
  const response = await fetch(`${url}/api/edge/ingest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${edgeToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      items: [
        {
          key: randomUUID(),
          kind: 'alert',
          body: {
            type,
            severity,
            site,
            edgeId: 'home-1',
            subject,
            dedupKey,
            raisedAt: new Date().toISOString(),
            evidence: { heartRateBpm: 130 },
          },
        },
      ],
    }),
  });
  if (!response.ok) throw new Error(`ingest failed: ${response.status}`);
  const [alert] = (await hub.store.listAlerts({})).filter((a) => a.dedupKey === dedupKey);
  if (!alert) throw new Error('the raised alert was not stored');
  return alert;
}

/**
 * The same community written straight into the stores, for tests that drive
 * escalation with fake timers and no HTTP.
 */
export async function seedCommunity(
  registry: import('../../hub/registry/store.ts').RegistryStore,
  hubStore: import('../../hub/store/store.ts').HubStore,
): Promise<void> {
  const staff: [string, 'grid_worker' | 'family' | 'operator', ('duty_officer' | 'leader')[]][] = [
    [workerNorth.username, 'grid_worker', []],
    [workerSouth.username, 'grid_worker', []],
    [daughterOfZhang.username, 'family', []],
    [duty.username, 'operator', ['duty_officer']],
    [leader.username, 'operator', ['leader']],
  ];
  for (const [username, role, duties] of staff) {
    await hubStore.upsertStaff({ username, displayName: username, role, passwordHash: 'x' });
    await registry.upsertStaffProfile({ username, phone: null, duties, channels: ['dashboard'] });
  }
  await registry.upsertGrid({ id: 'north', name: '北区网格', workers: [workerNorth.username] });
  await registry.upsertGrid({ id: 'south', name: '南区网格', workers: [workerSouth.username] });
  await registry.upsertPlace({
    id: 'b1',
    kind: 'building',
    name: '1栋',
    parentId: null,
    gridId: 'north',
  });
  await registry.upsertPlace({
    id: 'b2',
    kind: 'building',
    name: '2栋',
    parentId: null,
    gridId: 'south',
  });
  await registry.upsertHousehold({ id: 'h-101', placeId: 'b1', name: null, phone: null });
  await registry.upsertHousehold({ id: 'h-202', placeId: 'b2', name: null, phone: null });
  for (const [id, householdId] of [
    ['zhang', 'h-101'],
    ['liu', 'h-202'],
  ] as const) {
    await registry.createResident({
      id,
      name: id,
      householdId,
      birthYear: 1944,
      livesAlone: true,
      phone: null,
      consent: { face: true, photo: true, notifyContacts: true },
    });
    await registry.bindDevice({
      deviceKind: 'band',
      deviceId: `band-${id}`,
      residentId: id,
      placeId: null,
    });
  }
  await registry.upsertContact({
    id: 'zhang-daughter',
    residentId: 'zhang',
    kind: 'family',
    name: '李娟',
    relation: '女儿',
    phone: '13800000001',
    username: daughterOfZhang.username,
    channels: ['dashboard'],
    notify: 'all',
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../hub/server.ts';
import {
  admin,
  client,
  raiseAlert,
  registerCommunity,
  startCommunityHub,
  type Client,
} from '../support/community.ts';
import { temporaryFolder } from '../support/spine.ts';

describe('the registry', () => {
  const folder = temporaryFolder('registry');
  let hub: Hub;
  let url: string;
  let registrar: Client;

  beforeAll(async () => {
    ({ hub, url } = await startCommunityHub(folder.path));
    registrar = await registerCommunity(url);
  });

  afterAll(async () => {
    await hub.stop();
    folder.remove();
  });

  it('places a resident in their household, building and grid, with contacts and band', async () => {
    const { status, body } = await registrar.call<{
      resident: { name: string; livesAlone: boolean; consent: { face: boolean } };
      household: { placeId: string };
      gridId: string;
      contacts: { relation: string; channels: string[] }[];
      devices: { deviceKind: string; deviceId: string }[];
    }>('GET', '/api/registry/residents/zhang');
    expect(status, 'the resident can be read').toBe(200);
    expect(body.resident.name).toBe('张桂兰');
    expect(body.resident.livesAlone, 'Zhang lives alone').toBe(true);
    expect(body.household.placeId).toBe('b1-u1-101');
    expect(body.gridId, 'the grid is inherited from building 1').toBe('north');
    expect(
      body.contacts.map((c) => c.relation),
      'the daughter is a contact',
    ).toEqual(['女儿']);
    expect(body.devices, 'the band is bound to Zhang').toEqual([
      { deviceKind: 'band', deviceId: 'band-zhang', residentId: 'zhang', placeId: null },
    ]);
  });

  it("routes an alert whose subject is a band to the band's resident", async () => {
    const alert = await raiseAlert(url, hub, { kind: 'band', id: 'band-liu' });
    const placement = await hub.registry.placementOf(alert.subject);
    expect(placement, 'band-liu belongs to Liu in the south grid').toEqual({
      residentId: 'liu',
      placeId: 'b2-u1-202',
      gridId: 'south',
    });
    const gate = await hub.registry.placementOf({ kind: 'gate', id: 'gate-b2' });
    expect(gate, 'a gate is placed by its binding').toEqual({
      residentId: null,
      placeId: 'b2',
      gridId: 'south',
    });
  });

  it('refuses bad input with a reason and a stable code', async () => {
    const noName = await registrar.call<{ message: string }>('POST', '/api/registry/residents', {
      householdId: 'h-101',
      birthYear: 1950,
    });
    expect(noName.status, 'a resident needs a name').toBe(400);
    expect(noName.body.message).toMatch(/name/);

    const missingHousehold = await registrar.call<{ code: string }>(
      'POST',
      '/api/registry/residents',
      { name: '王五', householdId: 'h-nowhere' },
    );
    expect(missingHousehold.status, 'an unknown household is a conflict').toBe(409);
    expect(missingHousehold.body.code).toBe('HAVEN_REGISTRY_REFERENCE');

    const cycle = await registrar.call<{ code: string }>('PUT', '/api/registry/places/b1', {
      kind: 'building',
      name: '1栋',
      parentId: 'b1-u1-101',
      gridId: 'north',
    });
    expect(cycle.status, 'a building cannot sit inside its own room').toBe(409);

    const twoTargets = await registrar.call('PUT', '/api/registry/device-bindings/band/band-x', {
      residentId: 'zhang',
      placeId: 'b1',
    });
    expect(twoTargets.status, 'a device binds to a resident or a place, not both').toBe(409);
  });

  it('only an administrator may change it', async () => {
    const operator = await client(url, { username: 'duty', password: 'duty-password-1' });
    const attempt = await operator.call('PUT', '/api/registry/grids/east', {
      name: '东区',
      workers: [],
    });
    expect(attempt.status, 'an operator may not edit the registry').toBe(403);
    const anonymous = await fetch(`${url}/api/registry/residents`);
    expect(anonymous.status, 'nobody reads it without logging in').toBe(401);
  });

  it("audits every read of a resident's personal data, by whom", async () => {
    await registrar.call('GET', '/api/registry/residents/liu');
    await registrar.call('GET', '/api/registry/residents');
    const trail = await hub.store.auditTrail('resident:liu');
    const reads = trail.filter((entry) => entry.action === 'personal_data_read');
    expect(reads.length, 'the detail read is in the resident trail').toBeGreaterThanOrEqual(1);
    expect(reads.at(-1)!.actor).toBe(admin.username);
    const lists = await hub.store.auditTrail('residents');
    expect(lists.at(-1)!.detail, 'the list read names who was listed').toMatchObject({
      residentIds: expect.arrayContaining(['liu', 'zhang']) as unknown,
    });
  });
});

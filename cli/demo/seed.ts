// Seeds the demo community through the hub's registry API, as a registrar
// would: a grid with its worker, two buildings, households, the residents who
// wear the bands with their family contacts, and a car registered to a
// household.
import type { HubClient } from './hub-client.ts';
import { demoWearers } from './night.ts';
import { demoWatches } from './watches.ts';

export const demoGridWorker = { username: 'wang.grid', password: 'grid-worker-demo-1' };
/** The car registered to household h-101: its plate is on a real picture. */
export const registeredPlate = '藏DT5022';

export async function seedCommunity(registrar: HubClient, site: string): Promise<void> {
  await registrar.expect(200, 'PUT', `/api/registry/staff/${demoGridWorker.username}`, {
    role: 'grid_worker',
    password: demoGridWorker.password,
  });
  await registrar.expect(200, 'PUT', '/api/registry/grids/north', {
    name: '北区网格',
    workers: [demoGridWorker.username],
  });
  await registrar.expect(200, 'PUT', `/api/registry/places/${site}`, {
    kind: 'area',
    name: '新村',
  });
  const places: [string, string, string, string, string | null][] = [
    ['b1', 'building', '1栋', site, 'north'],
    ['b1-u1', 'unit', '1单元', 'b1', null],
    ['b1-u1-101', 'room', '101', 'b1-u1', null],
    ['b2', 'building', '2栋', site, 'north'],
    ['b2-u1', 'unit', '1单元', 'b2', null],
    ['b2-u1-202', 'room', '202', 'b2-u1', null],
  ];
  for (const [id, kind, name, parentId, gridId] of places) {
    await registrar.expect(200, 'PUT', `/api/registry/places/${id}`, {
      kind,
      name,
      parentId,
      gridId,
    });
  }
  await registrar.expect(200, 'PUT', '/api/registry/households/h-101', { placeId: 'b1-u1-101' });
  await registrar.expect(200, 'PUT', '/api/registry/households/h-202', { placeId: 'b2-u1-202' });

  const wearers = [
    ...demoWearers.map((w) => ({ bandId: w.bandId, residentName: w.residentName })),
    ...demoWatches,
  ];
  for (const [index, wearer] of wearers.entries()) {
    const residentId = wearer.bandId.replace(/^band-/, '');
    const householdId = index % 2 === 0 ? 'h-101' : 'h-202';
    await registrar.expect(200, 'POST', '/api/registry/residents', {
      id: residentId,
      name: wearer.residentName,
      householdId,
      birthYear: 1940 + index,
      livesAlone: true,
      careLevel: 'watch',
      consent: { face: true, photo: true, notifyContacts: true },
    });
    await registrar.expect(200, 'PUT', `/api/registry/device-bindings/band/${wearer.bandId}`, {
      residentId,
    });
    await registrar.expect(200, 'PUT', `/api/registry/contacts/${residentId}-family`, {
      residentId,
      kind: 'family',
      name: `${wearer.residentName.slice(0, 1)}家女儿`,
      relation: '女儿',
      phone: `1380000${String(index).padStart(4, '0')}`,
      channels: ['dashboard'],
      notify: 'all',
    });
  }
  await registrar.expect(
    200,
    'PUT',
    `/api/vehicles/${site}/${encodeURIComponent(registeredPlate)}`,
    {
      householdId: 'h-101',
      label: '白色SUV',
    },
  );
}

// The registry's HTTP API. Administrators write; police-room staff read all;
// grid workers, family and doctors read only the residents in their scope.
// Every change is audited, and so is every read of a resident's personal data.
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { hashPassword } from '../../common/passwords.ts';
import { StaffRole } from '../config.ts';
import { isScopedRole } from '../scopes/scope.ts';
import {
  ImportUnreadable,
  RegistryConflict,
  RegistryEntryNotFound,
  RegistryReferenceMissing,
  ResidentNotFound,
} from './errors.ts';
import {
  Contact,
  DeviceBinding,
  Grid,
  Household,
  NewResident,
  Place,
  RegistryId,
  Resident,
  ResidentChange,
  StaffProfile,
} from './schemas.ts';
import { importRegistryTable, importTables } from './import.ts';
import { PlaceCycleError } from './sqlite.ts';
import type { RegistryStore } from './store.ts';

declare module 'fastify' {
  interface FastifyInstance {
    registry: RegistryStore;
  }
}

const IdParams = Type.Object({ id: RegistryId });
const BindingParams = Type.Object({
  kind: Type.String({ pattern: '^[a-z_]{1,32}$' }),
  id: Type.String({ minLength: 1, maxLength: 128 }),
});
const StaffParams = Type.Object({ username: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }) });
const StaffBody = Type.Object(
  {
    displayName: Type.Optional(Type.String({ maxLength: 64 })),
    role: StaffRole,
    /** Required for a new account; omitted keeps the current password. */
    password: Type.Optional(Type.String({ minLength: 8, maxLength: 256 })),
    phone: StaffProfile.properties.phone,
    duties: StaffProfile.properties.duties,
    channels: StaffProfile.properties.channels,
  },
  { additionalProperties: false },
);
const ResidentList = Type.Object(
  {
    status: Type.Optional(Resident.properties.status),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);
const ResidentDetail = Type.Object({
  resident: Resident,
  household: Type.Union([Household, Type.Null()]),
  gridId: Type.Union([Type.String(), Type.Null()]),
  contacts: Type.Array(Contact),
  devices: Type.Array(DeviceBinding),
});
const ok = Type.Object({ ok: Type.Boolean() });
const ImportParams = Type.Object({
  table: Type.Union(importTables.map((table) => Type.Literal(table))),
});
const ImportReportSchema = Type.Object({
  table: Type.String(),
  encoding: Type.String(),
  rows: Type.Integer(),
  imported: Type.Integer(),
  problems: Type.Array(
    Type.Object({
      line: Type.Integer(),
      column: Type.Union([Type.Integer(), Type.Null()]),
      field: Type.Union([Type.String(), Type.Null()]),
      message: Type.String(),
    }),
  ),
});

function withoutId<T extends { id: string }>(entry: T): Omit<T, 'id'> {
  return Object.fromEntries(Object.entries(entry).filter(([key]) => key !== 'id')) as Omit<T, 'id'>;
}

async function registryPlugin(app: FastifyInstance): Promise<void> {
  const { registry, store, scopes } = app;
  const admin = { preHandler: app.requireStaff('admin') };
  const policeRoom = { preHandler: app.requireStaff('viewer') };
  const anyStaff = { preHandler: app.requireStaff('viewer', { scoped: true }) };

  function actor(request: FastifyRequest): string {
    return request.staff!.username;
  }

  async function requireResident(request: FastifyRequest, id: string): Promise<Resident> {
    const resident = await registry.getResident(id);
    // Out of scope looks the same as absent, so scope does not leak who lives here.
    if (!resident || !(await scopes.canSeeResident(request.staff!, id))) {
      throw new ResidentNotFound(id);
    }
    return resident;
  }

  app.get(
    '/api/registry/grids',
    { ...policeRoom, schema: { response: { 200: Type.Array(Grid) }, tags: ['registry'] } },
    async () => registry.listGrids(),
  );
  app.put(
    '/api/registry/grids/:id',
    {
      ...admin,
      schema: { params: IdParams, body: Type.Omit(Grid, ['id']), tags: ['registry'] },
    },
    async (request) => {
      const grid = { ...(request.body as Omit<Grid, 'id'>), ...(request.params as { id: string }) };
      await registry.upsertGrid(grid);
      await store.audit(actor(request), 'registry_saved', `grid:${grid.id}`, withoutId(grid));
      return grid;
    },
  );

  app.get(
    '/api/registry/places',
    { ...policeRoom, schema: { response: { 200: Type.Array(Place) }, tags: ['registry'] } },
    async () => registry.listPlaces(),
  );
  app.put(
    '/api/registry/places/:id',
    {
      ...admin,
      schema: { params: IdParams, body: Type.Omit(Place, ['id']), tags: ['registry'] },
    },
    async (request) => {
      const place = {
        ...(request.body as Omit<Place, 'id'>),
        ...(request.params as { id: string }),
      };
      if (place.parentId !== null && !(await registry.getPlace(place.parentId))) {
        throw new RegistryReferenceMissing(`place ${place.id}`, 'place', place.parentId);
      }
      if (place.gridId !== null && !(await registry.getGrid(place.gridId))) {
        throw new RegistryReferenceMissing(`place ${place.id}`, 'grid', place.gridId);
      }
      try {
        await registry.upsertPlace(place);
      } catch (error) {
        if (error instanceof PlaceCycleError) throw new RegistryConflict(error.message);
        throw error;
      }
      await store.audit(actor(request), 'registry_saved', `place:${place.id}`, withoutId(place));
      return place;
    },
  );

  app.get(
    '/api/registry/households',
    { ...policeRoom, schema: { response: { 200: Type.Array(Household) }, tags: ['registry'] } },
    async () => registry.listHouseholds(),
  );
  app.put(
    '/api/registry/households/:id',
    {
      ...admin,
      schema: { params: IdParams, body: Type.Omit(Household, ['id']), tags: ['registry'] },
    },
    async (request) => {
      const household = {
        ...(request.body as Omit<Household, 'id'>),
        ...(request.params as { id: string }),
      };
      if (!(await registry.getPlace(household.placeId))) {
        throw new RegistryReferenceMissing(`household ${household.id}`, 'place', household.placeId);
      }
      await registry.upsertHousehold(household);
      await store.audit(actor(request), 'registry_saved', `household:${household.id}`, {
        placeId: household.placeId,
      });
      return household;
    },
  );

  app.get(
    '/api/registry/residents',
    {
      ...anyStaff,
      schema: {
        querystring: ResidentList,
        response: { 200: Type.Array(Resident) },
        tags: ['registry'],
      },
    },
    async (request) => {
      const query = request.query as Static<typeof ResidentList>;
      const scope = await scopes.scopeOf(request.staff!);
      const residents = await registry.listResidents({
        ...(query.status && { status: query.status }),
        ...(scope.kind === 'grids' && { gridIds: scope.gridIds }),
        ...(scope.kind === 'residents' && { ids: scope.residentIds }),
        limit: query.limit ?? 1000,
      });
      await store.audit(actor(request), 'personal_data_read', 'residents', {
        residentIds: residents.map((resident) => resident.id),
      });
      return residents;
    },
  );

  app.post(
    '/api/registry/residents',
    { ...admin, schema: { body: NewResident, response: { 200: Resident }, tags: ['registry'] } },
    async (request) => {
      const body = request.body as NewResident;
      if (body.id && (await registry.getResident(body.id))) {
        throw new RegistryConflict(`resident ${body.id} is already registered`);
      }
      if (body.householdId !== null && !(await registry.getHousehold(body.householdId))) {
        throw new RegistryReferenceMissing('the resident', 'household', body.householdId);
      }
      const resident = await registry.createResident(body);
      await store.audit(actor(request), 'registry_saved', `resident:${resident.id}`, {
        created: true,
        consent: resident.consent,
      });
      return resident;
    },
  );

  app.get(
    '/api/registry/residents/:id',
    {
      ...anyStaff,
      schema: { params: IdParams, response: { 200: ResidentDetail }, tags: ['registry'] },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const resident = await requireResident(request, id);
      const household = resident.householdId
        ? ((await registry.getHousehold(resident.householdId)) ?? null)
        : null;
      const placement = await registry.placementOf({ kind: 'resident', id });
      await store.audit(actor(request), 'personal_data_read', `resident:${id}`);
      return {
        resident,
        household,
        gridId: placement.gridId,
        contacts: await registry.contactsOf(id),
        devices: await registry.listBindings({ residentId: id }),
      };
    },
  );

  app.patch(
    '/api/registry/residents/:id',
    {
      ...admin,
      schema: {
        params: IdParams,
        body: ResidentChange,
        response: { 200: Resident },
        tags: ['registry'],
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const change = request.body as ResidentChange;
      await requireResident(request, id);
      if (change.householdId && !(await registry.getHousehold(change.householdId))) {
        throw new RegistryReferenceMissing(`resident ${id}`, 'household', change.householdId);
      }
      const resident = await registry.updateResident(id, change);
      await store.audit(actor(request), 'registry_saved', `resident:${id}`, {
        fields: Object.keys(change),
      });
      return resident;
    },
  );

  app.get(
    '/api/registry/residents/:id/contacts',
    {
      ...anyStaff,
      schema: { params: IdParams, response: { 200: Type.Array(Contact) }, tags: ['registry'] },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      await requireResident(request, id);
      await store.audit(actor(request), 'personal_data_read', `resident:${id}`, {
        part: 'contacts',
      });
      return registry.contactsOf(id);
    },
  );

  app.put(
    '/api/registry/contacts/:id',
    {
      ...admin,
      schema: { params: IdParams, body: Type.Omit(Contact, ['id']), tags: ['registry'] },
    },
    async (request) => {
      const contact = {
        ...(request.body as Omit<Contact, 'id'>),
        ...(request.params as { id: string }),
      };
      if (!(await registry.getResident(contact.residentId))) {
        throw new RegistryReferenceMissing(`contact ${contact.id}`, 'resident', contact.residentId);
      }
      await registry.upsertContact(contact);
      await store.audit(actor(request), 'registry_saved', `resident:${contact.residentId}`, {
        contact: contact.id,
        kind: contact.kind,
      });
      return contact;
    },
  );

  app.delete(
    '/api/registry/contacts/:id',
    { ...admin, schema: { params: IdParams, response: { 200: ok }, tags: ['registry'] } },
    async (request) => {
      const { id } = request.params as { id: string };
      const contact = await registry.getContact(id);
      if (!contact) throw new RegistryEntryNotFound('contact', id);
      await registry.deleteContact(id);
      await store.audit(actor(request), 'registry_removed', `resident:${contact.residentId}`, {
        contact: id,
      });
      return { ok: true };
    },
  );

  app.get(
    '/api/registry/device-bindings',
    {
      ...policeRoom,
      schema: { response: { 200: Type.Array(DeviceBinding) }, tags: ['registry'] },
    },
    async () => registry.listBindings({}),
  );

  app.put(
    '/api/registry/device-bindings/:kind/:id',
    {
      ...admin,
      schema: {
        params: BindingParams,
        body: Type.Omit(DeviceBinding, ['deviceKind', 'deviceId']),
        tags: ['registry'],
      },
    },
    async (request) => {
      const { kind, id } = request.params as Static<typeof BindingParams>;
      const target = request.body as Pick<DeviceBinding, 'residentId' | 'placeId'>;
      const binding = { deviceKind: kind, deviceId: id, ...target };
      if ((binding.residentId === null) === (binding.placeId === null)) {
        throw new RegistryConflict('a device is bound to exactly one of a resident or a place');
      }
      if (binding.residentId !== null && !(await registry.getResident(binding.residentId))) {
        throw new RegistryReferenceMissing(`${kind} ${id}`, 'resident', binding.residentId);
      }
      if (binding.placeId !== null && !(await registry.getPlace(binding.placeId))) {
        throw new RegistryReferenceMissing(`${kind} ${id}`, 'place', binding.placeId);
      }
      await registry.bindDevice(binding);
      await store.audit(actor(request), 'device_bound', `device:${kind}:${id}`, target);
      return binding;
    },
  );

  app.delete(
    '/api/registry/device-bindings/:kind/:id',
    { ...admin, schema: { params: BindingParams, response: { 200: ok }, tags: ['registry'] } },
    async (request) => {
      const { kind, id } = request.params as Static<typeof BindingParams>;
      if (!(await registry.unbindDevice(kind, id))) {
        throw new RegistryEntryNotFound('device binding', `${kind}:${id}`);
      }
      await store.audit(actor(request), 'device_unbound', `device:${kind}:${id}`);
      return { ok: true };
    },
  );

  // Spreadsheet bodies arrive as raw bytes: the encoding is found from the bytes.
  await app.register(async (imports) => {
    for (const type of ['text/csv', 'application/octet-stream', 'text/plain']) {
      imports.addContentTypeParser(type, { parseAs: 'buffer' }, (_request, body, done) => {
        done(null, body);
      });
    }
    imports.post(
      '/api/registry/import/:table',
      {
        ...admin,
        bodyLimit: 16 * 1024 * 1024,
        schema: { params: ImportParams, response: { 200: ImportReportSchema }, tags: ['registry'] },
      },
      async (request) => {
        const { table } = request.params as Static<typeof ImportParams>;
        if (!Buffer.isBuffer(request.body)) {
          throw new ImportUnreadable('send the file as text/csv or application/octet-stream');
        }
        const report = await importRegistryTable(registry, table, request.body);
        await store.audit(actor(request), 'registry_imported', `registry:${table}`, {
          rows: report.rows,
          imported: report.imported,
          problems: report.problems.length,
          encoding: report.encoding,
        });
        request.log.info(
          { table, rows: report.rows, imported: report.imported, problems: report.problems.length },
          'registry import finished',
        );
        return report;
      },
    );
  });

  app.put(
    '/api/registry/staff/:username',
    { ...admin, schema: { params: StaffParams, body: StaffBody, tags: ['registry'] } },
    async (request) => {
      const { username } = request.params as Static<typeof StaffParams>;
      const body = request.body as Static<typeof StaffBody>;
      const existing = await store.getStaff(username);
      if (!existing && !body.password) {
        throw new RegistryConflict(`staff ${username} is new and needs a password`);
      }
      if (isScopedRole(body.role) && body.duties.length > 0) {
        throw new RegistryConflict(`a ${body.role} cannot hold police-room duties`);
      }
      await store.upsertStaff({
        username,
        displayName: body.displayName ?? existing?.displayName ?? username,
        role: body.role,
        passwordHash: body.password ? hashPassword(body.password) : existing!.passwordHash,
      });
      const profile = { username, phone: body.phone, duties: body.duties, channels: body.channels };
      await registry.upsertStaffProfile(profile);
      await store.audit(actor(request), 'staff_saved', `staff:${username}`, {
        role: body.role,
        duties: body.duties,
        passwordChanged: body.password !== undefined,
      });
      return { ...profile, role: body.role };
    },
  );
}

export default fp(registryPlugin, {
  name: 'haven-registry',
  dependencies: ['haven-auth'],
  decorators: { fastify: ['store', 'registry', 'scopes'] },
});

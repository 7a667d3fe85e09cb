// Vehicles at the gates, for staff and for edges.
//   GET    /api/vehicles?site=&householdId=           registered vehicles (viewer)
//   PUT    /api/vehicles/:site/:plate                 register to a household (operator)
//   DELETE /api/vehicles/:site/:plate                 (operator)
//   GET    /api/vehicles/passes?site=                 passes not yet run out (viewer)
//   POST   /api/vehicles/passes                       issue a visitor pass (operator)
//   DELETE /api/vehicles/passes/:id                   revoke it (operator)
//   GET    /api/vehicles/watch-list?site=             (viewer)
//   PUT    /api/vehicles/watch-list/:site/:plate      (operator)
//   DELETE /api/vehicles/watch-list/:site/:plate      (operator)
//   GET    /api/edge/vehicles?since=N                 the edge's site's list (edge token)
// Every change is audited with who made it.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { VehicleList } from '../../common/contracts/vehicle.ts';
import { isPlate, normalisePlate } from '../../models/plates/grammar.ts';
import {
  HouseholdMissing,
  PlateInvalid,
  VehicleNotFound,
  VisitorPassInvalid,
  VisitorPassNotFound,
  WatchedPlateNotFound,
} from './errors.ts';
import type { VehicleStore } from './store.ts';

/** Longest visitor pass: a week. Longer stays are a registered vehicle. */
export const maxPassHours = 7 * 24;

const Site = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });
const HouseholdId = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$' });
/** Typed by staff: the separator dot, spaces and lower case are tolerated. */
const TypedPlate = Type.String({ minLength: 7, maxLength: 16 });
const PlateParams = Type.Object({ site: Site, plate: TypedPlate });

const VehicleBody = Type.Object(
  { householdId: HouseholdId, label: Type.Optional(Type.String({ maxLength: 64 })) },
  { additionalProperties: false },
);
const VehicleSchema = Type.Object({
  site: Type.String(),
  plate: Type.String(),
  householdId: Type.String(),
  label: Type.Union([Type.String(), Type.Null()]),
  registeredBy: Type.String(),
  registeredAt: Type.String(),
});
const PassBody = Type.Object(
  {
    site: Site,
    plate: TypedPlate,
    /** The household the visitor comes to. */
    householdId: HouseholdId,
    visitorName: Type.String({ minLength: 1, maxLength: 64 }),
    /** Default: now. */
    validFrom: Type.Optional(Type.String({ format: 'date-time' })),
    validUntil: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
const PassSchema = Type.Object({
  id: Type.String(),
  site: Type.String(),
  plate: Type.String(),
  householdId: Type.String(),
  visitorName: Type.String(),
  validFrom: Type.String(),
  validUntil: Type.String(),
  issuedBy: Type.String(),
  issuedAt: Type.String(),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
});
const WatchBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
const WatchSchema = Type.Object({
  site: Type.String(),
  plate: Type.String(),
  reason: Type.String(),
  addedBy: Type.String(),
  addedAt: Type.String(),
});
const SiteQuery = Type.Object(
  { site: Type.Optional(Site), householdId: Type.Optional(HouseholdId) },
  { additionalProperties: false },
);
const EdgeQuery = Type.Object(
  { since: Type.Integer({ minimum: 0, default: 0 }) },
  { additionalProperties: false },
);

/** The plate as stored, or a 400 naming what is wrong with it. */
function storedPlate(typed: string): string {
  const plate = normalisePlate(typed);
  if (!isPlate(plate)) {
    throw new PlateInvalid(
      `${typed} is not a plate: expected a province character, a letter and 5 or 6 ` +
        'letters or digits (no I or O), e.g. 京A12345 or 粤BD12345',
    );
  }
  return plate;
}

async function vehiclesPlugin(app: FastifyInstance, options: { store: VehicleStore }) {
  const { store } = options;
  const viewer = { preHandler: app.requireStaff('viewer') };
  const operator = { preHandler: app.requireStaff('operator') };

  async function requireHousehold(householdId: string): Promise<void> {
    if (!(await app.registry.getHousehold(householdId))) throw new HouseholdMissing(householdId);
  }

  app.get(
    '/api/vehicles',
    {
      ...viewer,
      schema: { querystring: SiteQuery, response: { 200: Type.Array(VehicleSchema) } },
    },
    async (request) => store.list(request.query as Static<typeof SiteQuery>),
  );

  app.put(
    '/api/vehicles/:site/:plate',
    {
      ...operator,
      schema: { params: PlateParams, body: VehicleBody, response: { 200: VehicleSchema } },
    },
    async (request) => {
      const params = request.params as Static<typeof PlateParams>;
      const body = request.body as Static<typeof VehicleBody>;
      const plate = storedPlate(params.plate);
      await requireHousehold(body.householdId);
      const actor = request.staff!.username;
      const vehicle = await store.register({
        site: params.site,
        plate,
        householdId: body.householdId,
        label: body.label ?? null,
        registeredBy: actor,
      });
      await app.store.audit(actor, 'vehicle_registered', `vehicle:${params.site}:${plate}`, {
        householdId: body.householdId,
      });
      request.log.info(
        { site: params.site, plate, household: body.householdId },
        'vehicle registered',
      );
      return vehicle;
    },
  );

  app.delete(
    '/api/vehicles/:site/:plate',
    { ...operator, schema: { params: PlateParams } },
    async (request) => {
      const params = request.params as Static<typeof PlateParams>;
      const plate = storedPlate(params.plate);
      if (!(await store.remove(params.site, plate))) throw new VehicleNotFound(plate, params.site);
      await app.store.audit(
        request.staff!.username,
        'vehicle_removed',
        `vehicle:${params.site}:${plate}`,
      );
      return { ok: true };
    },
  );

  app.get(
    '/api/vehicles/passes',
    { ...viewer, schema: { querystring: SiteQuery, response: { 200: Type.Array(PassSchema) } } },
    async (request) => {
      const { site } = request.query as Static<typeof SiteQuery>;
      return store.listPasses({ ...(site && { site }), nowIso: new Date().toISOString() });
    },
  );

  app.post(
    '/api/vehicles/passes',
    { ...operator, schema: { body: PassBody, response: { 201: PassSchema } } },
    async (request, reply) => {
      const body = request.body as Static<typeof PassBody>;
      const plate = storedPlate(body.plate);
      const nowMs = Date.now();
      const fromMs = body.validFrom ? Date.parse(body.validFrom) : nowMs;
      const untilMs = Date.parse(body.validUntil);
      if (!(untilMs > fromMs)) throw new VisitorPassInvalid('validUntil must be after validFrom');
      if (untilMs <= nowMs) throw new VisitorPassInvalid('validUntil is already past');
      if (untilMs - fromMs > maxPassHours * 3_600_000) {
        throw new VisitorPassInvalid(
          `a visitor pass lasts at most ${maxPassHours} hours; register the vehicle instead`,
        );
      }
      await requireHousehold(body.householdId);
      const actor = request.staff!.username;
      const pass = await store.issuePass({
        site: body.site,
        plate,
        householdId: body.householdId,
        visitorName: body.visitorName,
        validFrom: new Date(fromMs).toISOString(),
        validUntil: new Date(untilMs).toISOString(),
        issuedBy: actor,
      });
      await app.store.audit(actor, 'visitor_pass_issued', `visitor_pass:${pass.id}`, {
        site: pass.site,
        plate,
        householdId: pass.householdId,
        validFrom: pass.validFrom,
        validUntil: pass.validUntil,
      });
      request.log.info(
        { site: pass.site, plate, pass: pass.id, until: pass.validUntil },
        'visitor pass issued',
      );
      return reply.code(201).send(pass);
    },
  );

  app.delete(
    '/api/vehicles/passes/:id',
    {
      ...operator,
      schema: { params: Type.Object({ id: Type.String({ maxLength: 64 }) }) },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const pass = await store.revokePass(id);
      if (!pass) throw new VisitorPassNotFound(id);
      await app.store.audit(request.staff!.username, 'visitor_pass_revoked', `visitor_pass:${id}`);
      return { ok: true };
    },
  );

  app.get(
    '/api/vehicles/watch-list',
    { ...viewer, schema: { querystring: SiteQuery, response: { 200: Type.Array(WatchSchema) } } },
    async (request) => store.watchList((request.query as Static<typeof SiteQuery>).site),
  );

  app.put(
    '/api/vehicles/watch-list/:site/:plate',
    {
      ...operator,
      schema: { params: PlateParams, body: WatchBody, response: { 200: WatchSchema } },
    },
    async (request) => {
      const params = request.params as Static<typeof PlateParams>;
      const plate = storedPlate(params.plate);
      const { reason } = request.body as Static<typeof WatchBody>;
      const actor = request.staff!.username;
      const entry = await store.watch({ site: params.site, plate, reason, addedBy: actor });
      await app.store.audit(actor, 'plate_watched', `vehicle:${params.site}:${plate}`, { reason });
      return entry;
    },
  );

  app.delete(
    '/api/vehicles/watch-list/:site/:plate',
    { ...operator, schema: { params: PlateParams } },
    async (request) => {
      const params = request.params as Static<typeof PlateParams>;
      const plate = storedPlate(params.plate);
      if (!(await store.unwatch(params.site, plate))) {
        throw new WatchedPlateNotFound(plate, params.site);
      }
      await app.store.audit(
        request.staff!.username,
        'plate_unwatched',
        `vehicle:${params.site}:${plate}`,
      );
      return { ok: true };
    },
  );

  app.get(
    '/api/edge/vehicles',
    {
      preHandler: app.requireEdge,
      schema: { querystring: EdgeQuery, response: { 200: VehicleList }, tags: ['edge'] },
    },
    async (request) => {
      const { since } = request.query as Static<typeof EdgeQuery>;
      return store.listFor(request.edge!.site, since, new Date().toISOString());
    },
  );
}

export default fp(vehiclesPlugin, {
  name: 'haven-vehicles',
  dependencies: ['haven-auth', 'haven-edges'],
  decorators: { fastify: ['store', 'registry'] },
});

// Patrol plans through the API: checkpoints, routes, schedules and guard
// assignments. The police room reads them; only an admin changes them, each
// change audited and checked against the rest of the plan.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import {
  Assignment,
  AssignmentBody,
  Checkpoint,
  CheckpointBody,
  Route,
  RouteBody,
  Schedule,
  ScheduleBody,
} from '../../common/contracts/patrol.ts';
import { checkTimeZone } from './calendar.ts';
import { PatrolEntryNotFound, PatrolPlanConflict, PatrolPlanInvalid } from './errors.ts';

const IdParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }) });
type IdParams = Static<typeof IdParams>;
const tags = ['patrol'];

function routeWalkSeconds(route: Pick<Route, 'stops'>): number {
  return route.stops.slice(1).reduce((sum, stop) => sum + stop.walkSeconds, 0);
}

/** Rounds of one schedule must not overlap: each needs its walk and a window either side. */
function roundsFit(schedule: Schedule, route: Pick<Route, 'stops'>): string | undefined {
  const neededMinutes = routeWalkSeconds(route) / 60 + 2 * schedule.toleranceMinutes;
  if (schedule.everyMinutes >= neededMinutes) return undefined;
  return (
    `schedule ${schedule.id} starts a round every ${schedule.everyMinutes} min, but its route ` +
    `takes ${Math.ceil(neededMinutes)} min with the tolerance before and after`
  );
}

export async function planRoutes(
  app: FastifyInstance,
  plansChanged: () => Promise<void>,
): Promise<void> {
  const patrol = app.store.patrol;
  const read = { preHandler: app.requireStaff('viewer') };
  const admin = { preHandler: app.requireStaff('admin') };

  async function saved(
    request: FastifyRequest,
    target: string,
    detail: Record<string, unknown>,
  ): Promise<void> {
    await app.store.audit(request.staff!.username, 'patrol_plan_saved', target, detail);
    request.log.info({ target, by: request.staff!.username }, 'patrol plan saved');
    await plansChanged();
  }

  async function deleted(request: FastifyRequest, target: string): Promise<void> {
    await app.store.audit(request.staff!.username, 'patrol_plan_deleted', target);
    request.log.info({ target, by: request.staff!.username }, 'patrol plan deleted');
    await plansChanged();
  }

  app.get(
    '/api/patrol/checkpoints',
    { ...read, schema: { response: { 200: Type.Array(Checkpoint) }, tags } },
    async () => patrol.listCheckpoints(),
  );

  app.put(
    '/api/patrol/checkpoints/:id',
    { ...admin, schema: { params: IdParams, body: CheckpointBody, tags } },
    async (request) => {
      const { id } = request.params as IdParams;
      const checkpoint: Checkpoint = { id, ...(request.body as CheckpointBody) };
      const holder = await patrol.checkpointByTag(checkpoint.tagId);
      if (holder && holder.id !== id) {
        throw new PatrolPlanConflict(
          `tag ${checkpoint.tagId} is already on checkpoint ${holder.id}`,
        );
      }
      for (const routeId of await patrol.routesThrough(id)) {
        const route = await patrol.getRoute(routeId);
        if (route && route.site !== checkpoint.site) {
          throw new PatrolPlanConflict(`route ${routeId} of site ${route.site} stops here`);
        }
      }
      await patrol.saveCheckpoint(checkpoint);
      await saved(request, `patrol_checkpoint:${id}`, { ...checkpoint });
      return checkpoint;
    },
  );

  app.delete(
    '/api/patrol/checkpoints/:id',
    { ...admin, schema: { params: IdParams, tags } },
    async (request) => {
      const { id } = request.params as IdParams;
      const routes = await patrol.routesThrough(id);
      if (routes.length > 0) {
        throw new PatrolPlanConflict(`routes ${routes.join(', ')} still stop at checkpoint ${id}`);
      }
      if (!(await patrol.deleteCheckpoint(id))) throw new PatrolEntryNotFound('checkpoint', id);
      await deleted(request, `patrol_checkpoint:${id}`);
      return { ok: true };
    },
  );

  app.get(
    '/api/patrol/routes',
    { ...read, schema: { response: { 200: Type.Array(Route) }, tags } },
    async () => patrol.listRoutes(),
  );

  app.put(
    '/api/patrol/routes/:id',
    { ...admin, schema: { params: IdParams, body: RouteBody, tags } },
    async (request) => {
      const { id } = request.params as IdParams;
      const route: Route = { id, ...(request.body as RouteBody) };
      if (route.stops[0]!.walkSeconds !== 0) {
        throw new PatrolPlanInvalid('the first stop has no walk before it: walkSeconds must be 0');
      }
      const seen = new Set<string>();
      for (const stop of route.stops) {
        if (seen.has(stop.checkpointId)) {
          throw new PatrolPlanInvalid(`checkpoint ${stop.checkpointId} is on the route twice`);
        }
        seen.add(stop.checkpointId);
        const checkpoint = await patrol.getCheckpoint(stop.checkpointId);
        if (!checkpoint) throw new PatrolPlanInvalid(`no checkpoint ${stop.checkpointId}`);
        if (checkpoint.site !== route.site) {
          throw new PatrolPlanInvalid(`checkpoint ${checkpoint.id} is on site ${checkpoint.site}`);
        }
      }
      for (const scheduleId of await patrol.schedulesOn(id)) {
        const schedule = await patrol.getSchedule(scheduleId);
        const problem = schedule && roundsFit(schedule, route);
        if (problem) throw new PatrolPlanConflict(problem);
      }
      await patrol.saveRoute(route);
      await saved(request, `patrol_route:${id}`, { ...route });
      return route;
    },
  );

  app.delete(
    '/api/patrol/routes/:id',
    { ...admin, schema: { params: IdParams, tags } },
    async (request) => {
      const { id } = request.params as IdParams;
      const schedules = await patrol.schedulesOn(id);
      if (schedules.length > 0) {
        throw new PatrolPlanConflict(`schedules ${schedules.join(', ')} still use route ${id}`);
      }
      if (!(await patrol.deleteRoute(id))) throw new PatrolEntryNotFound('route', id);
      await deleted(request, `patrol_route:${id}`);
      return { ok: true };
    },
  );

  app.get(
    '/api/patrol/schedules',
    { ...read, schema: { response: { 200: Type.Array(Schedule) }, tags } },
    async () => (await patrol.listSchedules()).map(({ createdAtMs: _, ...schedule }) => schedule),
  );

  app.put(
    '/api/patrol/schedules/:id',
    { ...admin, schema: { params: IdParams, body: ScheduleBody, tags } },
    async (request) => {
      const { id } = request.params as IdParams;
      const schedule: Schedule = { id, ...(request.body as ScheduleBody) };
      try {
        checkTimeZone(schedule.timeZone);
      } catch {
        throw new PatrolPlanInvalid(
          `unknown time zone ${schedule.timeZone}; use e.g. Asia/Shanghai`,
        );
      }
      const route = await patrol.getRoute(schedule.routeId);
      if (!route) throw new PatrolPlanInvalid(`no route ${schedule.routeId}`);
      const problem = roundsFit(schedule, route);
      if (problem) throw new PatrolPlanInvalid(problem);
      await patrol.saveSchedule(schedule, Date.now());
      await saved(request, `patrol_schedule:${id}`, { ...schedule });
      return schedule;
    },
  );

  app.delete(
    '/api/patrol/schedules/:id',
    { ...admin, schema: { params: IdParams, tags } },
    async (request) => {
      const { id } = request.params as IdParams;
      if (!(await patrol.deleteSchedule(id))) throw new PatrolEntryNotFound('schedule', id);
      await deleted(request, `patrol_schedule:${id}`);
      return { ok: true };
    },
  );

  app.get(
    '/api/patrol/assignments',
    { ...read, schema: { response: { 200: Type.Array(Assignment) }, tags } },
    async () => patrol.listAssignments(),
  );

  app.put(
    '/api/patrol/assignments/:id',
    { ...admin, schema: { params: IdParams, body: AssignmentBody, tags } },
    async (request) => {
      const { id } = request.params as IdParams;
      const assignment: Assignment = { id, ...(request.body as AssignmentBody) };
      if (!(await patrol.getSchedule(assignment.scheduleId))) {
        throw new PatrolPlanInvalid(`no schedule ${assignment.scheduleId}`);
      }
      const account = await app.store.getStaff(assignment.guard);
      if (account?.role !== 'guard') {
        throw new PatrolPlanInvalid(`${assignment.guard} is not a staff account with role guard`);
      }
      const { fromDate, untilDate } = assignment;
      if (fromDate !== undefined && untilDate !== undefined && fromDate > untilDate) {
        throw new PatrolPlanInvalid(`fromDate ${fromDate} is after untilDate ${untilDate}`);
      }
      await patrol.saveAssignment(assignment);
      await saved(request, `patrol_assignment:${id}`, { ...assignment });
      return assignment;
    },
  );

  app.delete(
    '/api/patrol/assignments/:id',
    { ...admin, schema: { params: IdParams, tags } },
    async (request) => {
      const { id } = request.params as IdParams;
      if (!(await patrol.deleteAssignment(id))) throw new PatrolEntryNotFound('assignment', id);
      await deleted(request, `patrol_assignment:${id}`);
      return { ok: true };
    },
  );
}

// The alert lifecycle for staff: list, read, acknowledge, assign, dispatch,
// resolve, note. Every change is audited with who and when, and pushed live.
// Acknowledging a wristband's alarm tells the band that help is coming.
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { Alert, AlertState, AuditEntry } from '../../common/contracts/alert.ts';
import type { AlertChange } from '../store/store.ts';
import { AlertNotFound, AlertStateConflict, BadAlertBody } from '../errors.ts';
import { acknowledgeAlert } from './acknowledge.ts';
import { Validator } from '../../common/contracts/validator.ts';

const AlertParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const ListQuery = Type.Object(
  {
    state: Type.Optional(Type.Array(AlertState)),
    type: Type.Optional(Type.String({ maxLength: 64 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);
const NoteBody = Type.Object(
  { note: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false },
);
const OptionalNoteBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);
const optionalNote = new Validator(OptionalNoteBody);
const AssignBody = Type.Object(
  {
    assignee: Type.String({ minLength: 1, maxLength: 64 }),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

async function alertsPlugin(app: FastifyInstance): Promise<void> {
  const { store, live } = app;

  async function transition(
    id: string,
    actor: string,
    action: string,
    allowedFrom: AlertState[],
    change: AlertChange,
    detail?: Record<string, unknown>,
  ): Promise<Alert> {
    const current = await store.getAlert(id);
    if (!current) throw new AlertNotFound(id);
    if (!allowedFrom.includes(current.state)) {
      throw new AlertStateConflict(id, current.state, action);
    }
    const changed = await store.changeAlert(id, change, {
      actor,
      action,
      ...(detail && { detail }),
    });
    if (!changed) throw new AlertNotFound(id);
    live.emit('alert', changed, 'updated');
    app.log.info({ alert: id, action, by: actor, type: changed.type }, 'alert changed');
    return changed;
  }

  /** preHandler: an alert outside the staff member's scope is, to them, not there. */
  async function alertInScope(request: FastifyRequest): Promise<void> {
    const { id } = request.params as Static<typeof AlertParams>;
    const alert = await store.getAlert(id);
    if (alert && !(await app.scopes.canSeeAlert(request.staff!, alert))) {
      throw new AlertNotFound(id);
    }
  }
  const viewer = { preHandler: [app.requireStaff('viewer', { scoped: true }), alertInScope] };

  app.get(
    '/api/alerts',
    {
      preHandler: app.requireStaff('viewer', { scoped: true }),
      schema: { querystring: ListQuery, response: { 200: Type.Array(Alert) }, tags: ['alerts'] },
    },
    async (request) => {
      const query = request.query as Static<typeof ListQuery>;
      // Scoped staff: only alerts about the residents, devices and places in scope.
      const subjects = await app.scopes.subjectsInScope(request.staff!);
      return store.listAlerts({
        ...(query.state && { states: query.state }),
        ...(query.type && { type: query.type }),
        ...(subjects && { subjects }),
        limit: query.limit ?? 200,
      });
    },
  );

  app.get(
    '/api/alerts/:id',
    {
      ...viewer,
      schema: {
        params: AlertParams,
        response: { 200: Type.Object({ alert: Alert, audit: Type.Array(AuditEntry) }) },
        tags: ['alerts'],
      },
    },
    async (request) => {
      const { id } = request.params as Static<typeof AlertParams>;
      const alert = await store.getAlert(id);
      if (!alert) throw new AlertNotFound(id);
      return { alert, audit: await store.auditTrail(`alert:${id}`) };
    },
  );

  const operator = { preHandler: [app.requireStaff('operator', { scoped: true }), alertInScope] };
  const open: AlertState[] = ['new', 'acknowledged', 'dispatched'];

  app.post(
    '/api/alerts/:id/acknowledge',
    {
      ...operator,
      schema: { params: AlertParams, tags: ['alerts'] },
    },
    async (request) => {
      const { id } = request.params as Static<typeof AlertParams>;
      // The body is optional: a bare POST acknowledges; {"note": "…"} adds a note.
      const body: unknown = request.body ?? {};
      const checked = optionalNote.validate(body);
      if (!checked.ok) throw new BadAlertBody(checked.reason);
      const note = checked.value.note;
      return acknowledgeAlert(app, id, request.staff!.username, note ? { note } : undefined);
    },
  );

  app.post(
    '/api/alerts/:id/assign',
    { ...operator, schema: { params: AlertParams, body: AssignBody, tags: ['alerts'] } },
    async (request) => {
      const { id } = request.params as Static<typeof AlertParams>;
      const { assignee, note } = request.body as Static<typeof AssignBody>;
      return transition(
        id,
        request.staff!.username,
        'assigned',
        open,
        { assignee },
        {
          assignee,
          ...(note && { note }),
        },
      );
    },
  );

  app.post(
    '/api/alerts/:id/dispatch',
    { ...operator, schema: { params: AlertParams, body: AssignBody, tags: ['alerts'] } },
    async (request) => {
      const { id } = request.params as Static<typeof AlertParams>;
      const { assignee, note } = request.body as Static<typeof AssignBody>;
      return transition(
        id,
        request.staff!.username,
        'dispatched',
        ['new', 'acknowledged'],
        { state: 'dispatched', assignee },
        { assignee, ...(note && { note }) },
      );
    },
  );

  app.post(
    '/api/alerts/:id/resolve',
    { ...operator, schema: { params: AlertParams, body: NoteBody, tags: ['alerts'] } },
    async (request) => {
      const { id } = request.params as Static<typeof AlertParams>;
      const { note } = request.body as Static<typeof NoteBody>;
      return transition(
        id,
        request.staff!.username,
        'resolved',
        open,
        { state: 'resolved' },
        {
          note,
        },
      );
    },
  );

  app.post(
    '/api/alerts/:id/notes',
    { ...operator, schema: { params: AlertParams, body: NoteBody, tags: ['alerts'] } },
    async (request) => {
      const { id } = request.params as Static<typeof AlertParams>;
      const { note } = request.body as Static<typeof NoteBody>;
      const alert = await store.getAlert(id);
      if (!alert) throw new AlertNotFound(id);
      await store.audit(request.staff!.username, 'note', `alert:${id}`, { note });
      return { ok: true };
    },
  );
}

export default fp(alertsPlugin, {
  name: 'haven-alerts',
  dependencies: ['haven-auth'],
  decorators: { fastify: ['store', 'live', 'commands'] },
});

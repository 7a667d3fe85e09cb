// Governance of personal and biometric data over HTTP: consent changes (a
// withdrawal erases faces and photos at once), moving out, export of all that
// is held about one resident, erasure of one resident, and the retention job.
// Administrators only; every call is audited.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { ResidentNotFound } from '../registry/errors.ts';
import { Consent, RegistryId, Resident } from '../registry/schemas.ts';
import type { DataGovernance, ErasureExtent, ErasureReason, ErasureResult } from './holders.ts';
import { RetentionJob } from './retention.ts';

declare module 'fastify' {
  interface FastifyInstance {
    governance: DataGovernance;
  }
}

/** GET routes of other areas that show a resident's personal or health data. */
const personalDataRoutes = new Set([
  '/api/faces/residents',
  '/api/faces/residents/:residentId',
  '/api/access',
  '/api/access/:key/thumbnail',
  '/api/residents/:residentId/vitals',
  '/api/bands/:bandId/vitals',
]);

const IdParams = Type.Object({ id: RegistryId });
const Erasure = Type.Record(
  Type.String(),
  Type.Object({
    removed: Type.Integer(),
    confirmedEdges: Type.Optional(Type.Array(Type.String())),
    pendingEdges: Type.Optional(Type.Array(Type.String())),
  }),
);
const ResidentAndErasure = Type.Object({
  resident: Resident,
  erasure: Type.Union([Erasure, Type.Null()]),
});

async function governancePlugin(app: FastifyInstance): Promise<void> {
  const { registry, store, governance } = app;
  const admin = { preHandler: app.requireStaff('admin') };
  const retention = new RetentionJob(
    app.hubConfig.retention,
    governance,
    store,
    app.log.child({ feature: 'retention' }),
  );
  app.addHook('onReady', async () => retention.start());
  app.addHook('onClose', async () => retention.stop());

  async function eraseBiometrics(
    residentId: string,
    actor: string,
    reason: ErasureReason,
    extent: ErasureExtent = 'biometrics',
  ): Promise<Record<string, ErasureResult>> {
    const erasure = await governance.eraseResident(residentId, extent, reason);
    await store.audit(actor, 'biometrics_erased', `resident:${residentId}`, {
      reason,
      extent,
      erasure,
    });
    app.log.info({ resident: residentId, reason, extent, erasure }, 'biometric data erased');
    return erasure;
  }

  // Reads of personal data served by other areas are audited here, in one place.
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url;
    if (request.method !== 'GET' || !request.staff || reply.statusCode !== 200) return;
    if (!route || !personalDataRoutes.has(route)) return;
    const params = request.params as { residentId?: string; bandId?: string };
    const residentId =
      params.residentId ??
      (params.bandId
        ? (await registry.placementOf({ kind: 'band', id: params.bandId })).residentId
        : null);
    await store.audit(
      request.staff.username,
      'personal_data_read',
      residentId ? `resident:${residentId}` : 'personal-data',
      { route, ...(request.params as Record<string, unknown>) },
    );
  });

  // An edge asking for gallery changes since version N confirms it holds N.
  app.addHook('onResponse', async (request, reply) => {
    if (request.routeOptions.url !== '/api/edge/faces/gallery') return;
    if (!request.edge || reply.statusCode !== 200) return;
    const since = Number((request.query as { since?: unknown }).since ?? 0);
    if (Number.isInteger(since)) {
      governance.biometricErasures?.recordEdgeSync(request.edge.id, request.edge.site, since);
    }
  });

  app.put(
    '/api/registry/residents/:id/consent',
    {
      ...admin,
      schema: {
        params: IdParams,
        body: Consent,
        response: { 200: ResidentAndErasure },
        tags: ['governance'],
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const consent = request.body as Consent;
      const before = await registry.getResident(id);
      if (!before) throw new ResidentNotFound(id);
      const resident = (await registry.setConsent(id, consent))!;
      await store.audit(request.staff!.username, 'consent_recorded', `resident:${id}`, {
        before: before.consent,
        after: consent,
      });
      const faceWithdrawn = before.consent.face && !consent.face;
      const photoWithdrawn = before.consent.photo && !consent.photo;
      const erasure =
        faceWithdrawn || photoWithdrawn
          ? await eraseBiometrics(
              id,
              request.staff!.username,
              'consent_withdrawn',
              faceWithdrawn ? 'biometrics' : 'photos',
            )
          : null;
      return { resident, erasure };
    },
  );

  app.post(
    '/api/registry/residents/:id/move-out',
    {
      ...admin,
      schema: { params: IdParams, response: { 200: ResidentAndErasure }, tags: ['governance'] },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      if (!(await registry.getResident(id))) throw new ResidentNotFound(id);
      const erasure = await eraseBiometrics(id, request.staff!.username, 'moved_out');
      const resident = (await registry.markMovedOut(id))!;
      await store.audit(request.staff!.username, 'moved_out', `resident:${id}`);
      return { resident, erasure };
    },
  );

  app.get(
    '/api/registry/residents/:id/export',
    { ...admin, schema: { params: IdParams, tags: ['governance'] } },
    async (request) => {
      const { id } = request.params as { id: string };
      if (!(await registry.getResident(id))) throw new ResidentNotFound(id);
      await store.audit(request.staff!.username, 'personal_data_exported', `resident:${id}`);
      return {
        residentId: id,
        exportedAt: new Date().toISOString(),
        exportedBy: request.staff!.username,
        ...(await governance.exportResident(id)),
      };
    },
  );

  app.delete(
    '/api/registry/residents/:id',
    {
      ...admin,
      schema: {
        params: IdParams,
        response: { 200: Type.Object({ erasure: Erasure }) },
        tags: ['governance'],
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      if (!(await registry.getResident(id))) throw new ResidentNotFound(id);
      const erasure = await governance.eraseResident(id, 'everything', 'erased');
      await store.audit(request.staff!.username, 'personal_data_erased', `resident:${id}`, {
        erasure,
      });
      request.log.info({ resident: id, erasure }, 'resident erased');
      return { erasure };
    },
  );

  app.get(
    '/api/registry/residents/:id/erasures',
    { ...admin, schema: { params: IdParams, tags: ['governance'] } },
    async (request) => {
      const { id } = request.params as { id: string };
      return governance.biometricErasures?.verify(id) ?? [];
    },
  );

  app.get(
    '/api/governance/retention',
    { ...admin, schema: { tags: ['governance'] } },
    async () => ({ settings: app.hubConfig.retention, lastReport: retention.lastReport ?? null }),
  );

  app.post(
    '/api/governance/retention/run',
    { ...admin, schema: { tags: ['governance'] } },
    async (request) => {
      const report = await retention.runOnce();
      await store.audit(request.staff!.username, 'retention_run_requested', 'retention');
      return report;
    },
  );
}

export default fp(governancePlugin, {
  name: 'haven-governance',
  dependencies: ['haven-auth', 'haven-registry'],
  decorators: { fastify: ['store', 'registry', 'governance', 'hubConfig'] },
});

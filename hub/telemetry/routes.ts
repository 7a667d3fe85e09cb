// Vitals for staff: a band's or a resident's telemetry over a time range, in
// buckets for a chart. From InfluxDB when one is configured and answering,
// otherwise from the embedded store (the response says which). Scoped staff
// (grid workers, family, doctors) see only the bands of residents in scope.
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { RegistryId } from '../registry/schemas.ts';
import type { EmbeddedTelemetry } from './embedded.ts';
import { BandNotFound, ResidentHasNoBand, VitalsRangeInvalid } from './errors.ts';
import type { InfluxTelemetry } from './influx.ts';
import {
  VitalsQuery,
  VitalsResponse,
  bucketSecondsFor,
  type VitalsRange,
  type VitalsSource,
} from './schemas.ts';

export interface TelemetryRoutesOptions {
  embedded: EmbeddedTelemetry;
  /** Absent when the hub has no `influx` section. */
  influx?: InfluxTelemetry;
}

const BandParams = Type.Object({ bandId: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }) });
const ResidentParams = Type.Object({ residentId: RegistryId });
const longestRangeDays = 366;

async function telemetryRoutes(
  app: FastifyInstance,
  options: TelemetryRoutesOptions,
): Promise<void> {
  const { registry, scopes } = app;

  async function inScope(request: FastifyRequest, bandId: string): Promise<void> {
    const scope = await scopes.scopeOf(request.staff!);
    if (scope.kind === 'all') return;
    if (!scopes.covers(scope, await registry.placementOf({ kind: 'band', id: bandId }))) {
      throw new BandNotFound(bandId);
    }
  }

  function rangeOf(query: VitalsQuery, bandId: string): VitalsRange {
    const fromMs = Date.parse(query.from);
    const toMs = query.to === undefined ? Date.now() : Date.parse(query.to);
    if (!(toMs > fromMs)) throw new VitalsRangeInvalid('"to" must come after "from"');
    if (toMs - fromMs > longestRangeDays * 86_400_000) {
      throw new VitalsRangeInvalid(`a range may be ${longestRangeDays} days at most`);
    }
    return {
      bandId,
      fromMs,
      toMs,
      bucketSeconds: bucketSecondsFor(toMs - fromMs, query.points ?? 300),
    };
  }

  async function vitals(request: FastifyRequest, bandId: string): Promise<VitalsResponse> {
    const range = rangeOf(request.query as VitalsQuery, bandId);
    let source: VitalsSource = options.influx ?? options.embedded;
    let buckets;
    try {
      buckets = await source.vitals(range);
    } catch (error) {
      if (source === options.embedded) throw error;
      request.log.warn({ err: error, band: bandId }, 'InfluxDB did not answer; vitals from SQLite');
      source = options.embedded;
      buckets = await source.vitals(range);
    }

    const { residentId } = await registry.placementOf({ kind: 'band', id: bandId });
    const resident = residentId === null ? undefined : await registry.getResident(residentId);
    return {
      bandId,
      ...(resident && { resident: { id: resident.id, name: resident.name } }),
      from: new Date(range.fromMs).toISOString(),
      to: new Date(range.toMs).toISOString(),
      bucketSeconds: range.bucketSeconds,
      source: source.name,
      buckets,
    };
  }

  const schema = { querystring: VitalsQuery, response: { 200: VitalsResponse } };
  const staff = app.requireStaff('viewer', { scoped: true });

  app.get(
    '/api/bands/:bandId/vitals',
    { preHandler: staff, schema: { ...schema, params: BandParams, tags: ['telemetry'] } },
    async (request) => {
      const { bandId } = request.params as Static<typeof BandParams>;
      await inScope(request, bandId);
      return vitals(request, bandId);
    },
  );

  app.get(
    '/api/residents/:residentId/vitals',
    { preHandler: staff, schema: { ...schema, params: ResidentParams, tags: ['telemetry'] } },
    async (request) => {
      const { residentId } = request.params as Static<typeof ResidentParams>;
      if (!(await scopes.canSeeResident(request.staff!, residentId))) {
        throw new ResidentHasNoBand(residentId);
      }
      const bands = (await registry.listBindings({ residentId })).filter(
        (binding) => binding.deviceKind === 'band',
      );
      // A resident with two bands is charted from the first by id.
      const band = bands[0];
      if (!band) throw new ResidentHasNoBand(residentId);
      return vitals(request, band.deviceId);
    },
  );
}

export default fp(telemetryRoutes, {
  name: 'haven-telemetry',
  dependencies: ['haven-auth'],
  decorators: { fastify: ['registry', 'scopes'] },
});

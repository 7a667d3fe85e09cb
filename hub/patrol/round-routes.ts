// Rounds, scans and shift reports through the API. The police room reads every
// round; a guard posts his scans (from his phone, queued while offline, each
// with the time it was made) and reads only his own rounds.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import {
  LocalDate,
  PhoneScanBatch,
  RoundView,
  ScanResult,
  ShiftReport,
} from '../../common/contracts/patrol.ts';
import { Timestamp } from '../../common/contracts/band.ts';
import { GuardsOnly, PatrolEntryNotFound } from './errors.ts';
import type { PatrolEvaluator } from './evaluator.ts';
import { shiftReport, shiftReportPage } from './report.ts';
import type { RoundPlan, ScanRecord } from './store.ts';
import { roundView, upcomingRounds } from './views.ts';

const tags = ['patrol'];
const hourMs = 3600_000;
const RoundParams = Type.Object({ id: Type.String({ maxLength: 160 }) });
const ReportParams = Type.Object({ shiftDate: LocalDate });
const WindowQuery = Type.Object(
  { from: Type.Optional(Timestamp), until: Type.Optional(Timestamp) },
  { additionalProperties: false },
);
type WindowQuery = Static<typeof WindowQuery>;

const ScanView = Type.Object({
  id: Type.String(),
  site: Type.String(),
  source: Type.String(),
  reader: Type.String(),
  guard: Type.String(),
  tag: Type.String(),
  checkpointId: Type.Union([Type.String(), Type.Null()]),
  scannedAt: Timestamp,
  receivedAt: Timestamp,
  problem: Type.Union([Type.String(), Type.Null()]),
});

function scanView(scan: ScanRecord): Static<typeof ScanView> {
  const { scannedAtMs, receivedAtMs, ...rest } = scan;
  return {
    ...rest,
    scannedAt: new Date(scannedAtMs).toISOString(),
    receivedAt: new Date(receivedAtMs).toISOString(),
  };
}

function window(query: WindowQuery, beforeMs: number, afterMs: number): [number, number] {
  const now = Date.now();
  return [
    query.from ? Date.parse(query.from) : now - beforeMs,
    query.until ? Date.parse(query.until) : now + afterMs,
  ];
}

export async function roundRoutes(
  app: FastifyInstance,
  evaluator: PatrolEvaluator,
  timeZone: string,
): Promise<void> {
  const patrol = app.store.patrol;
  const policeRoom = { preHandler: app.requireStaff('viewer') };

  /** requireStaff('guard') admits any account; these routes are for guards alone. */
  async function guardOnly(request: FastifyRequest): Promise<void> {
    if (request.staff!.role !== 'guard') throw new GuardsOnly(request.staff!.role);
  }
  const guards = { preHandler: [app.requireStaff('guard'), guardOnly] };

  async function views(rounds: RoundPlan[]): Promise<RoundView[]> {
    const now = Date.now();
    return Promise.all(
      rounds.map(async (round) => roundView(round, await evaluator.verdict(round, now))),
    );
  }

  async function roundsBetween(fromMs: number, untilMs: number): Promise<RoundView[]> {
    const stored = await views(await patrol.roundsStartingBetween(fromMs, untilMs));
    const ids = new Set(stored.map((round) => round.id));
    const upcoming = await upcomingRounds(patrol, Math.max(fromMs, Date.now()), untilMs, ids);
    return [...stored, ...upcoming].sort((a, b) => a.plannedStart.localeCompare(b.plannedStart));
  }

  app.get(
    '/api/patrol/rounds',
    {
      ...policeRoom,
      schema: { querystring: WindowQuery, response: { 200: Type.Array(RoundView) }, tags },
    },
    async (request) =>
      roundsBetween(...window(request.query as WindowQuery, 24 * hourMs, 12 * hourMs)),
  );

  app.get(
    '/api/patrol/rounds/:id',
    { ...policeRoom, schema: { params: RoundParams, response: { 200: RoundView }, tags } },
    async (request) => {
      const { id } = request.params as Static<typeof RoundParams>;
      const round = await patrol.getRound(id);
      if (!round) throw new PatrolEntryNotFound('round', id);
      return roundView(round, await evaluator.verdict(round));
    },
  );

  app.get(
    '/api/patrol/my/rounds',
    { ...guards, schema: { response: { 200: Type.Array(RoundView) }, tags } },
    async (request) => {
      const now = Date.now();
      const username = request.staff!.username;
      const rounds = await roundsBetween(now - 12 * hourMs, now + 12 * hourMs);
      return rounds.filter((round) => round.guards.includes(username));
    },
  );

  app.post(
    '/api/patrol/scans',
    {
      ...guards,
      schema: {
        body: PhoneScanBatch,
        response: {
          200: Type.Object({ results: Type.Array(ScanResult), serverTime: Timestamp }),
        },
        tags,
      },
    },
    async (request) => {
      const { scans } = request.body as PhoneScanBatch;
      const guard = request.staff!.username;
      const results: ScanResult[] = [];
      for (const scan of scans) {
        const outcome = await patrol.recordPhoneScan(
          { guard, scanId: scan.scanId, code: scan.code, scannedAtMs: Date.parse(scan.time) },
          Date.now(),
        );
        if (outcome.status === 'recorded' && outcome.scan) {
          await evaluator.scanRecorded(outcome.scan);
        }
        const lateByS = outcome.scan
          ? Math.round((outcome.scan.receivedAtMs - outcome.scan.scannedAtMs) / 1000)
          : undefined;
        request.log.info(
          { guard, code: scan.code, status: outcome.status, lateByS, reason: outcome.reason },
          'patrol scan from phone',
        );
        results.push({
          scanId: scan.scanId,
          status: outcome.status,
          ...(outcome.checkpoint && {
            checkpoint: { id: outcome.checkpoint.id, name: outcome.checkpoint.name },
          }),
          ...(outcome.reason && { reason: outcome.reason }),
        });
      }
      return { results, serverTime: new Date().toISOString() };
    },
  );

  app.get(
    '/api/patrol/scans',
    {
      ...policeRoom,
      schema: { querystring: WindowQuery, response: { 200: Type.Array(ScanView) }, tags },
    },
    async (request) => {
      const [fromMs, untilMs] = window(request.query as WindowQuery, 24 * hourMs, hourMs);
      return (await patrol.scansBetween(fromMs, untilMs)).map(scanView);
    },
  );

  async function report(shiftDate: string): Promise<ShiftReport> {
    return shiftReport(shiftDate, await views(await patrol.roundsOfShift(shiftDate)), Date.now());
  }

  app.get(
    '/api/patrol/reports/:shiftDate',
    { ...policeRoom, schema: { params: ReportParams, response: { 200: ShiftReport }, tags } },
    async (request) => report((request.params as Static<typeof ReportParams>).shiftDate),
  );

  app.get(
    '/api/patrol/reports/:shiftDate/print',
    { ...policeRoom, schema: { params: ReportParams, tags } },
    async (request, reply) => {
      const { shiftDate } = request.params as Static<typeof ReportParams>;
      return reply
        .type('text/html; charset=utf-8')
        .send(shiftReportPage(await report(shiftDate), timeZone));
    },
  );
}

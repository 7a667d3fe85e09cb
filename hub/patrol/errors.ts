// Patrol errors that cross the HTTP boundary, each with a stable code.
import createError from '@fastify/error';

export const PatrolEntryNotFound = createError(
  'HAVEN_PATROL_NOT_FOUND',
  'no patrol %s with id %s',
  404,
);
export const PatrolPlanInvalid = createError('HAVEN_PATROL_PLAN_INVALID', '%s', 400);
export const PatrolPlanConflict = createError('HAVEN_PATROL_CONFLICT', '%s', 409);
export const GuardsOnly = createError(
  'HAVEN_PATROL_GUARDS_ONLY',
  'only patrol guards post scans and read their rounds; your role is %s',
  403,
);

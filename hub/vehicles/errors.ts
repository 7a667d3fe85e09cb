// Vehicle registry errors that cross the HTTP boundary, each with a stable code.
import createError from '@fastify/error';

export const VehicleNotFound = createError(
  'HAVEN_VEHICLE_NOT_FOUND',
  'no vehicle %s registered at site %s',
  404,
);
export const VisitorPassNotFound = createError(
  'HAVEN_VISITOR_PASS_NOT_FOUND',
  'no visitor pass with id %s',
  404,
);
export const WatchedPlateNotFound = createError(
  'HAVEN_WATCHED_PLATE_NOT_FOUND',
  'plate %s is not on the watch list of site %s',
  404,
);
export const HouseholdMissing = createError(
  'HAVEN_VEHICLE_HOUSEHOLD_MISSING',
  'household %s is not registered; register it first (PUT /api/registry/households/:id)',
  409,
);
export const VisitorPassInvalid = createError('HAVEN_VISITOR_PASS_INVALID', '%s', 400);
export const PlateInvalid = createError('HAVEN_PLATE_INVALID', '%s', 400);

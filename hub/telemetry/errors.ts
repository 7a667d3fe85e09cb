// Telemetry history errors that cross the HTTP boundary, each with a stable code.
import createError from '@fastify/error';

export const VitalsRangeInvalid = createError('HAVEN_VITALS_RANGE', '%s', 400);
export const BandNotFound = createError(
  'HAVEN_BAND_NOT_FOUND',
  'no band with id %s is visible to you',
  404,
);
export const ResidentHasNoBand = createError(
  'HAVEN_RESIDENT_NO_BAND',
  'resident %s wears no registered band',
  404,
);

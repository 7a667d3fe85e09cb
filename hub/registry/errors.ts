// Registry errors that cross the HTTP boundary, each with a stable code.
import createError from '@fastify/error';

export const ResidentNotFound = createError(
  'HAVEN_RESIDENT_NOT_FOUND',
  'no resident with id %s',
  404,
);
export const RegistryEntryNotFound = createError(
  'HAVEN_REGISTRY_NOT_FOUND',
  'no %s with id %s',
  404,
);
export const RegistryReferenceMissing = createError(
  'HAVEN_REGISTRY_REFERENCE',
  '%s refers to %s %s, which is not registered',
  409,
);
export const RegistryConflict = createError('HAVEN_REGISTRY_CONFLICT', '%s', 409);
export const ImportUnreadable = createError('HAVEN_IMPORT_UNREADABLE', '%s', 400);

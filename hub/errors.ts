// Errors that cross the HTTP boundary carry a stable code.
import createError from '@fastify/error';

export const Unauthenticated = createError('HAVEN_UNAUTHENTICATED', 'log in first', 401);
export const Forbidden = createError('HAVEN_FORBIDDEN', 'your role (%s) may not do this', 403);
export const BadLogin = createError('HAVEN_BAD_LOGIN', 'wrong username or password', 401);
export const EdgeUnknown = createError('HAVEN_EDGE_TOKEN', 'unknown or missing edge token', 401);
export const AlertNotFound = createError('HAVEN_ALERT_NOT_FOUND', 'no alert with id %s', 404);
export const AlertStateConflict = createError(
  'HAVEN_ALERT_STATE',
  'alert %s is %s; it cannot be %s',
  409,
);
export const OriginRefused = createError(
  'HAVEN_ORIGIN',
  'a live connection from origin %s is refused',
  403,
);
export const Internal = createError(
  'HAVEN_INTERNAL',
  'something went wrong inside the hub; the hub log has the details',
  500,
);
export const BadAlertBody = createError('HAVEN_ALERT_BODY', 'the request body is wrong: %s', 400);

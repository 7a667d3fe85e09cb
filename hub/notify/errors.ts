// Notification errors that cross the HTTP boundary, each with a stable code.
import createError from '@fastify/error';

export const NotificationUnsigned = createError(
  'HAVEN_RECEIPT_REFUSED',
  'receipt refused: %s',
  401,
);
export const PushNotConfigured = createError(
  'HAVEN_PUSH_NOT_CONFIGURED',
  'Web Push is not configured on this hub (notify.webPush)',
  404,
);

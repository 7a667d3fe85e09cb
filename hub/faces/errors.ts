// Errors of face enrolment that cross the HTTP boundary, with stable codes.
import createError from '@fastify/error';

export const FaceResidentNotFound = createError(
  'HAVEN_FACE_RESIDENT_NOT_FOUND',
  'no resident %s in the face gallery; PUT /api/faces/residents/{id} first',
  404,
);

export const FaceConsentMissing = createError(
  'HAVEN_FACE_CONSENT_MISSING',
  'resident %s has not consented to face recognition; record consent before enrolling',
  409,
);

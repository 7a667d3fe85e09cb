// Face enrolment for staff and the gallery for edges.
//   PUT    /api/faces/residents/:residentId          create or change (operator)
//   GET    /api/faces/residents[/:residentId]        list / read (viewer)
//   POST   /api/faces/residents/:residentId/photos   enrol photos, base64 JSON (operator)
//   DELETE /api/faces/residents/:residentId/photos   forget their faces (operator)
//   DELETE /api/faces/residents/:residentId          remove from the gallery (operator)
//   GET    /api/edge/faces/gallery?since=N           what changed for the edge's site
// Photos are checked one by one; embeddings come from the gates' own pipeline,
// run in a worker thread that starts with the first enrolment.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { GalleryChanges } from '../../common/contracts/gallery.ts';
import { defaultFaceModelSettings, verifyFaceModels } from '../../models/faces/analyzer.ts';
import { FaceWorkerPool } from '../../models/faces/pool.ts';
import { checkEnrolmentPhoto, type PhotoCheck } from './enrolment.ts';
import { FaceConsentMissing, FaceResidentNotFound } from './errors.ts';
import type { FaceGalleryStore } from './store.ts';

const ResidentParams = Type.Object({
  residentId: Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$' }),
});
type ResidentParams = Static<typeof ResidentParams>;

const ResidentBody = Type.Object(
  {
    site: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
    name: Type.String({ minLength: 1, maxLength: 128 }),
    active: Type.Boolean({ default: true }),
    watchList: Type.Boolean({ default: false }),
    /** Consent to face recognition, recorded by staff. Without it nothing is enrolled. */
    consent: Type.Boolean(),
  },
  { additionalProperties: false },
);

const FaceResidentSchema = Type.Object({
  residentId: Type.String(),
  site: Type.String(),
  name: Type.String(),
  active: Type.Boolean(),
  watchList: Type.Boolean(),
  consent: Type.Boolean(),
  faces: Type.Integer(),
  version: Type.Integer(),
  updatedAt: Type.String(),
});

const PhotosBody = Type.Object(
  {
    photos: Type.Array(
      Type.Object(
        {
          /** A label for the reply, e.g. the file name. */
          name: Type.Optional(Type.String({ maxLength: 128 })),
          /** JPEG, PNG or WebP bytes, base64. */
          data: Type.String({ minLength: 16, maxLength: 12_000_000 }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 10 },
    ),
  },
  { additionalProperties: false },
);

const PhotoResult = Type.Object({
  index: Type.Integer(),
  name: Type.Optional(Type.String()),
  accepted: Type.Boolean(),
  reason: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
  faceSizePx: Type.Optional(Type.Number()),
  sharpness: Type.Optional(Type.Number()),
});

const EnrolmentReply = Type.Object({
  resident: FaceResidentSchema,
  enrolled: Type.Integer(),
  photos: Type.Array(PhotoResult),
});

const GalleryQuery = Type.Object(
  { since: Type.Integer({ minimum: 0, default: 0 }) },
  { additionalProperties: false },
);

export interface FacesPluginOptions {
  store: FaceGalleryStore;
}

async function facesPlugin(app: FastifyInstance, options: FacesPluginOptions): Promise<void> {
  const { store } = options;
  const settings = app.hubConfig.faces;
  const modelSettings = {
    ...defaultFaceModelSettings,
    threads: 2,
    ...(settings.modelsFolder && { modelsFolder: settings.modelsFolder }),
  };
  // A missing or corrupt weights file stops the hub here, naming the file.
  verifyFaceModels(modelSettings);
  const pool = new FaceWorkerPool(
    { ...modelSettings, workers: 1, maxWaiting: 8 },
    app.log.child({ feature: 'faces' }),
  );
  let poolStarted: Promise<void> | undefined;
  app.addHook('onClose', async () => {
    if (poolStarted) await pool.stop();
  });

  async function requireResident(residentId: string) {
    const resident = await store.getResident(residentId);
    if (!resident) throw new FaceResidentNotFound(residentId);
    return resident;
  }

  const viewer = { preHandler: app.requireStaff('viewer') };
  const operator = { preHandler: app.requireStaff('operator') };

  app.get(
    '/api/faces/residents',
    {
      ...viewer,
      schema: {
        querystring: Type.Object({ site: Type.Optional(Type.String({ maxLength: 64 })) }),
        response: { 200: Type.Array(FaceResidentSchema) },
        tags: ['faces'],
      },
    },
    async (request) => store.listResidents((request.query as { site?: string }).site),
  );

  app.get(
    '/api/faces/residents/:residentId',
    {
      ...viewer,
      schema: { params: ResidentParams, response: { 200: FaceResidentSchema }, tags: ['faces'] },
    },
    async (request) => requireResident((request.params as ResidentParams).residentId),
  );

  app.put(
    '/api/faces/residents/:residentId',
    {
      ...operator,
      schema: {
        params: ResidentParams,
        body: ResidentBody,
        response: { 200: FaceResidentSchema },
        tags: ['faces'],
      },
    },
    async (request) => {
      const { residentId } = request.params as ResidentParams;
      const body = request.body as Static<typeof ResidentBody>;
      // For registered residents the registry holds consent (hub/registry, governance).
      const registered = await app.registry.getResident(residentId);
      if (registered && body.consent && !registered.consent.face) {
        throw new FaceConsentMissing(residentId);
      }
      const before = await store.getResident(residentId);
      const resident = await store.putResident(residentId, body);
      await app.store.audit(
        request.staff!.username,
        'face_resident_saved',
        `resident:${residentId}`,
        {
          site: body.site,
          active: body.active,
          watchList: body.watchList,
          consent: body.consent,
          ...(before && before.faces > resident.faces && { facesDeleted: before.faces }),
        },
      );
      request.log.info(
        {
          resident: residentId,
          site: body.site,
          consent: body.consent,
          by: request.staff!.username,
        },
        'face gallery resident saved',
      );
      return resident;
    },
  );

  app.post(
    '/api/faces/residents/:residentId/photos',
    {
      ...operator,
      bodyLimit: 64 * 1024 * 1024,
      schema: {
        params: ResidentParams,
        body: PhotosBody,
        response: {
          201: EnrolmentReply,
          422: Type.Object({
            code: Type.String(),
            message: Type.String(),
            ...EnrolmentReply.properties,
          }),
        },
        tags: ['faces'],
      },
    },
    async (request, reply) => {
      const { residentId } = request.params as ResidentParams;
      const { photos } = request.body as Static<typeof PhotosBody>;
      const resident = await requireResident(residentId);
      const registered = await app.registry.getResident(residentId);
      if (!resident.consent || registered?.consent.face === false) {
        throw new FaceConsentMissing(residentId);
      }

      poolStarted ??= pool.start();
      await poolStarted;
      const checks: PhotoCheck[] = [];
      for (const photo of photos) {
        checks.push(await checkEnrolmentPhoto(Buffer.from(photo.data, 'base64'), pool, settings));
      }
      const results = checks.map((check, index) => ({
        index,
        ...(photos[index]!.name !== undefined && { name: photos[index]!.name }),
        accepted: check.accepted,
        ...(check.accepted
          ? { faceSizePx: check.face.faceSizePx, sharpness: check.face.sharpness }
          : { reason: check.reason, message: check.message }),
      }));
      // A photo is kept only where the resident also consented to photos.
      const keepPhoto = registered?.consent.photo !== false;
      const accepted = checks.flatMap((check) =>
        check.accepted ? [keepPhoto ? check.face : { ...check.face, photo: undefined }] : [],
      );
      const actor = request.staff!.username;
      request.log.info(
        {
          resident: residentId,
          accepted: accepted.length,
          rejected: checks.length - accepted.length,
        },
        'face enrolment checked',
      );
      const refusal =
        accepted.length === 0
          ? "none of the photos could be enrolled; see each photo's reason"
          : resident.faces + accepted.length > settings.maxFacesPerResident
            ? `a resident keeps at most ${settings.maxFacesPerResident} faces; delete some first`
            : undefined;
      if (refusal) {
        return reply.code(422).send({
          code: 'HAVEN_FACE_PHOTOS_REJECTED',
          message: refusal,
          resident,
          enrolled: 0,
          photos: results,
        });
      }
      const updated = await store.addFaces(residentId, accepted, actor);
      await app.store.audit(actor, 'faces_enrolled', `resident:${residentId}`, {
        accepted: accepted.length,
        rejected: checks.length - accepted.length,
        photosKept: settings.keepPhotos && keepPhoto,
      });
      return reply
        .code(201)
        .send({ resident: updated, enrolled: accepted.length, photos: results });
    },
  );

  app.delete(
    '/api/faces/residents/:residentId/photos',
    { ...operator, schema: { params: ResidentParams, tags: ['faces'] } },
    async (request) => {
      const { residentId } = request.params as ResidentParams;
      await requireResident(residentId);
      await store.clearFaces(residentId);
      await app.store.audit(request.staff!.username, 'faces_deleted', `resident:${residentId}`);
      return { ok: true };
    },
  );

  app.delete(
    '/api/faces/residents/:residentId',
    { ...operator, schema: { params: ResidentParams, tags: ['faces'] } },
    async (request) => {
      const { residentId } = request.params as ResidentParams;
      if (!(await store.removeResident(residentId))) throw new FaceResidentNotFound(residentId);
      await app.store.audit(
        request.staff!.username,
        'face_resident_removed',
        `resident:${residentId}`,
      );
      request.log.info({ resident: residentId }, 'resident removed from the face gallery');
      return { ok: true };
    },
  );

  app.get(
    '/api/edge/faces/gallery',
    {
      preHandler: app.requireEdge,
      schema: { querystring: GalleryQuery, response: { 200: GalleryChanges }, tags: ['edge'] },
    },
    async (request) => {
      const { since } = request.query as Static<typeof GalleryQuery>;
      return store.changesSince(request.edge!.site, since);
    },
  );
}

export default fp(facesPlugin, {
  name: 'haven-faces',
  dependencies: ['haven-auth', 'haven-edges'],
  decorators: { fastify: ['store', 'hubConfig', 'registry'] },
});

// The edge's optional `faces` section: which gates recognise faces, with what
// model and threshold. Without it the edge loads no face model at all.
import { Type, type Static } from '@sinclair/typebox';
import { defaultMatchThreshold } from '../../models/faces/mobilefacenet.ts';

export const EdgeFacesConfig = Type.Object(
  {
    /** Folder searched first for model weights; then ../shared/models. */
    modelsFolder: Type.Optional(Type.String()),
    /** Face detector; yunet_s was chosen by measurement (README "Face recognition"). */
    detector: Type.Union([Type.Literal('yunet_s'), Type.Literal('yunet_n')], {
      default: 'yunet_s',
    }),
    /** Cosine similarity at or above which a face is the enrolled resident. */
    matchThreshold: Type.Number({ minimum: 0, maximum: 1, default: defaultMatchThreshold }),
    /** Faces whose eyes are closer than this (pixels) are too small to decide on. */
    minFaceSizePx: Type.Number({ minimum: 4, default: 20 }),
    /** Sightings of one person at one gate closer than this are one event. Default 5 s. */
    eventWindowMs: Type.Integer({ minimum: 0, default: 5000 }),
    /** How often the gallery is pulled from the hub. Default 30 s. */
    gallerySyncMs: Type.Integer({ minimum: 1000, default: 30_000 }),
    /** Inference worker threads, and onnxruntime threads in each. */
    workers: Type.Integer({ minimum: 1, maximum: 8, default: 1 }),
    threadsPerWorker: Type.Integer({ minimum: 1, maximum: 8, default: 2 }),
    /** Frames that may wait while the workers are busy, over all gates. */
    maxWaitingFrames: Type.Integer({ minimum: 1, default: 4 }),
    /** Longest side a frame is scaled to for detection. Default 640. */
    detectionMaxSide: Type.Integer({ minimum: 160, maximum: 1920, default: 640 }),
    gates: Type.Array(
      Type.Object(
        {
          /** A registered device of kind gate; its command topic opens it. */
          gateId: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }),
          /** The camera (edge config `cameras`) whose frames this gate reads. */
          cameraId: Type.Optional(Type.String({ maxLength: 64 })),
        },
        { additionalProperties: false },
      ),
      { default: [] },
    ),
  },
  { additionalProperties: false },
);
export type EdgeFacesConfig = Static<typeof EdgeFacesConfig>;

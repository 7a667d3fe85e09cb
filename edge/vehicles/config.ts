// The edge's optional `vehicles` section: which barriers read plates, from
// which camera, and how sure a read must be. Without it no plate model loads.
import { Type, type Static } from '@sinclair/typebox';

export const EdgeVehiclesConfig = Type.Object(
  {
    /** Folder searched first for model weights; then ../shared/models. */
    modelsFolder: Type.Optional(Type.String()),
    /** Plate detector input size; 320 suits gate cameras where plates are large. */
    detector: Type.Union([Type.Literal('y5fu_320'), Type.Literal('y5fu_640')], {
      default: 'y5fu_320',
    }),
    /** A read counts towards a decision at this mean character probability or more. */
    minConfidence: Type.Number({ minimum: 0, maximum: 1, default: 0.85 }),
    /** Confident reads of the same plate needed before the gate decides. Default 3. */
    minReads: Type.Integer({ minimum: 1, maximum: 50, default: 3 }),
    /** A car whose plate has not been seen for this long has left. Default 10 s. */
    passageEndMs: Type.Integer({ minimum: 500, default: 10_000 }),
    /** How often the vehicle list is pulled from the hub. Default 30 s. */
    listSyncMs: Type.Integer({ minimum: 1000, default: 30_000 }),
    workers: Type.Integer({ minimum: 1, maximum: 8, default: 1 }),
    threadsPerWorker: Type.Integer({ minimum: 1, maximum: 8, default: 1 }),
    /** Frames that may wait while the workers are busy, over all barriers. */
    maxWaitingFrames: Type.Integer({ minimum: 1, default: 4 }),
    gates: Type.Array(
      Type.Object(
        {
          /** A registered device of kind gate: the barrier; its command topic opens it. */
          gateId: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }),
          /** The camera (edge config `cameras`) that sees the plates at this barrier. */
          cameraId: Type.Optional(Type.String({ maxLength: 64 })),
        },
        { additionalProperties: false },
      ),
      { default: [] },
    ),
  },
  { additionalProperties: false },
);
export type EdgeVehiclesConfig = Static<typeof EdgeVehiclesConfig>;

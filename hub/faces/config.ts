// The hub's `faces` config section: how enrolment photos are checked and
// whether they are kept. Every key has a default, so older configs load.
import { Type, type Static } from '@sinclair/typebox';

export const HubFacesConfig = Type.Object(
  {
    /** Folder searched first for model weights; then ../shared/models. */
    modelsFolder: Type.Optional(Type.String()),
    /** Keep enrolment photos next to the embeddings. Default false: photos are discarded. */
    keepPhotos: Type.Boolean({ default: false }),
    /** Smallest accepted eye distance in the photo, pixels. Default 40. */
    minFaceSizePx: Type.Number({ minimum: 8, default: 40 }),
    /** Smallest accepted sharpness (variance of the Laplacian of the aligned face). */
    minSharpness: Type.Number({ minimum: 0, default: 150 }),
    /** Faces kept per resident; enrol fewer or clear old ones first. Default 10. */
    maxFacesPerResident: Type.Integer({ minimum: 1, maximum: 64, default: 10 }),
  },
  { additionalProperties: false, default: {} },
);
export type HubFacesConfig = Static<typeof HubFacesConfig>;

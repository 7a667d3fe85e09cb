// Checks each enrolment photo and turns the good ones into embeddings with
// the same pipeline the gates run. A photo is refused, with a reason, unless
// it shows exactly one face that is large and sharp enough.
import type { FaceWorkerPool } from '../../models/faces/pool.ts';
import { decodePhoto, PhotoError } from '../../models/photo.ts';
import type { HubFacesConfig } from './config.ts';
import type { EnrolledFace } from './store.ts';

export type PhotoRejection =
  'unreadable' | 'no_face' | 'several_faces' | 'face_too_small' | 'too_blurry';

export type PhotoCheck =
  | { accepted: true; face: EnrolledFace }
  | { accepted: false; reason: PhotoRejection; message: string };

export async function checkEnrolmentPhoto(
  photo: Buffer,
  pool: FaceWorkerPool,
  settings: HubFacesConfig,
): Promise<PhotoCheck> {
  let image;
  try {
    image = await decodePhoto(photo);
  } catch (error) {
    if (!(error instanceof PhotoError)) throw error;
    return { accepted: false, reason: 'unreadable', message: error.message };
  }
  const analysis = await pool.analyse(image, { maxFaces: 1, minFaceSizePx: 0 });
  const face = analysis.faces[0];
  if (!face) {
    return { accepted: false, reason: 'no_face', message: 'no face was found in the photo' };
  }
  // Faces too small to recognise (people far behind) do not count as a second face.
  const faces = analysis.faces.filter((other) => other.sizePx >= settings.minFaceSizePx / 2);
  if (faces.length > 1) {
    return {
      accepted: false,
      reason: 'several_faces',
      message: `${faces.length} faces were found; the photo must show only the resident`,
    };
  }
  if (face.sizePx < settings.minFaceSizePx) {
    return {
      accepted: false,
      reason: 'face_too_small',
      message:
        `the face is too small: eyes ${face.sizePx.toFixed(0)} px apart, ` +
        `at least ${settings.minFaceSizePx} px needed`,
    };
  }
  if (!face.embedding || face.sharpness === undefined || face.sharpness < settings.minSharpness) {
    return {
      accepted: false,
      reason: 'too_blurry',
      message:
        `the face is not sharp enough (${(face.sharpness ?? 0).toFixed(0)}, ` +
        `at least ${settings.minSharpness} needed)`,
    };
  }
  return {
    accepted: true,
    face: {
      embedding: face.embedding,
      faceSizePx: face.sizePx,
      sharpness: face.sharpness,
      ...(settings.keepPhotos && { photo }),
    },
  };
}

// The face gallery an edge keeps for its site's gates, pulled from the hub:
//   GET /api/edge/faces/gallery?since={version}   (edge bearer token)
// Each change at the hub raises the site's version. An edge that holds version
// v gets the people changed since v and the residents removed since v; with
// since=0 (or a version the hub does not know) it gets the whole gallery.
import { Type, type Static } from '@sinclair/typebox';

/** 128 little-endian float32 values, base64. */
export const EncodedEmbedding = Type.String({ minLength: 684, maxLength: 684 });

export const GalleryPerson = Type.Object(
  {
    residentId: Type.String({ minLength: 1, maxLength: 64 }),
    name: Type.String({ maxLength: 128 }),
    /** May enter: the gate opens for a match. */
    active: Type.Boolean(),
    /** A match raises an alert at the police room. */
    watchList: Type.Boolean(),
    embeddings: Type.Array(EncodedEmbedding, { maxItems: 64 }),
  },
  { additionalProperties: false },
);
export type GalleryPerson = Static<typeof GalleryPerson>;

export const GalleryChanges = Type.Object(
  {
    site: Type.String(),
    version: Type.Integer({ minimum: 0 }),
    /** The embedding model, "mobilefacenet:{sha256 prefix}"; an edge ignores others. */
    embedder: Type.String(),
    /** True when people is the whole gallery and the edge drops what it had. */
    full: Type.Boolean(),
    people: Type.Array(GalleryPerson),
    removed: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);
export type GalleryChanges = Static<typeof GalleryChanges>;

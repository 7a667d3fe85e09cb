// Access at face gates. A face gate that recognises people itself publishes
//   haven/{site}/gate/{id}/access   GateAccessReport
// and the edge's own recognition (edge/faces/) produces the same events; both
// reach the hub's access log as AccessEvent uplink items.
import { Type, type Static } from '@sinclair/typebox';
import { Timestamp } from './band.ts';

export const AccessDecision = Type.Union([
  /** A known, active resident: the gate opened. */
  Type.Literal('granted'),
  /** A known resident who may not enter now (inactive, moved out). */
  Type.Literal('denied'),
  /** A face that matched nobody in the gallery. */
  Type.Literal('stranger'),
]);
export type AccessDecision = Static<typeof AccessDecision>;

/** A JPEG snapshot, base64; about 70 KB of picture at most. */
const Snapshot = Type.String({ maxLength: 96_000, pattern: '^[A-Za-z0-9+/]+={0,2}$' });

export const GateAccessReport = Type.Object(
  {
    time: Timestamp,
    decision: AccessDecision,
    /** The resident the gate recognised, by the id the hub enrolled them under. */
    residentId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** The gate's match score, 0..1. */
    score: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    snapshot: Type.Optional(Snapshot),
  },
  { additionalProperties: false },
);
export type GateAccessReport = Static<typeof GateAccessReport>;

export const AccessEvent = Type.Object(
  {
    site: Type.String({ minLength: 1, maxLength: 64 }),
    deviceKind: Type.Literal('gate'),
    deviceId: Type.String({ minLength: 1, maxLength: 64 }),
    /** When the person was first seen at the gate. */
    at: Timestamp,
    decision: AccessDecision,
    /** Who decided: the edge's recognition, or the gate itself. */
    source: Type.Union([Type.Literal('edge'), Type.Literal('gate')]),
    residentId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    residentName: Type.Optional(Type.String({ maxLength: 128 })),
    /** The person is on the watch list; an alert was raised too. */
    watchList: Type.Boolean(),
    /** Best cosine similarity to the gallery, when the edge decided. */
    score: Type.Optional(Type.Number({ minimum: -1, maximum: 1 })),
    /** Frames of this person merged into this one event. */
    sightings: Type.Integer({ minimum: 1 }),
    thumbnail: Type.Optional(Snapshot),
  },
  { additionalProperties: false },
);
export type AccessEvent = Static<typeof AccessEvent>;

// Access at face gates. A face gate that recognises people itself publishes
//   haven/{site}/gate/{id}/access   GateAccessReport
// and the edge's own recognition (edge/faces/) produces the same events; both
// reach the hub's access log as AccessEvent uplink items. Vehicle gates
// (edge/vehicles/) log into the same access log: kind "vehicle", with the
// plate read; for them "stranger" is a plate on no list and "denied" one
// whose visitor pass is not valid now or that is on the watch list.
import { Type, type Static } from '@sinclair/typebox';
import { Timestamp } from './band.ts';
import { Plate, PlateColour, VehicleAccess } from './vehicle.ts';

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

/** What a vehicle gate read and matched. */
export const VehicleRead = Type.Object(
  {
    plate: Plate,
    colour: PlateColour,
    /** Mean character probability of the best read, 0..1. */
    confidence: Type.Number({ minimum: 0, maximum: 1 }),
    /** Why the plate is listed, when it is. */
    access: Type.Optional(VehicleAccess),
    householdId: Type.Optional(Type.String({ maxLength: 64 })),
    passId: Type.Optional(Type.String({ maxLength: 64 })),
    visitorName: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type VehicleRead = Static<typeof VehicleRead>;

export const AccessEvent = Type.Object(
  {
    site: Type.String({ minLength: 1, maxLength: 64 }),
    deviceKind: Type.Literal('gate'),
    deviceId: Type.String({ minLength: 1, maxLength: 64 }),
    /** A person (face gates, the default) or a vehicle (plate read at a barrier). */
    kind: Type.Optional(Type.Union([Type.Literal('person'), Type.Literal('vehicle')])),
    /** When the person or vehicle was first seen at the gate. */
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
    /** A face, or for a vehicle the plate crop. */
    thumbnail: Type.Optional(Snapshot),
    vehicle: Type.Optional(VehicleRead),
  },
  { additionalProperties: false },
);
export type AccessEvent = Static<typeof AccessEvent>;

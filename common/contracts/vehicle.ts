// Vehicles at the gates: plates registered to households, visitor passes that
// run out, and a watch list. The hub holds them; each edge pulls its site's
// list (GET /api/edge/vehicles) and decides at the barrier without the hub.
import { Type, type Static } from '@sinclair/typebox';
import { platePattern } from '../../models/plates/grammar.ts';
import { Timestamp } from './band.ts';

/** A plate as stored: province character, letter, 5 or 6 more; no dot, upper case. */
export const Plate = Type.String({ pattern: platePattern, maxLength: 8 });

export const PlateColour = Type.Union([
  Type.Literal('blue'),
  Type.Literal('green'),
  Type.Literal('yellow'),
]);

/** Why a plate is on an edge's list. */
export const VehicleAccess = Type.Union([
  /** Registered to a household: the barrier opens. */
  Type.Literal('resident'),
  /** A visitor's pass: the barrier opens between validFrom and validUntil. */
  Type.Literal('visitor'),
  /** On the watch list: an alert, and the barrier stays shut. */
  Type.Literal('watch'),
]);
export type VehicleAccess = Static<typeof VehicleAccess>;

export const ListedVehicle = Type.Object(
  {
    plate: Plate,
    access: VehicleAccess,
    householdId: Type.Optional(Type.String({ maxLength: 64 })),
    passId: Type.Optional(Type.String({ maxLength: 64 })),
    visitorName: Type.Optional(Type.String({ maxLength: 64 })),
    validFrom: Type.Optional(Timestamp),
    validUntil: Type.Optional(Timestamp),
    /** Why a plate is watched, shown with the alert. */
    reason: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type ListedVehicle = Static<typeof ListedVehicle>;

/** The edge's site's whole list, or `unchanged` when the edge holds this version. */
export const VehicleList = Type.Object(
  {
    site: Type.String(),
    version: Type.Integer({ minimum: 0 }),
    unchanged: Type.Boolean(),
    vehicles: Type.Array(ListedVehicle),
  },
  { additionalProperties: false },
);
export type VehicleList = Static<typeof VehicleList>;

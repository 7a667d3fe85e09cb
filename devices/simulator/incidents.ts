// What can happen to a simulated wearer, at a given minute of the simulation.
import { Type, type Static } from '@sinclair/typebox';

export const IncidentKind = Type.Union([
  /** Presses SOS. */
  Type.Literal('sos'),
  /** Falls (the band's own fall alarm), then lies still. */
  Type.Literal('fall'),
  /** Takes the band off (the band's own removal alarm), worn=false after. */
  Type.Literal('removed'),
  /** Stays worn and reporting but takes no step and does not move. */
  Type.Literal('still'),
  /** Walks straight away from home. */
  Type.Literal('wanders'),
  /** The battery runs down to a few percent. */
  Type.Literal('battery_low'),
  /** Heart rate well above the normal range. */
  Type.Literal('heart_rate_high'),
  /** Blood oxygen below the normal range. */
  Type.Literal('low_spo2'),
  /** The band stops reporting. */
  Type.Literal('silent'),
]);
export type IncidentKind = Static<typeof IncidentKind>;

export const Incident = Type.Object(
  {
    band: Type.String({ minLength: 1, maxLength: 64 }),
    kind: IncidentKind,
    /** Minutes after the simulation starts. */
    atMinutes: Type.Number({ minimum: 0 }),
    /** How long it lasts; default depends on the kind (sos and fall: a moment, then still). */
    durationMinutes: Type.Optional(Type.Number({ minimum: 0 })),
    /** Compass heading for `wanders`, degrees. Default 45. */
    headingDegrees: Type.Optional(Type.Number({ minimum: 0, maximum: 360 })),
  },
  { additionalProperties: false },
);
export type Incident = Static<typeof Incident>;

/** Minutes an incident lasts when its config does not say. */
export const defaultDurationMinutes: Record<IncidentKind, number> = {
  sos: 0,
  fall: 60,
  removed: 60,
  still: 300,
  wanders: 40,
  battery_low: 24 * 60,
  heart_rate_high: 30,
  low_spo2: 30,
  silent: 60,
};

// `haven simulate bands --config <file>`: which broker, which bands (listed, or
// a fleet of alike ones), how fast time runs, and what happens to whom.
import { Type, type Static } from '@sinclair/typebox';
import { Incident } from './incidents.ts';
import type { SimulatedBand } from './simulator.ts';

const Place = Type.Object(
  {
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lon: Type.Number({ minimum: -180, maximum: 180 }),
  },
  { additionalProperties: false },
);

export const SimulatorConfig = Type.Object(
  {
    mqtt: Type.Object(
      { url: Type.String({ pattern: '^mqtts?://' }) },
      { additionalProperties: false },
    ),
    site: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
    /** Bands one by one, each with its own secret ("${VAR}" keeps it out of the file). */
    bands: Type.Array(
      Type.Object(
        {
          id: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }),
          secret: Type.String({ minLength: 1 }),
          home: Place,
          batteryPercent: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
        },
        { additionalProperties: false },
      ),
      { default: [] },
    ),
    /** Many alike bands: ids idPrefix + 001, 002, ... sharing one secret. */
    fleet: Type.Optional(
      Type.Object(
        {
          count: Type.Integer({ minimum: 1, maximum: 50_000 }),
          /** Default "sim-band-". */
          idPrefix: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,48}$', default: 'sim-band-' }),
          secret: Type.String({ minLength: 1 }),
          /** The middle of the community. */
          center: Place,
          /** Homes lie within this distance of the center. Default 500 m. */
          spreadM: Type.Number({ minimum: 0, maximum: 20_000, default: 500 }),
        },
        { additionalProperties: false },
      ),
    ),
    /** Simulated seconds between two samples of a band. Default 60. */
    reportIntervalSeconds: Type.Number({ minimum: 1, maximum: 86_400, default: 60 }),
    /** Simulated seconds per real second. Default 1. */
    speed: Type.Number({ minimum: 0.01, maximum: 100_000, default: 1 }),
    /** Simulated time at the start. Default now. */
    start: Type.Optional(Type.String({ format: 'date-time' })),
    /** Default 1. */
    seed: Type.Integer({ default: 1 }),
    incidents: Type.Array(Incident, { default: [] }),
    /** Stop after this many simulated minutes; without it, run until stopped. */
    durationMinutes: Type.Optional(Type.Number({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type SimulatorConfig = Static<typeof SimulatorConfig>;

/** The listed bands, then the fleet's, with homes spread around its center. */
export function bandsOf(config: SimulatorConfig): SimulatedBand[] {
  const bands: SimulatedBand[] = config.bands.map((band) => ({ ...band }));
  const fleet = config.fleet;
  if (fleet) {
    const width = Math.max(3, String(fleet.count).length);
    const metresPerDegree = 111_195;
    for (let index = 0; index < fleet.count; index++) {
      // A sunflower spiral: evenly spread homes, the same on every run.
      const radius = fleet.spreadM * Math.sqrt((index + 0.5) / fleet.count);
      const angle = index * 2.399963;
      bands.push({
        id: `${fleet.idPrefix}${String(index + 1).padStart(width, '0')}`,
        secret: fleet.secret,
        home: {
          lat: fleet.center.lat + (radius * Math.cos(angle)) / metresPerDegree,
          lon:
            fleet.center.lon +
            (radius * Math.sin(angle)) /
              (metresPerDegree * Math.cos((fleet.center.lat * Math.PI) / 180)),
        },
      });
    }
  }
  return bands;
}

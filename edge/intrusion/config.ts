// The edge's optional `intrusion` section: per camera, zones drawn on the
// camera's picture (normalised coordinates, 0..1 from the top-left), each
// armed on a schedule, for the classes of object that matter there. Without
// it no object detector loads.
import { Type, type Static } from '@sinclair/typebox';
import { objectClasses } from '../../models/people/objects.ts';

const Clock = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' });

export const ZoneSchedule = Type.Object(
  {
    /** Armed from this local time ("22:00") ... */
    from: Clock,
    /** ... until this one ("06:00"); a span past midnight wraps. */
    to: Clock,
    /** IANA time zone of the clock times. Default Asia/Shanghai. */
    timeZone: Type.String({ minLength: 1, maxLength: 64, default: 'Asia/Shanghai' }),
  },
  { additionalProperties: false },
);
export type ZoneSchedule = Static<typeof ZoneSchedule>;

export const IntrusionZone = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }),
    /** Shown with the alert ("car park, north fence"). */
    name: Type.String({ minLength: 1, maxLength: 128 }),
    /** Corners in order, x and y as fractions of the picture's width and height. */
    polygon: Type.Array(
      Type.Tuple([
        Type.Number({ minimum: 0, maximum: 1 }),
        Type.Number({ minimum: 0, maximum: 1 }),
      ]),
      { minItems: 3, maxItems: 64 },
    ),
    /** When the zone is armed; always when left out. */
    schedule: Type.Optional(ZoneSchedule),
    classes: Type.Array(Type.Union(objectClasses.map((name) => Type.Literal(name))), {
      minItems: 1,
      default: ['person'],
    }),
    /** Consecutive analysed frames an object must stand in the zone. Default 3. */
    dwellFrames: Type.Integer({ minimum: 1, maximum: 100, default: 3 }),
    /** The zone empty this long ends the intrusion; the next one alerts again. Default 60 s. */
    clearAfterMs: Type.Integer({ minimum: 0, default: 60_000 }),
    severity: Type.Union([Type.Literal('critical'), Type.Literal('warning')], {
      default: 'warning',
    }),
  },
  { additionalProperties: false },
);
export type IntrusionZone = Static<typeof IntrusionZone>;

export const EdgeIntrusionConfig = Type.Object(
  {
    modelsFolder: Type.Optional(Type.String()),
    detector: Type.Literal('yolox_nano', { default: 'yolox_nano' }),
    /** Minimum detector score (objectness × class probability). Default 0.45. */
    minScore: Type.Number({ minimum: 0.05, maximum: 1, default: 0.45 }),
    /** Run the detector only on frames with motion in an armed zone (or a count going). */
    motionGate: Type.Boolean({ default: true }),
    workers: Type.Integer({ minimum: 1, maximum: 8, default: 1 }),
    threadsPerWorker: Type.Integer({ minimum: 1, maximum: 8, default: 1 }),
    maxWaitingFrames: Type.Integer({ minimum: 1, default: 4 }),
    cameras: Type.Array(
      Type.Object(
        {
          /** A camera of the edge config's `cameras` section. */
          cameraId: Type.String({ maxLength: 64 }),
          zones: Type.Array(IntrusionZone, { minItems: 1 }),
        },
        { additionalProperties: false },
      ),
      { default: [] },
    ),
  },
  { additionalProperties: false },
);
export type EdgeIntrusionConfig = Static<typeof EdgeIntrusionConfig>;

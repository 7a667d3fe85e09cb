// The vitals API: a band's (or resident's) telemetry over a time range, cut
// into equal buckets for a chart. Both series stores answer with this shape.
import { Type, type Static } from '@sinclair/typebox';

export const VitalsQuery = Type.Object(
  {
    /** Start of the range (inclusive). */
    from: Type.String({ format: 'date-time', maxLength: 40 }),
    /** End of the range (exclusive). Default now. */
    to: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
    /** About how many buckets the chart wants. Default 300. */
    points: Type.Optional(Type.Integer({ minimum: 10, maximum: 2000 })),
  },
  { additionalProperties: false },
);
export type VitalsQuery = Static<typeof VitalsQuery>;

const Reading = Type.Object({
  mean: Type.Number(),
  min: Type.Number(),
  max: Type.Number(),
  /** Readings in the bucket. */
  count: Type.Integer(),
});
export type Reading = Static<typeof Reading>;

export const VitalsBucket = Type.Object({
  /** Start of the bucket. */
  time: Type.String({ format: 'date-time' }),
  heartRateBpm: Type.Optional(Reading),
  spo2Percent: Type.Optional(Reading),
  systolicMmHg: Type.Optional(Type.Number()),
  diastolicMmHg: Type.Optional(Type.Number()),
  temperatureC: Type.Optional(Type.Number()),
  /** The highest step count of the bucket (the counter restarts at midnight). */
  steps: Type.Optional(Type.Integer()),
  /** The lowest battery level of the bucket. */
  batteryPercent: Type.Optional(Type.Integer()),
});
export type VitalsBucket = Static<typeof VitalsBucket>;

export const VitalsResponse = Type.Object({
  bandId: Type.String(),
  resident: Type.Optional(Type.Object({ id: Type.String(), name: Type.String() })),
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  bucketSeconds: Type.Integer(),
  /** Which store answered; "embedded" while InfluxDB is absent or away. */
  source: Type.Union([Type.Literal('influx'), Type.Literal('embedded')]),
  buckets: Type.Array(VitalsBucket),
});
export type VitalsResponse = Static<typeof VitalsResponse>;

/** Bucket lengths a chart reads well, in seconds. */
const niceBuckets = [
  60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 604_800,
];

/** The shortest nice bucket that cuts the range into at most `points` buckets. */
export function bucketSecondsFor(rangeMs: number, points: number): number {
  const wanted = rangeMs / points / 1000;
  return niceBuckets.find((seconds) => seconds >= wanted) ?? niceBuckets.at(-1)!;
}

/** One band's range, as both series stores take it. */
export interface VitalsRange {
  bandId: string;
  fromMs: number;
  toMs: number;
  bucketSeconds: number;
}

/** Where history can be read from. */
export interface VitalsSource {
  readonly name: 'influx' | 'embedded';
  vitals(range: VitalsRange): Promise<VitalsBucket[]>;
}

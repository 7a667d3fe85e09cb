// How the hub judges patrol rounds. Every key has a default, so a hub config
// without a patrol section still loads.
import { Type, type Static } from '@sinclair/typebox';

export const PatrolConfig = Type.Object(
  {
    /** Two scans closer than this share of the expected walk are flagged. Default 0.5. */
    tooFastFraction: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.5 }),
    /** Walking pace for checkpoints that are not neighbours on a route. Default 1.2 m/s. */
    walkingSpeedMps: Type.Number({ exclusiveMinimum: 0, maximum: 10, default: 1.2 }),
    /** After a hub outage, rounds that started up to this long ago are judged. Default 12 h. */
    catchUpHours: Type.Number({ minimum: 0, maximum: 72, default: 12 }),
    /** Zone for the printed shift report. Default Asia/Shanghai. */
    timeZone: Type.String({ default: 'Asia/Shanghai' }),
  },
  { additionalProperties: false, default: {} },
);
export type PatrolConfig = Static<typeof PatrolConfig>;

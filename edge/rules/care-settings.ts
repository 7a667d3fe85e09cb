// Per-resident settings for the elderly-care rules. The edge config carries one
// set of community defaults and, per band, only what differs for its wearer;
// forBand() applies the band's override first, then the default.
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const clockTime = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' });
const latitude = Type.Number({ minimum: -90, maximum: 90 });
const longitude = Type.Number({ minimum: -180, maximum: 180 });

export const SafeArea = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('circle'),
      lat: latitude,
      lon: longitude,
      radiusM: Type.Number({ minimum: 10, maximum: 100_000 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('polygon'),
      /** Corners in order; the last joins the first. */
      points: Type.Array(
        Type.Object({ lat: latitude, lon: longitude }, { additionalProperties: false }),
        { minItems: 3, maxItems: 500 },
      ),
    },
    { additionalProperties: false },
  ),
]);
export type SafeArea = Static<typeof SafeArea>;

const BpmRange = Type.Object(
  {
    min: Type.Integer({ minimum: 20, maximum: 250 }),
    max: Type.Integer({ minimum: 20, maximum: 250 }),
  },
  { additionalProperties: false },
);

/** The fields, with their defaults only when `withDefaults` (overrides have none). */
function careFields(withDefaults: boolean) {
  const d = <S extends TSchema>(schema: S, value: unknown): S =>
    withDefaults ? ({ ...schema, default: value } as S) : schema;
  return {
    /** Heart rate outside this range for sustainedMinutes is a warning. Default 50–110. */
    heartRateBpm: d(BpmRange, { min: 50, max: 110 }),
    /** Two readings in a row outside this range are critical. Default 40–140. */
    criticalHeartRateBpm: d(BpmRange, { min: 40, max: 140 }),
    /** SpO2 below this for sustainedMinutes is a warning. Default 92 %. */
    lowSpo2Percent: d(Type.Integer({ minimum: 50, maximum: 100 }), 92),
    /** Two SpO2 readings in a row below this are critical. Default 88 %. */
    criticalSpo2Percent: d(Type.Integer({ minimum: 50, maximum: 100 }), 88),
    /** How long a vital sign must stay out of range (two readings at least). Default 5. */
    sustainedMinutes: d(Type.Number({ minimum: 0, maximum: 240 }), 5),
    /** Still out of range this long after it began: critical. Default 20. */
    criticalAfterMinutes: d(Type.Number({ minimum: 1, maximum: 1440 }), 20),
    /** Worn, reporting, no steps and no movement for this long in daytime. Default 240. */
    inactivityMinutes: d(Type.Number({ minimum: 10, maximum: 1440 }), 240),
    /** Local time (care.timeZone) when daytime starts. Default 07:00. */
    daytimeFrom: d(clockTime, '07:00'),
    /** Local time when daytime ends. Default 21:00. */
    daytimeTo: d(clockTime, '21:00'),
    /** A position this far from the last place of activity counts as moving. Default 50 m. */
    movementMeters: d(Type.Number({ minimum: 5, maximum: 5000 }), 50),
    /** Off the wrist this long is a warning. Default 15 minutes. */
    removedMinutes: d(Type.Number({ minimum: 0, maximum: 1440 }), 15),
    /** The band's reporting interval, when known; otherwise it is learned. */
    reportingIntervalSeconds: Type.Optional(Type.Integer({ minimum: 5, maximum: 86_400 })),
    /** Interval assumed until enough reports were seen to learn it. Default 300 s. */
    assumedIntervalSeconds: d(Type.Integer({ minimum: 5, maximum: 86_400 }), 300),
    /** Silent for this many reporting intervals: offline. Default 3. */
    missedReports: d(Type.Integer({ minimum: 2, maximum: 100 }), 3),
    /** Never offline sooner than this. Default 10 minutes. */
    minSilentMinutes: d(Type.Number({ minimum: 1, maximum: 1440 }), 10),
    /** Set for residents at risk of wandering: leaving the safe area is an alert. */
    wanders: d(Type.Boolean(), false),
    /** The safe area (a circle or a polygon); often the community's boundary. */
    safeArea: Type.Optional(SafeArea),
  };
}

export const CareDefaults = Type.Object(careFields(true), {
  additionalProperties: false,
  default: {},
});

export const CareOverride = Type.Object(
  {
    /** The band this applies to. */
    band: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }),
    /** At or below this the band raises low battery; default is rules.lowBatteryPercent. */
    lowBatteryPercent: Type.Optional(Type.Integer({ minimum: 1, maximum: 99 })),
    ...Type.Partial(Type.Object(careFields(false))).properties,
  },
  { additionalProperties: false },
);

export const CareConfig = Type.Object(
  {
    /** The community's time zone, for daytime hours. Default Asia/Shanghai. */
    timeZone: Type.String({ default: 'Asia/Shanghai', minLength: 1 }),
    defaults: CareDefaults,
    bands: Type.Array(CareOverride, { default: [] }),
  },
  { additionalProperties: false, default: {} },
);
export type CareConfig = Static<typeof CareConfig>;

export type CareSettings = Static<typeof CareDefaults> & { lowBatteryPercent: number };

export class CareSettingsBook {
  /** band id → its override */
  readonly #overrides = new Map<string, Static<typeof CareOverride>>();
  /** band id → resolved settings, made on first use */
  readonly #resolved = new Map<string, CareSettings>();

  constructor(
    private readonly config: CareConfig,
    private readonly lowBatteryPercent: number,
  ) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: config.timeZone });
    } catch {
      throw new Error(`care.timeZone "${config.timeZone}" is not a known time zone`);
    }
    for (const override of config.bands) {
      if (this.#overrides.has(override.band)) {
        throw new Error(`care.bands lists band ${override.band} twice`);
      }
      this.#overrides.set(override.band, override);
    }
    checkRanges('care.defaults', config.defaults);
    for (const override of config.bands) {
      checkRanges(`care.bands (${override.band})`, this.forBand(override.band));
    }
  }

  get timeZone(): string {
    return this.config.timeZone;
  }

  forBand(bandId: string): CareSettings {
    let settings = this.#resolved.get(bandId);
    if (!settings) {
      const override = this.#overrides.get(bandId) ?? { band: bandId };
      const defined = Object.fromEntries(
        Object.entries(override).filter(([key, value]) => key !== 'band' && value !== undefined),
      );
      settings = {
        ...this.config.defaults,
        lowBatteryPercent: this.lowBatteryPercent,
        ...defined,
      } as CareSettings;
      this.#resolved.set(bandId, settings);
    }
    return settings;
  }
}

function checkRanges(where: string, settings: Static<typeof CareDefaults>): void {
  const problems: string[] = [];
  const { heartRateBpm, criticalHeartRateBpm } = settings;
  if (heartRateBpm.min >= heartRateBpm.max) problems.push('heartRateBpm: min is not below max');
  if (criticalHeartRateBpm.min > heartRateBpm.min || criticalHeartRateBpm.max < heartRateBpm.max) {
    problems.push('criticalHeartRateBpm must contain heartRateBpm');
  }
  if (settings.criticalSpo2Percent > settings.lowSpo2Percent) {
    problems.push('criticalSpo2Percent is above lowSpo2Percent');
  }
  if (problems.length > 0) throw new Error(`${where}: ${problems.join('; ')}`);
}

/** How long a band may be silent before it is offline. */
export function silentTimeoutMs(settings: CareSettings, learnedIntervalMs?: number): number {
  const intervalMs =
    settings.reportingIntervalSeconds !== undefined
      ? settings.reportingIntervalSeconds * 1000
      : (learnedIntervalMs ?? settings.assumedIntervalSeconds * 1000);
  return Math.max(settings.minSilentMinutes * 60_000, settings.missedReports * intervalMs);
}

// Wristband messages as devices publish them at the edge:
//   haven/{site}/band/{id}/telemetry   BandTelemetry
//   haven/{site}/band/{id}/event       BandEvent
import { Type, type Static } from '@sinclair/typebox';

export const CellTower = Type.Object(
  {
    mcc: Type.Integer({ minimum: 0, maximum: 999 }),
    mnc: Type.Integer({ minimum: 0, maximum: 999 }),
    lac: Type.Integer({ minimum: 0 }),
    cid: Type.Integer({ minimum: 0 }),
    /** Some watches leave a cell's signal out. */
    rssi: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);

export const WifiAccessPoint = Type.Object(
  {
    ssid: Type.String({ maxLength: 64 }),
    mac: Type.String({ pattern: '^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){5}$' }),
    rssi: Type.Number(),
  },
  { additionalProperties: false },
);

export const Position = Type.Object(
  {
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    /** false when the device had no GPS fix; lat/lon are then not to be trusted */
    valid: Type.Optional(Type.Boolean()),
    accuracyM: Type.Optional(Type.Number({ minimum: 0 })),
    cells: Type.Optional(Type.Array(CellTower, { maxItems: 16 })),
    wifi: Type.Optional(Type.Array(WifiAccessPoint, { maxItems: 32 })),
  },
  { additionalProperties: false },
);
export type Position = Static<typeof Position>;

/** ISO-8601 time with an offset or Z, as the device measured it. */
export const Timestamp = Type.String({ format: 'date-time', maxLength: 40 });

export const BandTelemetry = Type.Object(
  {
    time: Timestamp,
    heartRateBpm: Type.Optional(Type.Integer({ minimum: 0, maximum: 300 })),
    spo2Percent: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    systolicMmHg: Type.Optional(Type.Integer({ minimum: 0, maximum: 300 })),
    diastolicMmHg: Type.Optional(Type.Integer({ minimum: 0, maximum: 250 })),
    temperatureC: Type.Optional(Type.Number({ minimum: 20, maximum: 45 })),
    steps: Type.Optional(Type.Integer({ minimum: 0 })),
    batteryPercent: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    worn: Type.Optional(Type.Boolean()),
    position: Type.Optional(Position),
  },
  { additionalProperties: false },
);
export type BandTelemetry = Static<typeof BandTelemetry>;

export const BandEventKind = Type.Union([
  Type.Literal('sos'),
  Type.Literal('fall'),
  Type.Literal('removed'),
  Type.Literal('low_battery'),
  Type.Literal('geofence_exit'),
  Type.Literal('geofence_enter'),
  Type.Literal('power_cut'),
  Type.Literal('alarm'),
]);
export type BandEventKind = Static<typeof BandEventKind>;

export const BandEvent = Type.Object(
  {
    time: Timestamp,
    kind: BandEventKind,
    batteryPercent: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    position: Type.Optional(Position),
  },
  { additionalProperties: false },
);
export type BandEvent = Static<typeof BandEvent>;

/** What the edge sends back on haven/{site}/band/{id}/command. */
export const BandCommand = Type.Object(
  {
    kind: Type.Union([Type.Literal('help_coming'), Type.Literal('alert_resolved')]),
    alertId: Type.String(),
    message: Type.String({ maxLength: 200 }),
    time: Timestamp,
  },
  { additionalProperties: false },
);
export type BandCommand = Static<typeof BandCommand>;

// The edge agent's config file: what site it serves, where its hub is, and the
// devices allowed to connect to its broker.
import { Type, type Static } from '@sinclair/typebox';
import { duplicates } from '../common/config.ts';
import { CamerasConfig } from './cameras/config.ts';
import { EdgeFacesConfig } from './faces/config.ts';
import { EdgeIntrusionConfig } from './intrusion/config.ts';
import { CareConfig } from './rules/care-settings.ts';
import { EdgeVehiclesConfig } from './vehicles/config.ts';

export const DeviceKind = Type.Union([
  Type.Literal('band'),
  Type.Literal('gate'),
  Type.Literal('patrol'),
  Type.Literal('camera'),
]);
export type DeviceKind = Static<typeof DeviceKind>;

export const RegisteredDevice = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }),
    kind: DeviceKind,
    /** scrypt hash of the device's MQTT password (see `haven hash-password --device`). */
    secretHash: Type.String({ pattern: '^scrypt\\$' }),
    /** The resident or place the device belongs to, for alerts. */
    subject: Type.Optional(Type.String({ maxLength: 128 })),
    /** A watch-protocol band: the id or IMEI it sends in its frames, when not its id. */
    watchId: Type.Optional(Type.String({ pattern: '^[0-9A-Za-z]{4,32}$' })),
  },
  { additionalProperties: false },
);
export type RegisteredDevice = Static<typeof RegisteredDevice>;

export const EdgeConfig = Type.Object(
  {
    edgeId: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }),
    site: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
    /** Folder for the outbox and device state (SQLite, WAL). */
    dataDir: Type.String({ default: '.data/edge' }),
    mqtt: Type.Object(
      {
        host: Type.String({ default: '127.0.0.1' }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 1883 }),
        /** Largest MQTT packet a device may send (bytes). Default 256 KiB. */
        maxPacketBytes: Type.Integer({ minimum: 1024, default: 256 * 1024 }),
      },
      { additionalProperties: false, default: {} },
    ),
    hub: Type.Object(
      {
        url: Type.String({ pattern: '^https?://' }),
        /** This edge's token at the hub; usually "${HAVEN_EDGE_TOKEN}". */
        token: Type.String({ minLength: 16 }),
        /** Items per ingest request. Default 500. */
        batchSize: Type.Integer({ minimum: 1, maximum: 1000, default: 500 }),
        /** Longest wait between retries while the hub is unreachable. Default 30 s. */
        maxBackoffMs: Type.Integer({ minimum: 100, default: 30_000 }),
      },
      { additionalProperties: false },
    ),
    rules: Type.Object(
      {
        /** At or below this the band raises low battery. Default 20 %. */
        lowBatteryPercent: Type.Integer({ minimum: 1, maximum: 99, default: 20 }),
        /** Battery must climb this far above the threshold to clear. Default 10. */
        batteryHysteresisPercent: Type.Integer({ minimum: 0, maximum: 50, default: 10 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /** Elderly-care rules: community defaults and per-band settings (rules/care-settings.ts). */
    care: CareConfig,
    /** Telemetry rows kept in the outbox while the hub is away; the oldest go first. */
    maxQueuedTelemetry: Type.Integer({ minimum: 1000, default: 500_000 }),
    devices: Type.Array(RegisteredDevice, { default: [] }),
    /** Cameras the edge pulls video from (edge/cameras/config.ts); none by default. */
    cameras: CamerasConfig,
    /** Face recognition at gates (edge/faces/config.ts); off when absent. */
    faces: Type.Optional(EdgeFacesConfig),
    /** Plate reading at vehicle barriers (edge/vehicles/config.ts); off when absent. */
    vehicles: Type.Optional(EdgeVehiclesConfig),
    /** People in zones at night (edge/intrusion/config.ts); off when absent. */
    intrusion: Type.Optional(EdgeIntrusionConfig),
    /** TCP gateway for watches speaking the bracket or IW/TRV protocol; off when absent. */
    watchGateway: Type.Optional(
      Type.Object(
        {
          host: Type.String({ default: '127.0.0.1' }),
          /** Default 7700. */
          port: Type.Integer({ minimum: 0, maximum: 65535, default: 7700 }),
          /** Hours east of UTC told to IW watches at login. Default 8 (Asia/Shanghai). */
          timeZoneHours: Type.Integer({ minimum: -12, maximum: 14, default: 8 }),
          /** A connection silent this long is closed. Default 15 minutes. */
          idleTimeoutMs: Type.Integer({ minimum: 1000, default: 900_000 }),
          /** Default 10 000. */
          maxConnections: Type.Integer({ minimum: 1, default: 10_000 }),
          /** Longest frame kept (voice chunks are about 1 KiB). Default 64 KiB. */
          maxFrameBytes: Type.Integer({ minimum: 1024, maximum: 1_048_576, default: 65_536 }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type EdgeConfig = Static<typeof EdgeConfig>;

/** Device ids (and watch ids) must each be unique. */
export function checkEdgeConfig(config: EdgeConfig): string[] {
  const watched = config.devices.flatMap((device, index) =>
    device.watchId === undefined ? [] : [{ watchId: device.watchId, index }],
  );
  return [
    ...duplicates(
      config.devices.map((d) => d.id),
      (i) => `/devices/${i}/id`,
      'device id',
    ),
    ...duplicates(
      watched.map((w) => w.watchId),
      (i) => `/devices/${watched[i]!.index}/watchId`,
      'watch id',
    ),
  ];
}

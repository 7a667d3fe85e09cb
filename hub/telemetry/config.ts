// The hub's optional `influx` section: where band telemetry series go. Without
// it the series stay in the embedded SQLite store.
import { Type, type Static } from '@sinclair/typebox';

export const InfluxConfig = Type.Object(
  {
    /** Default 127.0.0.1. */
    host: Type.String({ default: '127.0.0.1', minLength: 1 }),
    /** Default 8086. */
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 8086 }),
    /** Default http. */
    protocol: Type.Union([Type.Literal('http'), Type.Literal('https')], { default: 'http' }),
    /** Created when missing. Default "haven". */
    database: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', default: 'haven' }),
    username: Type.Optional(Type.String({ minLength: 1 })),
    /** Usually "${HAVEN_INFLUX_PASSWORD}". */
    password: Type.Optional(Type.String({ minLength: 1 })),
    /** Default "band_telemetry". */
    measurement: Type.String({
      pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$',
      default: 'band_telemetry',
    }),
    /** Points per write. Default 5000. */
    batchSize: Type.Integer({ minimum: 1, maximum: 50_000, default: 5000 }),
    /** How often new telemetry is looked for. Default 1000 ms. */
    flushIntervalMs: Type.Integer({ minimum: 50, maximum: 60_000, default: 1000 }),
    /** Longest wait between retries while InfluxDB is unreachable. Default 60 s. */
    maxBackoffMs: Type.Integer({ minimum: 100, maximum: 600_000, default: 60_000 }),
    /** Default 10 s. */
    requestTimeoutMs: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000 }),
    /**
     * Telemetry already in InfluxDB stays in the embedded store this long, for
     * charts while InfluxDB is away. Default 48 hours.
     */
    keepEmbeddedHours: Type.Number({ minimum: 0, maximum: 24 * 366, default: 48 }),
  },
  { additionalProperties: false },
);
export type InfluxConfig = Static<typeof InfluxConfig>;

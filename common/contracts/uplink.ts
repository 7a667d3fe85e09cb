// What an edge sends the hub (POST /api/edge/ingest) and what the hub sends back
// to an edge over its command channel (WebSocket /api/edge/commands).
import { Type, type Static } from '@sinclair/typebox';
import { AccessEvent } from './access.ts';
import { ClearedCondition, RaisedAlert } from './alert.ts';
import { BandEvent, BandTelemetry, Timestamp } from './band.ts';
import { PatrolScanReport } from './patrol.ts';

const Device = {
  site: Type.String(),
  deviceKind: Type.String(),
  deviceId: Type.String(),
};

export const UplinkItem = Type.Union([
  Type.Object({
    key: Type.String({ minLength: 8, maxLength: 128 }),
    kind: Type.Literal('alert'),
    body: RaisedAlert,
  }),
  Type.Object({
    key: Type.String({ minLength: 8, maxLength: 128 }),
    kind: Type.Literal('clear'),
    body: ClearedCondition,
  }),
  Type.Object({
    key: Type.String({ minLength: 8, maxLength: 128 }),
    kind: Type.Literal('band_event'),
    body: Type.Object({ ...Device, event: BandEvent }),
  }),
  Type.Object({
    key: Type.String({ minLength: 8, maxLength: 128 }),
    kind: Type.Literal('telemetry'),
    body: Type.Object({ ...Device, telemetry: BandTelemetry }),
  }),
  Type.Object({
    key: Type.String({ minLength: 8, maxLength: 128 }),
    kind: Type.Literal('device_status'),
    body: Type.Object({
      ...Device,
      online: Type.Boolean(),
      at: Timestamp,
    }),
  }),
  Type.Object({
    key: Type.String({ minLength: 8, maxLength: 128 }),
    kind: Type.Literal('patrol_scan'),
    body: Type.Object({ ...Device, scan: PatrolScanReport }),
  }),
  Type.Object({
    key: Type.String({ minLength: 8, maxLength: 128 }),
    kind: Type.Literal('access'),
    body: AccessEvent,
  }),
]);
export type UplinkItem = Static<typeof UplinkItem>;

// Each item is checked on its own against UplinkItem, so that one item the hub
// cannot take is set aside without holding up the rest of the edge's outbox.
export const IngestRequest = Type.Object({
  items: Type.Array(
    Type.Object(
      { key: Type.String({ minLength: 8, maxLength: 128 }) },
      {
        additionalProperties: true,
        description: 'an UplinkItem',
      },
    ),
    { minItems: 1, maxItems: 1000 },
  ),
});
export type IngestRequest = Static<typeof IngestRequest>;

export const IngestResponse = Type.Object({
  /** Keys the hub now holds (stored now or earlier); the edge may forget them. */
  accepted: Type.Array(Type.String()),
  /** Items the hub will never take, with the reason; the edge sets them aside. */
  rejected: Type.Array(Type.Object({ key: Type.String(), reason: Type.String() })),
});
export type IngestResponse = Static<typeof IngestResponse>;

/** A command from the hub for one device behind the edge. */
export const EdgeCommand = Type.Object({
  id: Type.String(),
  site: Type.String(),
  deviceKind: Type.String(),
  deviceId: Type.String(),
  payload: Type.Record(Type.String(), Type.Unknown()),
});
export type EdgeCommand = Static<typeof EdgeCommand>;

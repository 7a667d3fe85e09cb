// One band telemetry sample as an InfluxDB point. Every field has one fixed
// type (an integer is always written as an integer, a temperature of 37 still
// as a float), because InfluxDB refuses a write whose type differs from what a
// shard already holds. Tags: site, band, and the resident the band is bound
// to, by id and by name; the client escapes commas, spaces and "=" in them.
import { FieldType, type IPoint, type ISchemaOptions } from 'influx';
import type { BandTelemetry } from '../../common/contracts/band.ts';

export interface StoredTelemetry {
  /** Row id in the embedded store; the export cursor. */
  id: number;
  site: string;
  deviceId: string;
  atMs: number;
  telemetry: BandTelemetry;
  residentId?: string;
  residentName?: string;
}

export const integerFields = [
  'heartRateBpm',
  'spo2Percent',
  'systolicMmHg',
  'diastolicMmHg',
  'steps',
  'batteryPercent',
] as const;

export function bandSchema(measurement: string): ISchemaOptions {
  return {
    measurement,
    tags: ['site', 'band', 'resident', 'residentName'],
    fields: {
      ...Object.fromEntries(integerFields.map((field) => [field, FieldType.INTEGER])),
      temperatureC: FieldType.FLOAT,
      worn: FieldType.BOOLEAN,
      lat: FieldType.FLOAT,
      lon: FieldType.FLOAT,
      accuracyM: FieldType.FLOAT,
    },
  };
}

/** The point for a sample, or undefined when it carries no value worth a point. */
export function toPoint(measurement: string, row: StoredTelemetry): IPoint | undefined {
  const { telemetry } = row;
  const fields: Record<string, number | boolean> = {};
  for (const field of integerFields) {
    const value = telemetry[field];
    if (value !== undefined && Number.isFinite(value)) fields[field] = Math.round(value);
  }
  // Bands send 0 when they got no reading; that is not a heart rate.
  if (fields.heartRateBpm === 0) delete fields.heartRateBpm;
  if (fields.spo2Percent === 0) delete fields.spo2Percent;
  if (telemetry.temperatureC !== undefined && Number.isFinite(telemetry.temperatureC)) {
    fields.temperatureC = telemetry.temperatureC;
  }
  if (telemetry.worn !== undefined) fields.worn = telemetry.worn;
  const position = telemetry.position;
  if (position && position.valid !== false) {
    fields.lat = position.lat;
    fields.lon = position.lon;
    if (position.accuracyM !== undefined) fields.accuracyM = position.accuracyM;
  }
  if (Object.keys(fields).length === 0) return undefined;

  const tags: Record<string, string> = {};
  for (const [key, value] of [
    ['site', row.site],
    ['band', row.deviceId],
    ['resident', row.residentId],
    ['residentName', row.residentName],
  ] as const) {
    const clean = value === undefined ? '' : tagValue(value);
    if (clean) tags[key] = clean;
  }
  return { measurement, tags, fields, timestamp: row.atMs };
}

/**
 * Line protocol has no escape for line breaks, and a trailing backslash would
 * escape the separator after it; neither belongs in a name anyway.
 */
function tagValue(value: string): string {
  return value
    .replace(/\p{Cc}+/gu, ' ')
    .trim()
    .replace(/\\+$/, '')
    .slice(0, 256);
}

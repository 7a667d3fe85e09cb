// Decoded watch frames → Haven's band contracts (common/contracts/band.ts):
// alarm frames become one BandEvent per alarm (SOS, fall, removed, ...), and
// whatever the frame says about the wearer and the band becomes BandTelemetry.
// A value outside the contract's range is left out rather than sinking the
// whole message: an SOS must not be lost to an odd battery reading.
import type {
  BandEvent,
  BandEventKind,
  BandTelemetry,
  Position,
} from '../../common/contracts/band.ts';
import type { AlarmName, BracketMessage, DecodedCell } from './bracket-decoder.ts';
import type { IwAlarmName, IwMessage, IwWifi } from './iw-decoder.ts';

export interface BandMessages {
  /** Alarms, in the order the frame listed them. */
  events: BandEvent[];
  /** Absent when the frame says nothing about the band or its wearer. */
  telemetry?: BandTelemetry;
}

export interface ReceiveClock {
  /** When the frame arrived; the time of frames that carry none. */
  receivedAt: Date;
  /**
   * 'always': keep the device's time as sent (decoding captures).
   * 'recent': keep it only within a day before and 10 minutes after arrival;
   * watches with an unset clock report 2000-01-01 or local time as UTC.
   */
  deviceClock: 'always' | 'recent';
}

const bracketAlarmKinds: Record<AlarmName, BandEventKind> = {
  sos: 'sos',
  fallDown: 'fall',
  removing: 'removed',
  lowBattery: 'low_battery',
  geofenceExit: 'geofence_exit',
  geofenceEnter: 'geofence_enter',
  powerCut: 'power_cut',
  general: 'alarm',
};

const iwAlarmKinds: Record<IwAlarmName, BandEventKind> = { sos: 'sos', general: 'alarm' };

const maxCells = 16;
const maxWifi = 32;
const earliestDeviceTimeMs = 24 * 60 * 60_000;
const latestDeviceTimeMs = 10 * 60_000;

export function bracketToBand(message: BracketMessage, clock: ReceiveClock): BandMessages {
  const now = isoSeconds(clock.receivedAt);
  switch (message.kind) {
    case 'position':
    case 'alarm': {
      const time = deviceTime(message.time, clock);
      const position = positionOf(message, message.network.cells, message.network.wifi);
      // Only 8-digit status words have the taken-off bit.
      const worn =
        message.statusHex.length === 8 ? !message.alarmBitsSet.includes('removing') : undefined;
      const telemetry = telemetryOf(time, {
        batteryPercent: message.batteryPercent,
        steps: message.steps,
        worn,
        position,
      });
      const events =
        message.kind === 'alarm'
          ? message.alarmBitsSet.map((alarm) =>
              eventOf(time, bracketAlarmKinds[alarm], message.batteryPercent, position),
            )
          : [];
      return withTelemetry(events, telemetry);
    }
    case 'heartbeat':
      return withTelemetry(
        [],
        telemetryOf(now, { steps: message.steps, batteryPercent: message.batteryPercent }),
      );
    case 'health':
      return withTelemetry(
        [],
        telemetryOf(now, {
          heartRateBpm: message.heartRate,
          spo2Percent: message.spo2,
          systolicMmHg: message.bpSystolic,
          diastolicMmHg: message.bpDiastolic,
          temperatureC: message.bodyTempC,
        }),
      );
    default:
      return { events: [] };
  }
}

export function iwToBand(message: IwMessage, clock: ReceiveClock): BandMessages {
  const now = isoSeconds(clock.receivedAt);
  switch (message.kind) {
    case 'position':
    case 'alarm': {
      const time = deviceTime(message.time, clock);
      const position = positionOf(message, [message.cell], message.wifi);
      // Known shortcoming: IW battery values are taken as percent; some firmware may differ.
      const telemetry = telemetryOf(time, { batteryPercent: message.batteryRaw, position });
      const events =
        message.kind === 'alarm'
          ? message.alarms.map((alarm) =>
              eventOf(time, iwAlarmKinds[alarm], message.batteryRaw, position),
            )
          : [];
      return withTelemetry(events, telemetry);
    }
    case 'lbsWifi': {
      const cells = message.cells.map((cell) => ({ mcc: message.mcc, mnc: message.mnc, ...cell }));
      // No GPS fix: the contract's position needs coordinates, so zeros marked not valid.
      const position = positionOf({ lat: 0, lon: 0, valid: false }, cells, message.wifi);
      return withTelemetry([], telemetryOf(now, { position }));
    }
    case 'heartbeat':
      return withTelemetry(
        [],
        telemetryOf(now, { steps: message.steps, batteryPercent: message.batteryRaw }),
      );
    case 'status':
      return withTelemetry([], telemetryOf(now, { batteryPercent: message.batteryRaw }));
    case 'health':
      return withTelemetry(
        [],
        telemetryOf(now, {
          heartRateBpm: message.heartRate,
          spo2Percent: message.spo2,
          systolicMmHg: message.bpSystolic,
          diastolicMmHg: message.bpDiastolic,
          temperatureC: message.bodyTempC,
          batteryPercent: message.batteryRaw,
        }),
      );
    default:
      return { events: [] };
  }
}

interface TelemetryValues {
  heartRateBpm?: number;
  spo2Percent?: number;
  systolicMmHg?: number;
  diastolicMmHg?: number;
  temperatureC?: number;
  steps?: number;
  batteryPercent?: number;
  worn?: boolean;
  position?: Position;
}

/** Telemetry with the values inside the contract's ranges; undefined when none is left. */
function telemetryOf(time: string, values: TelemetryValues): BandTelemetry | undefined {
  const telemetry: BandTelemetry = {
    time,
    ...integerWithin('heartRateBpm', values.heartRateBpm, 1, 300),
    ...integerWithin('spo2Percent', values.spo2Percent, 1, 100),
    ...integerWithin('systolicMmHg', values.systolicMmHg, 1, 300),
    ...integerWithin('diastolicMmHg', values.diastolicMmHg, 1, 250),
    ...numberWithin('temperatureC', values.temperatureC, 20, 45),
    ...integerWithin('steps', values.steps, 0, Number.MAX_SAFE_INTEGER),
    ...integerWithin('batteryPercent', values.batteryPercent, 0, 100),
    ...(values.worn !== undefined && { worn: values.worn }),
    ...(values.position && { position: values.position }),
  };
  return Object.keys(telemetry).length > 1 ? telemetry : undefined;
}

function eventOf(
  time: string,
  kind: BandEventKind,
  batteryPercent: number | undefined,
  position: Position | undefined,
): BandEvent {
  return {
    time,
    kind,
    ...integerWithin('batteryPercent', batteryPercent, 0, 100),
    ...(position && { position }),
  };
}

function positionOf(
  fix: { lat: number; lon: number; valid: boolean },
  cells: readonly DecodedCell[],
  wifi: readonly IwWifi[],
): Position | undefined {
  if (!Number.isFinite(fix.lat) || !Number.isFinite(fix.lon)) return undefined;
  if (Math.abs(fix.lat) > 90 || Math.abs(fix.lon) > 180) return undefined;
  const towers = cells
    .filter((cell) => cell.mcc <= 999 && cell.mnc <= 999 && cell.lac >= 0 && cell.cid >= 0)
    .slice(0, maxCells)
    .map((cell) => ({
      mcc: cell.mcc,
      mnc: cell.mnc,
      lac: cell.lac,
      cid: cell.cid,
      ...(cell.rssi !== undefined && { rssi: cell.rssi }),
    }));
  const accessPoints = wifi
    .slice(0, maxWifi)
    .map((ap) => ({ ssid: ap.ssid.slice(0, 64), mac: ap.mac, rssi: ap.rssi }));
  return {
    lat: fix.lat,
    lon: fix.lon,
    valid: fix.valid,
    ...(towers.length > 0 && { cells: towers }),
    ...(accessPoints.length > 0 && { wifi: accessPoints }),
  };
}

function withTelemetry(events: BandEvent[], telemetry: BandTelemetry | undefined): BandMessages {
  return telemetry ? { events, telemetry } : { events };
}

function deviceTime(sent: string, clock: ReceiveClock): string {
  if (clock.deviceClock === 'always') return sent;
  const offsetMs = Date.parse(sent) - clock.receivedAt.getTime();
  const believable = offsetMs >= -earliestDeviceTimeMs && offsetMs <= latestDeviceTimeMs;
  return believable ? sent : isoSeconds(clock.receivedAt);
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}

function integerWithin<K extends string>(
  key: K,
  value: number | undefined,
  min: number,
  max: number,
): { [P in K]?: number } {
  const fits = value !== undefined && Number.isInteger(value) && value >= min && value <= max;
  return (fits ? { [key]: value } : {}) as { [P in K]?: number };
}

function numberWithin<K extends string>(
  key: K,
  value: number | undefined,
  min: number,
  max: number,
): { [P in K]?: number } {
  const fits = value !== undefined && Number.isFinite(value) && value >= min && value <= max;
  return (fits ? { [key]: value } : {}) as { [P in K]?: number };
}

// Decodes one bracket frame ([3G*...], [SG*...], [CS*...], [ZJ*...]) into the
// values the device sent, named as in ../shared/protocols/watch.md. The
// mapping to Haven's band contracts is band-messages.ts; this file only reads.
// Large results are built by assignment: V8 makes {...a, ...b} of two big
// objects slow (tens of microseconds a frame).
import {
  FrameError,
  decimalOrHexInteger,
  frameText,
  isMac,
  isoTime,
  normalizeMac,
  optionalDecimal,
  optionalInteger,
  requiredDecimal,
  roundCoordinate,
  sixDigits,
} from './fields.ts';

export interface BracketHeader {
  vendor: string;
  deviceId: string;
  /** ZJ firmware numbers its frames; replies repeat the number. */
  sequence?: string;
  declaredLength: number;
  actualLength: number;
  lengthMatches: boolean;
  type: string;
}

export type AlarmName =
  | 'sos'
  | 'fallDown'
  | 'removing'
  | 'lowBattery'
  | 'geofenceExit'
  | 'geofenceEnter'
  | 'powerCut'
  | 'general';

export interface DecodedCell {
  mcc: number;
  mnc: number;
  lac: number;
  cid: number;
  rssi?: number;
}

export interface DecodedWifi {
  ssid: string;
  mac: string;
  rssi: number;
}

export interface NetworkReport {
  timingAdvance?: string;
  cells: DecodedCell[];
  wifi: DecodedWifi[];
  /** Wi-Fi entries with a placeholder or unreadable MAC or signal. */
  skippedWifiEntries?: number;
  /** Values after the Wi-Fi list (accuracy on some firmware). */
  trailing?: string[];
}

export interface PositionReport {
  time: string;
  valid: boolean;
  lat: number;
  lon: number;
  latHemisphere: 'N' | 'S' | null;
  lonHemisphere: 'E' | 'W' | null;
  speedKmh?: number;
  course?: number;
  altitudeM?: number;
  satellites?: number;
  gsmSignal?: number;
  batteryPercent?: number;
  steps?: number;
  rolls?: number;
  statusHex: string;
  /** Alarm bits of the status word; ['general'] for an alarm frame with none. */
  alarmBitsSet: AlarmName[];
  /** Other set bits of the status word, lowest first. */
  otherStatusBits?: number[];
  network: NetworkReport;
}

export interface HealthReport {
  heartRate?: number;
  spo2?: number;
  spo2ValidFlag?: number;
  bpSystolic?: number;
  bpDiastolic?: number;
  bodyTempC?: number;
  tempValidFlag?: number;
}

export type BracketMessage = BracketHeader &
  (
    | ({ kind: 'position' | 'alarm' } & PositionReport)
    | { kind: 'heartbeat'; steps?: number; rolls?: number; batteryPercent?: number }
    | ({ kind: 'health' } & HealthReport)
    | { kind: 'voiceQueryAck' }
    | { kind: 'media' }
    | { kind: 'other' }
  );

export type BracketDecodeResult =
  | { ok: true; message: BracketMessage }
  | { ok: false; reason: string; detail?: string; deviceId?: string };

const positionTypes = new Set(['UD', 'UD2', 'UD3', 'UD_LTE', 'UD_WCDMA', 'WT']);
const alarmTypes = new Set(['AL', 'AL_LTE', 'AL_WCDMA', 'ALCUSTOMER1']);
/** Voice and image uploads: binary payloads, framed but not decoded. */
const mediaTypes = new Set(['TK', 'JXTK', 'TK2']);
const voiceQueryTypes = new Set(['TKQ', 'TKQ2']);

const headerPattern =
  /^\[([0-9A-Za-z]{2,4})\*([0-9A-Za-z]{1,32})\*(?:([0-9A-Fa-f]{4})\*)?([0-9A-Fa-f]{4})\*/;
const typePattern = /^[A-Za-z0-9_]{1,24}$/;

/** Status bit → alarm; bits 17-22 repeat 0-2 and add the wearer's alarms. */
const alarmBits = new Map<number, AlarmName>([
  [0, 'lowBattery'],
  [1, 'geofenceExit'],
  [2, 'geofenceEnter'],
  [14, 'powerCut'],
  [16, 'sos'],
  [17, 'lowBattery'],
  [18, 'geofenceExit'],
  [19, 'geofenceEnter'],
  [20, 'removing'],
  [21, 'fallDown'],
  [22, 'fallDown'],
]);

export function decodeBracketFrame(bytes: Buffer): BracketDecodeResult {
  let header: BracketHeader | undefined;
  try {
    const parsed = readHeader(bytes);
    header = parsed.header;
    return { ok: true, message: decodeContent(header, parsed.content) };
  } catch (error) {
    if (!(error instanceof FrameError)) throw error;
    return {
      ok: false,
      reason: error.reason,
      ...(error.detail !== undefined && { detail: error.detail }),
      ...(header && { deviceId: header.deviceId }),
    };
  }
}

function readHeader(bytes: Buffer): { header: BracketHeader; content: Buffer } {
  const start = bytes.subarray(0, 64).toString('latin1');
  const match = headerPattern.exec(start);
  if (!match) throw new FrameError('bad frame header');
  if (bytes[bytes.length - 1] !== 0x5d) throw new FrameError('frame does not end with ]');

  const [whole, vendor, deviceId, sequence, length] = match;
  const content = bytes.subarray(whole.length, bytes.length - 1);
  const comma = content.indexOf(0x2c);
  const type = content.subarray(0, comma < 0 ? content.length : comma).toString('latin1');
  if (!typePattern.test(type)) throw new FrameError('bad message type');

  const declaredLength = parseInt(length!, 16);
  const header: BracketHeader = {
    vendor: vendor!,
    deviceId: deviceId!,
    ...(sequence !== undefined && { sequence }),
    declaredLength,
    actualLength: content.length,
    lengthMatches: declaredLength === content.length,
    type,
  };
  return { header, content };
}

function decodeContent(header: BracketHeader, content: Buffer): BracketMessage {
  const { type } = header;
  if (mediaTypes.has(type)) return { ...header, kind: 'media' };
  if (voiceQueryTypes.has(type)) return { ...header, kind: 'voiceQueryAck' };

  const fields = frameText(content).split(',').slice(1);
  if (positionTypes.has(type)) return positionReport(header, 'position', fields);
  if (alarmTypes.has(type)) {
    const report = positionReport(header, 'alarm', fields);
    if (report.alarmBitsSet.length === 0) report.alarmBitsSet = ['general'];
    return report;
  }
  if (type === 'LK') {
    const [steps, rolls, battery] = fields;
    return {
      ...header,
      kind: 'heartbeat',
      ...defined('steps', optionalInteger(steps, 'steps')),
      ...defined('rolls', optionalInteger(rolls, 'rolls')),
      ...defined('batteryPercent', optionalInteger(battery, 'battery')),
    };
  }
  const health = healthReport(type, fields);
  if (health) return Object.assign({ kind: 'health' as const }, header, health);
  return { ...header, kind: 'other' };
}

function healthReport(type: string, fields: string[]): HealthReport | undefined {
  switch (type) {
    case 'PULSE':
    case 'heart':
      return heartRate(fields[0]);
    case 'oxygen': {
      const flag = optionalInteger(fields[0], 'oxygen flag');
      const spo2 = optionalInteger(fields[1], 'SpO2');
      return {
        ...defined('spo2ValidFlag', flag),
        ...(flag !== 0 && defined('spo2', spo2)),
      };
    }
    case 'BLOOD':
      return bloodPressure(fields[0], fields[1]);
    case 'bphrt':
      return { ...bloodPressure(fields[0], fields[1]), ...heartRate(fields[2]) };
    case 'TEMP':
      return defined('bodyTempC', optionalDecimal(fields[0], 'temperature'));
    case 'btemp2': {
      const flag = optionalInteger(fields[0], 'temperature flag');
      const celsius = optionalDecimal(fields[1], 'temperature');
      return {
        ...defined('tempValidFlag', flag),
        ...(flag !== 0 && defined('bodyTempC', celsius)),
      };
    }
    default:
      return undefined;
  }
}

/** 0 bpm means the band had no reading. */
function heartRate(text: string | undefined): HealthReport {
  const bpm = optionalInteger(text, 'heart rate');
  return bpm ? { heartRate: bpm } : {};
}

function bloodPressure(systolic: string | undefined, diastolic: string | undefined): HealthReport {
  return {
    ...defined('bpSystolic', optionalInteger(systolic, 'systolic pressure')),
    ...defined('bpDiastolic', optionalInteger(diastolic, 'diastolic pressure')),
  };
}

/** The first 16 fields of UD/AL frames, then cells, Wi-Fi and trailing values. */
function positionReport<K extends 'position' | 'alarm'>(
  header: BracketHeader,
  kind: K,
  fields: string[],
): BracketHeader & { kind: K } & PositionReport {
  if (fields.length < 16) {
    throw new FrameError('position report too short', `${fields.length} of 16 fields`);
  }
  const [day, month, year] = sixDigits(fields[0], 'date');
  const [hour, minute, second] = sixDigits(fields[1], 'time');
  const latHemisphere = hemisphere(fields[4], ['N', 'S']);
  const lonHemisphere = hemisphere(fields[6], ['E', 'W']);
  const status = statusWord(fields[15]!);

  return compact(header, {
    kind,
    time: isoTime({ year, month, day, hour, minute, second }),
    valid: fields[2]?.trim() === 'A',
    lat: signed(requiredDecimal(fields[3], 'latitude'), latHemisphere === 'S', 90, 'latitude'),
    lon: signed(requiredDecimal(fields[5], 'longitude'), lonHemisphere === 'W', 180, 'longitude'),
    latHemisphere,
    lonHemisphere,
    speedKmh: optionalDecimal(fields[7], 'speed'),
    course: optionalDecimal(fields[8], 'course'),
    altitudeM: optionalDecimal(fields[9], 'altitude'),
    satellites: optionalInteger(fields[10], 'satellites'),
    gsmSignal: optionalInteger(fields[11], 'GSM signal'),
    batteryPercent: optionalInteger(fields[12], 'battery'),
    steps: optionalInteger(fields[13], 'steps'),
    rolls: optionalInteger(fields[14], 'rolls'),
    statusHex: status.statusHex,
    alarmBitsSet: status.alarmBitsSet,
    otherStatusBits: status.otherStatusBits,
    network: networkReport(fields.slice(16)),
  });
}

function hemisphere<H extends string>(text: string | undefined, allowed: [H, H]): H | null {
  const trimmed = text?.trim() ?? '';
  if (trimmed === '') return null;
  if (!(allowed as string[]).includes(trimmed)) throw new FrameError('bad hemisphere letter');
  return trimmed as H;
}

/** A minus sign already in the number and S/W agree; neither flips the other back. */
function signed(value: number, negative: boolean, limit: number, name: string): number {
  if (Math.abs(value) > limit) throw new FrameError(`${name} out of range`);
  return roundCoordinate(negative ? -Math.abs(value) : value);
}

function statusWord(
  text: string,
): Pick<PositionReport, 'statusHex' | 'alarmBitsSet' | 'otherStatusBits'> {
  const statusHex = text.trim();
  if (!/^[0-9A-Fa-f]{1,8}$/.test(statusHex)) throw new FrameError('bad status word');
  const value = parseInt(statusHex, 16);
  const alarms: AlarmName[] = [];
  const other: number[] = [];
  for (let bit = 0; bit < 32; bit++) {
    if (Math.floor(value / 2 ** bit) % 2 === 0) continue;
    const alarm = alarmBits.get(bit);
    if (alarm === undefined) other.push(bit);
    else if (!alarms.includes(alarm)) alarms.push(alarm);
  }
  return { statusHex, alarmBitsSet: alarms, ...(other.length > 0 && { otherStatusBits: other }) };
}

/**
 * cells: count, then (when count > 0) timing advance, mcc, mnc and lac, cid,
 * rssi per cell; then a Wi-Fi count and ssid, mac, rssi per access point.
 */
function networkReport(fields: string[]): NetworkReport {
  let index = 0;
  const cells: DecodedCell[] = [];
  let timingAdvance: string | undefined;

  const cellCount = optionalInteger(fields[index++], 'cell count') ?? 0;
  if (cellCount < 0 || cellCount > 32) throw new FrameError('bad cell count');
  if (cellCount > 0) {
    timingAdvance = fields[index++]?.trim() ?? '';
    const mcc = optionalInteger(fields[index++], 'MCC') ?? 0;
    const mnc = optionalInteger(fields[index++], 'MNC') ?? 0;
    for (let cell = 0; cell < cellCount; cell++) {
      const [lac, cid, rssi] = fields.slice(index, index + 3);
      if (cid === undefined) throw new FrameError('cell list shorter than its count');
      index += 3;
      const signal = optionalInteger(rssi, 'cell signal');
      cells.push({
        mcc,
        mnc,
        lac: decimalOrHexInteger(lac!, 'LAC'),
        cid: decimalOrHexInteger(cid, 'cell id'),
        ...defined('rssi', signal),
      });
    }
  }

  const wifi: DecodedWifi[] = [];
  let skipped = 0;
  const wifiField = fields[index]?.trim() ?? '';
  if (/^\d{1,2}$/.test(wifiField)) {
    index++;
    const wifiCount = Number(wifiField);
    for (let entry = 0; entry < wifiCount && index < fields.length; entry++) {
      const read = wifiEntry(fields, index);
      index = read.next;
      if (read.accessPoint) wifi.push(read.accessPoint);
      else skipped++;
    }
  }

  const trailing = fields.slice(index);
  return {
    ...defined('timingAdvance', timingAdvance),
    cells,
    wifi,
    ...(skipped > 0 && { skippedWifiEntries: skipped }),
    ...(trailing.length > 0 && { trailing }),
  };
}

/** Reads ssid, mac, rssi at `index`; an SSID with commas in it runs up to the next MAC. */
function wifiEntry(fields: string[], index: number): { accessPoint?: DecodedWifi; next: number } {
  let macIndex = index + 1;
  const placeholder = (text: string | undefined): boolean =>
    text === undefined || text.trim() === '' || text.trim() === '0';
  if (!isMac(fields[macIndex] ?? '') && !placeholder(fields[macIndex])) {
    for (let look = index + 2; look < Math.min(fields.length, index + 8); look++) {
      if (isMac(fields[look]!) && /^-?\d+$/.test(fields[look + 1]?.trim() ?? '')) {
        macIndex = look;
        break;
      }
    }
  }
  const ssid = fields.slice(index, macIndex).join(',');
  const mac = normalizeMac(fields[macIndex] ?? '');
  const rssiText = fields[macIndex + 1]?.trim() ?? '';
  const next = macIndex + 2;
  if (mac === undefined || !/^[+-]?\d+$/.test(rssiText)) return { next };
  return { accessPoint: { ssid, mac, rssi: Number(rssiText) }, next };
}

/** `{ [key]: value }` when value is defined, else nothing; for spreading. */
function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Header and values in one object, without undefined values (fields left empty). */
function compact<H extends object, T extends object>(header: H, values: T): H & T {
  const result: Record<string, unknown> = {};
  for (const part of [header, values]) {
    for (const [key, value] of Object.entries(part)) {
      if (value !== undefined) result[key] = value;
    }
  }
  return result as H & T;
}

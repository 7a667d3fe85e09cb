// Decodes one IW/TRV frame (IWAP01..., TRVYP14...) into the values the device
// sent. Positions pack date, fix, coordinates, speed, time, course and a run
// of status digits into one field; cells and Wi-Fi follow after commas.
import {
  FrameError,
  frameText,
  isoTime,
  normalizeMac,
  optionalDecimal,
  optionalInteger,
  roundCoordinate,
} from './fields.ts';

export interface IwHeader {
  header: 'IW' | 'TRV';
  /** Letter, 'P' and two letters or digits: AP01, YP14, CP01, APHP. */
  type: string;
}

export interface IwCell {
  mcc: number;
  mnc: number;
  lac: number;
  cid: number;
}

export interface IwWifi {
  ssid: string;
  mac: string;
  rssi: number;
}

/** GSM signal, satellites, battery and flags, packed as digits. */
export interface IwStatus {
  gsmSignal: number;
  satellites: number;
  batteryRaw: number;
  accFlag: number;
  armFlag: number;
  workMode: number;
}

export interface IwPosition extends IwStatus {
  time: string;
  valid: boolean;
  lat: number;
  lon: number;
  speedKmh: number;
  course: number;
  extraDigits?: string;
  cell: IwCell;
  wifi: IwWifi[];
}

export type IwAlarmName = 'sos' | 'general';

export type IwMessage = IwHeader &
  (
    | { kind: 'login'; imei: string }
    | ({ kind: 'position' } & IwPosition)
    | ({ kind: 'alarm' } & IwPosition & AlarmFields)
    | ({ kind: 'lbsWifi' } & CellsAndWifi)
    | ({ kind: 'heartbeat' } & Partial<IwStatus> & { steps?: number; rolls?: number })
    | ({ kind: 'health' } & IwHealth)
    | ({ kind: 'status' } & StatusReport)
    | { kind: 'ignored' }
  );

interface AlarmFields {
  alarmCode: string;
  /** Alarm code 00 is none, 01 SOS; any other code is an alarm of unknown kind. */
  alarms: IwAlarmName[];
  language: string;
  replyFlag: string;
}

interface CellsAndWifi {
  language: string;
  replyFlag: string;
  mcc: number;
  mnc: number;
  cells: { lac: number; cid: number; rssi: number }[];
  wifiCount: number;
  wifi: IwWifi[];
}

export interface IwHealth {
  heartRate?: number;
  bpSystolic?: number;
  bpDiastolic?: number;
  spo2?: number;
  bloodSugar?: number;
  bodyTempC?: number;
  batteryRaw?: number;
}

/** CP01 calls its satellite count gpsSatellites. */
type StatusReport = Partial<Omit<IwStatus, 'satellites'>> & {
  gpsSatellites?: number;
} & StatusExtension;

interface StatusExtension {
  intervalRaw?: number;
  vibrationAlarmFlag?: number;
  vibrationSensitivity?: number;
  autoArmFlag?: number;
  autoArmTime?: string;
  blockedFlag?: number;
  powerFlag?: number;
  movementFlag?: number;
}

export type IwDecodeResult =
  { ok: true; message: IwMessage } | { ok: false; reason: string; detail?: string };

const headerPattern = /^(IW|TRV)([A-Z]P[0-9A-Z]{2})/;

// date yymmdd, A/V, lat ddmm.mmmm N/S, lon dddmm.mmmm E/W, speed ddd.d,
// time hhmmss, course ddd.dd, gsm ddd, satellites ddd, battery ddd, acc d,
// arm dd, mode dd, then optional extra digits.
const positionPattern = new RegExp(
  '^(\\d{2})(\\d{2})(\\d{2})([AV])' +
    '(\\d{2})(\\d{2}\\.\\d+)([NS])(\\d{3})(\\d{2}\\.\\d+)([EW])' +
    '(\\d{3}\\.\\d)(\\d{2})(\\d{2})(\\d{2})([\\d.]{6})' +
    '(\\d{3})(\\d{3})(\\d{3})(\\d)(\\d{2})(\\d{2})(\\d*)$',
);

const statusPattern = /^(\d{3})(\d{3})(\d{3})(\d)(\d{2})(\d{2})(\d*)$/;

export function decodeIwFrame(bytes: Buffer): IwDecodeResult {
  try {
    return { ok: true, message: decodeText(frameText(bytes)) };
  } catch (error) {
    if (!(error instanceof FrameError)) throw error;
    return {
      ok: false,
      reason: error.reason,
      ...(error.detail !== undefined && { detail: error.detail }),
    };
  }
}

function decodeText(text: string): IwMessage {
  const match = headerPattern.exec(text);
  if (!match) throw new FrameError('bad frame header');
  const header: IwHeader = { header: match[1] as 'IW' | 'TRV', type: match[2]! };
  const rest = text.slice(match[0].length).replace(/#\s*$/, '');

  switch (header.type) {
    case 'AP00':
      return { ...header, kind: 'login', imei: imei(rest) };
    case 'AP01':
    case 'YP03':
    case 'YP14':
      return Object.assign({ kind: 'position' as const }, header, positionWithCell(rest));
    case 'AP10':
      return Object.assign({ kind: 'alarm' as const }, header, alarm(rest));
    case 'AP02':
      return Object.assign({ kind: 'lbsWifi' as const }, header, cellsAndWifi(rest));
    case 'AP03':
      return Object.assign({ kind: 'heartbeat' as const }, header, heartbeat(rest));
    case 'AP49':
    case 'APHT':
    case 'APHP':
    case 'AP50':
      return Object.assign({ kind: 'health' as const }, header, health(header.type, rest));
    case 'CP01':
      return Object.assign({ kind: 'status' as const }, header, status(rest));
    default:
      return { ...header, kind: 'ignored' };
  }
}

function imei(rest: string): string {
  const id = rest.split(',')[0]!.trim();
  if (!/^[0-9A-Za-z]{4,20}$/.test(id)) throw new FrameError('bad device id in login');
  return id;
}

function positionWithCell(rest: string): IwPosition {
  const fields = rest.split(',');
  const position = packedPosition(fields[0]!);
  const cell = cellAt(fields, 1);
  return Object.assign(position, { cell, wifi: wifiList(fields.slice(5).join(',')) });
}

function alarm(rest: string): IwPosition & AlarmFields {
  const fields = rest.split(',');
  const position = packedPosition(fields[0]!);
  const cell = cellAt(fields, 1);
  const alarmCode = fields[5]?.trim() ?? '';
  if (!/^\d{2}$/.test(alarmCode)) throw new FrameError('bad alarm code');
  const alarms: IwAlarmName[] =
    alarmCode === '00' ? [] : alarmCode === '01' ? ['sos'] : ['general'];
  return Object.assign(position, {
    cell,
    alarmCode,
    alarms,
    language: fields[6]?.trim() ?? '',
    replyFlag: fields[7]?.trim() ?? '',
    wifi: wifiList(fields.slice(8).join(',')),
  });
}

function packedPosition(packed: string): Omit<IwPosition, 'cell' | 'wifi'> {
  const match = positionPattern.exec(packed.trim());
  if (!match) throw new FrameError('position report does not match its layout');
  const n = (index: number): number => Number(match[index]);
  const latitude = n(5) + n(6) / 60;
  const longitude = n(8) + n(9) / 60;
  if (latitude > 90 || longitude > 180) throw new FrameError('coordinates out of range');
  const extraDigits = match[22]!;
  return {
    time: isoTime({
      year: n(1),
      month: n(2),
      day: n(3),
      hour: n(12),
      minute: n(13),
      second: n(14),
    }),
    valid: match[4] === 'A',
    lat: roundCoordinate(match[7] === 'S' ? -latitude : latitude),
    lon: roundCoordinate(match[10] === 'W' ? -longitude : longitude),
    speedKmh: n(11),
    course: courseOf(match[15]!),
    gsmSignal: n(16),
    satellites: n(17),
    batteryRaw: n(18),
    accFlag: n(19),
    armFlag: n(20),
    workMode: n(21),
    ...(extraDigits !== '' && { extraDigits }),
  };
}

function courseOf(text: string): number {
  const course = Number(text);
  if (!Number.isFinite(course)) throw new FrameError('course is not a number');
  return course;
}

function cellAt(fields: string[], index: number): IwCell {
  const values = fields.slice(index, index + 4).map((text) => optionalInteger(text, 'cell'));
  if (values.length < 4 || values.some((value) => value === undefined)) {
    throw new FrameError('cell is incomplete');
  }
  const [mcc, mnc, lac, cid] = values as number[];
  return { mcc: mcc!, mnc: mnc!, lac: lac!, cid: cid! };
}

/** `name|AA-BB-CC-DD-EE-FF|signal` entries joined by '&'; unreadable entries are left out. */
function wifiList(text: string): IwWifi[] {
  const list: IwWifi[] = [];
  if (text.trim() === '') return list;
  for (const entry of text.split('&')) {
    const parts = entry.split('|');
    if (parts.length < 3) continue;
    const signal = parts[parts.length - 1]!.trim();
    const mac = normalizeMac(parts[parts.length - 2]!);
    if (mac === undefined || !/^[+-]?\d+$/.test(signal)) continue;
    list.push({ ssid: parts.slice(0, -2).join('|').trim(), mac, rssi: Number(signal) });
  }
  return list;
}

/** ,language,reply,cellCount,mcc,mnc,lac|cid|rssi...,wifiCount,wifi */
function cellsAndWifi(rest: string): CellsAndWifi {
  const fields = rest.split(',');
  const [, language, replyFlag, countText, mccText, mncText] = fields;
  const cellCount = optionalInteger(countText, 'cell count') ?? 0;
  if (cellCount < 0 || cellCount > 32) throw new FrameError('bad cell count');
  const mcc = optionalInteger(mccText, 'MCC') ?? 0;
  const mnc = optionalInteger(mncText, 'MNC') ?? 0;
  const cells = fields.slice(6, 6 + cellCount).map((text) => {
    const parts = text.split('|').map((part) => optionalInteger(part, 'cell'));
    if (parts.length !== 3 || parts.some((part) => part === undefined)) {
      throw new FrameError('cell is incomplete');
    }
    const [lac, cid, rssi] = parts as number[];
    return { lac: lac!, cid: cid!, rssi: rssi! };
  });
  if (cells.length < cellCount) throw new FrameError('cell list shorter than its count');
  const wifiCount = optionalInteger(fields[6 + cellCount], 'Wi-Fi count') ?? 0;
  return {
    language: language?.trim() ?? '',
    replyFlag: replyFlag?.trim() ?? '',
    mcc,
    mnc,
    cells,
    wifiCount,
    wifi: wifiList(fields.slice(7 + cellCount).join(',')),
  };
}

function packedStatus(text: string | undefined): Partial<IwStatus> & { extra: string } {
  const match = statusPattern.exec(text?.trim() ?? '');
  if (!match) throw new FrameError('status does not match its layout');
  const n = (index: number): number => Number(match[index]);
  return {
    gsmSignal: n(1),
    satellites: n(2),
    batteryRaw: n(3),
    accFlag: n(4),
    armFlag: n(5),
    workMode: n(6),
    extra: match[7]!,
  };
}

/** ,status,steps,rolls */
function heartbeat(rest: string): Partial<IwStatus> & { steps?: number; rolls?: number } {
  const fields = rest.split(',');
  const packed: Partial<IwStatus> & { extra?: string } = packedStatus(fields[1]);
  delete packed.extra;
  const steps = optionalInteger(fields[2], 'steps');
  const rolls = optionalInteger(fields[3], 'rolls');
  return {
    ...packed,
    ...(steps !== undefined && { steps }),
    ...(rolls !== undefined && { rolls }),
  };
}

function health(type: string, rest: string): IwHealth {
  const fields = rest.split(',').slice(1);
  const int = (index: number, name: string): number | undefined =>
    optionalInteger(fields[index], name);
  const decimal = (index: number, name: string): number | undefined =>
    optionalDecimal(fields[index], name);
  const values: IwHealth =
    type === 'AP49'
      ? { heartRate: int(0, 'heart rate') }
      : type === 'APHT'
        ? {
            heartRate: int(0, 'heart rate'),
            bpSystolic: int(1, 'systolic pressure'),
            bpDiastolic: int(2, 'diastolic pressure'),
          }
        : type === 'APHP'
          ? {
              heartRate: int(0, 'heart rate'),
              bpSystolic: int(1, 'systolic pressure'),
              bpDiastolic: int(2, 'diastolic pressure'),
              spo2: int(3, 'SpO2'),
              bloodSugar: decimal(4, 'blood sugar'),
              bodyTempC: decimal(5, 'temperature'),
            }
          : { bodyTempC: decimal(0, 'temperature'), batteryRaw: int(1, 'battery') };
  // 0 bpm means the watch had no reading.
  if (values.heartRate === 0) values.heartRate = undefined;
  return Object.fromEntries(
    Object.entries(values).filter(([, value]) => value !== undefined),
  ) as IwHealth;
}

/** CP01: packed status, then (newer firmware) interval and arming settings. */
function status(rest: string): StatusReport {
  const { extra, satellites, ...others } = packedStatus(rest.split(',')[1]);
  const packed = { ...others, ...(satellites !== undefined && { gpsSatellites: satellites }) };
  const settings = /^(\d{3})(\d)(\d{3})(\d)(\d{4})(\d)(\d)(\d)/.exec(extra);
  if (!settings) return packed;
  return {
    ...packed,
    intervalRaw: Number(settings[1]),
    vibrationAlarmFlag: Number(settings[2]),
    vibrationSensitivity: Number(settings[3]),
    autoArmFlag: Number(settings[4]),
    autoArmTime: settings[5]!,
    blockedFlag: Number(settings[6]),
    powerFlag: Number(settings[7]),
    movementFlag: Number(settings[8]),
  };
}

// What Haven reads out of each ONVIF response. Every value is read from the
// camera's XML as text, by local name: the `onvif` package's own reading turns
// number-like text into numbers (hardware id "88" → 88, video source token
// "0" → 0), which breaks tokens sent back to the camera and ids shown to people.
import { parsePosixTimeZone } from './posix-time-zone.ts';
import type { XmlElement } from './soap-reader.ts';

export interface DeviceInformation {
  manufacturer: string;
  model: string;
  firmwareVersion: string;
  serialNumber: string;
  hardwareId: string;
  /** False when the manufacturer is a placeholder white-label firmware leaves ("", "NONE", ...). */
  manufacturerKnown: boolean;
}

/** Manufacturer strings that name no manufacturer, seen on real cameras. */
const placeholderManufacturers = new Set([
  '',
  'NONE',
  'ONVIF',
  'ONVIF_IPNC',
  'H264',
  'IPC',
  'IPCAM',
]);

export function readDeviceInformation(response: XmlElement): DeviceInformation {
  const field = (name: string): string => response.textAt(name) ?? '';
  const manufacturer = field('Manufacturer');
  return {
    manufacturer,
    model: field('Model'),
    firmwareVersion: field('FirmwareVersion'),
    serialNumber: field('SerialNumber'),
    hardwareId: field('HardwareId'),
    manufacturerKnown: !placeholderManufacturers.has(manufacturer.toUpperCase()),
  };
}

export interface DeviceClock {
  /** "Manual" or "NTP". */
  dateTimeType: string;
  daylightSavings: boolean;
  /** The camera's TZ string as sent (usually POSIX, sometimes a Windows-style name). */
  timeZone: string | undefined;
  /** The camera's UTC clock, "YYYY-MM-DDTHH:MM:SS"; use this one for clock skew. */
  utcDateTime: string | undefined;
  /** The camera's local clock, same form. */
  localDateTime: string | undefined;
  /**
   * Local minus UTC in minutes: from the camera's two clocks when it sends both,
   * else from the standard offset of its POSIX time zone.
   */
  utcOffsetMinutes: number | undefined;
}

export function readClock(response: XmlElement): DeviceClock {
  const clock = response.child('SystemDateAndTime');
  const utcDateTime = readDateTime(clock?.child('UTCDateTime'));
  const localDateTime = readDateTime(clock?.child('LocalDateTime'));
  const timeZone = clock?.textAt('TimeZone', 'TZ') || undefined;
  let utcOffsetMinutes: number | undefined;
  if (utcDateTime && localDateTime) {
    const differenceMs = Date.parse(`${localDateTime}Z`) - Date.parse(`${utcDateTime}Z`);
    utcOffsetMinutes = Math.round(differenceMs / 60_000);
  } else if (timeZone) {
    utcOffsetMinutes = parsePosixTimeZone(timeZone)?.standardOffsetMinutes;
  }
  return {
    dateTimeType: clock?.textAt('DateTimeType') ?? '',
    daylightSavings: clock?.textAt('DaylightSavings') === 'true',
    timeZone,
    utcDateTime,
    localDateTime,
    utcOffsetMinutes,
  };
}

function readDateTime(element: XmlElement | undefined): string | undefined {
  const date = element?.child('Date');
  const time = element?.child('Time');
  if (!date || !time) return undefined;
  const part = (parent: XmlElement, name: string, width: number): string =>
    (parent.textAt(name) ?? '0').padStart(width, '0');
  return (
    `${part(date, 'Year', 4)}-${part(date, 'Month', 2)}-${part(date, 'Day', 2)}` +
    `T${part(time, 'Hour', 2)}:${part(time, 'Minute', 2)}:${part(time, 'Second', 2)}`
  );
}

export interface DeviceCapabilities {
  /** Service address by category ("Media", "PTZ", "Extension.DeviceIO", ...). */
  xaddrs: Record<string, string>;
  streaming: { rtpMulticast: boolean; rtpTcp: boolean; rtpRtspTcp: boolean } | undefined;
}

export function readCapabilities(response: XmlElement): DeviceCapabilities {
  const capabilities = response.child('Capabilities');
  const xaddrs: Record<string, string> = {};
  for (const category of capabilities?.children ?? []) {
    if (category.name === 'Extension') {
      for (const extension of category.children) {
        const xaddr = extension.textAt('XAddr');
        if (xaddr) xaddrs[`Extension.${extension.name}`] = xaddr;
      }
      continue;
    }
    const xaddr = category.textAt('XAddr');
    if (xaddr) xaddrs[category.name] = xaddr;
  }
  const streaming = capabilities?.at('Media', 'StreamingCapabilities');
  return {
    xaddrs,
    streaming: streaming && {
      rtpMulticast: streaming.textAt('RTPMulticast') === 'true',
      rtpTcp: streaming.textAt('RTP_TCP') === 'true',
      rtpRtspTcp: streaming.textAt('RTP_RTSP_TCP') === 'true',
    },
  };
}

export interface DeviceService {
  namespace: string;
  xaddr: string;
  /** "major.minor", e.g. "2.42". */
  version: string | undefined;
}

export function readServices(response: XmlElement): DeviceService[] {
  return response.all('Service').map((service) => {
    const major = service.textAt('Version', 'Major');
    const minor = service.textAt('Version', 'Minor');
    return {
      namespace: service.textAt('Namespace') ?? '',
      xaddr: service.textAt('XAddr') ?? '',
      version: major === undefined ? undefined : `${major}.${minor ?? '0'}`,
    };
  });
}

/** The encoder's bitrate limit when it has none: INT32_MAX. */
export const unlimitedBitrateKbps = 2_147_483_647;

export interface VideoEncoding {
  /** As the camera names it: "H264", "H265" (also in the old Media service), "JPEG", ... */
  encoding: string | undefined;
  width: number | undefined;
  height: number | undefined;
  framesPerSecond: number | undefined;
  bitrateKbps: number | undefined;
  /** The camera set no bitrate limit (it reports INT32_MAX). */
  bitrateUnlimited: boolean;
  h264Profile: string | undefined;
  /** Frames between keyframes. */
  govLength: number | undefined;
}

export interface MediaProfile {
  token: string;
  name: string;
  /** Whether the profile cannot be deleted; undefined when the camera does not say. */
  fixed: boolean | undefined;
  /** Undefined for a profile without a video encoder. */
  video: VideoEncoding | undefined;
  videoSourceToken: string | undefined;
  /** The part of the sensor the profile shows. */
  bounds: { x: number; y: number; width: number; height: number } | undefined;
  audioEncoding: string | undefined;
  /** The profile has a PTZ configuration (presets work with its token). */
  ptz: boolean;
}

/** Reads GetProfiles of the Media service (ver10) or of Media2 (ver20). */
export function readProfiles(response: XmlElement): MediaProfile[] {
  return response.all('Profiles').map((profile) => {
    // Media2 groups the configurations; Media names each one "...Configuration".
    const media2 = profile.child('Configurations');
    const configuration = (media1Name: string, media2Name: string): XmlElement | undefined =>
      media2 ? media2.child(media2Name) : profile.child(media1Name);
    const encoder = configuration('VideoEncoderConfiguration', 'VideoEncoder');
    const source = configuration('VideoSourceConfiguration', 'VideoSource');
    const bounds = source?.child('Bounds');
    const fixed = profile.attributes.fixed;
    return {
      token: profile.attributes.token ?? '',
      name: profile.textAt('Name') ?? '',
      fixed: fixed === undefined ? undefined : fixed === 'true',
      video: encoder && readVideoEncoding(encoder),
      videoSourceToken: source?.textAt('SourceToken'),
      bounds: bounds && {
        x: Number(bounds.attributes.x),
        y: Number(bounds.attributes.y),
        width: Number(bounds.attributes.width),
        height: Number(bounds.attributes.height),
      },
      audioEncoding: configuration('AudioEncoderConfiguration', 'AudioEncoder')?.textAt('Encoding'),
      ptz: configuration('PTZConfiguration', 'PTZ') !== undefined,
    };
  });
}

function readVideoEncoding(encoder: XmlElement): VideoEncoding {
  const number = (text: string | undefined): number | undefined =>
    text === undefined || text === '' || Number.isNaN(Number(text)) ? undefined : Number(text);
  const bitrateKbps = number(encoder.textAt('RateControl', 'BitrateLimit'));
  return {
    encoding: encoder.textAt('Encoding'),
    width: number(encoder.textAt('Resolution', 'Width')),
    height: number(encoder.textAt('Resolution', 'Height')),
    framesPerSecond: number(encoder.textAt('RateControl', 'FrameRateLimit')),
    bitrateKbps,
    bitrateUnlimited: bitrateKbps === unlimitedBitrateKbps,
    h264Profile: encoder.textAt('H264', 'H264Profile') ?? encoder.attributes.Profile,
    govLength: number(encoder.textAt('H264', 'GovLength') ?? encoder.attributes.GovLength),
  };
}

export interface MediaUri {
  uri: string;
  /** How long the URI stays valid, as an ISO 8601 duration ("PT60S"); Media only. */
  timeout: string | undefined;
}

/** GetStreamUri / GetSnapshotUri of Media (Uri inside MediaUri) or Media2 (Uri directly). */
export function readMediaUri(response: XmlElement): MediaUri {
  const wrapped = response.child('MediaUri');
  const uri = (wrapped ?? response).textAt('Uri');
  if (!uri) throw new Error(`${response.name} holds no Uri`);
  return { uri, timeout: wrapped?.textAt('Timeout') };
}

export interface SoapFaultDetails {
  /** The Code's Value, then each Subcode's Value, outermost first ("env:Sender", "ter:..."). */
  faultCodes: string[];
  reason: string;
  detail: string | undefined;
}

export function readFault(fault: XmlElement): SoapFaultDetails {
  const faultCodes: string[] = [];
  let code = fault.child('Code');
  while (code) {
    const value = code.textAt('Value');
    if (value) faultCodes.push(value);
    code = code.child('Subcode');
  }
  const detail = fault.child('Detail');
  return {
    faultCodes,
    reason: fault.textAt('Reason', 'Text') ?? fault.textAt('Reason') ?? '',
    detail: detail ? (detail.textAt('Text') ?? detail.text) : undefined,
  };
}

export interface ProbeMatch {
  /** The device's stable id (urn:uuid:...). */
  address: string;
  types: string[];
  scopes: string[];
  /** Device service addresses; a camera may list several (http, https, link-local). */
  xaddrs: string[];
  metadataVersion: string | undefined;
}

/** Reads a WS-Discovery ProbeMatches body. Lists are split on any whitespace, newlines too. */
export function readProbeMatches(response: XmlElement): ProbeMatch[] {
  const list = (text: string | undefined): string[] =>
    (text ?? '').split(/\s+/).filter((item) => item !== '');
  return response.all('ProbeMatch').map((match) => ({
    address: match.textAt('EndpointReference', 'Address') ?? '',
    types: list(match.textAt('Types')),
    scopes: list(match.textAt('Scopes')),
    xaddrs: list(match.textAt('XAddrs')),
    metadataVersion: match.textAt('MetadataVersion'),
  }));
}

/** The decoded value of an onvif://www.onvif.org/<kind>/<value> scope ("name", "hardware"). */
export function scopeValue(scopes: readonly string[], kind: string): string | undefined {
  const prefix = `onvif://www.onvif.org/${kind}/`;
  const scope = scopes.find((candidate) => candidate.startsWith(prefix));
  if (scope === undefined) return undefined;
  try {
    return decodeURIComponent(scope.slice(prefix.length));
  } catch {
    return scope.slice(prefix.length);
  }
}

// Haven's ONVIF client. The `onvif` package does the talking (WS-Security and
// HTTP digest authentication, the camera's clock offset, request bodies, which
// service address each request goes to); every answer is then read here from
// the camera's own XML (onvif-responses.ts), because the package's reading
// loses types and, on some cameras, whole answers. Corrections, each tested:
//   - values stay text: tokens "0" and ids "88" are not turned into numbers;
//   - the time zone, DST flag and local clock are read, not only UTC;
//   - a SOAP fault becomes an OnvifError with every code level, the reason and
//     the detail; NotAuthorized means bad credentials, not an offline camera;
//   - tokens sent back to the camera are XML-escaped;
//   - service addresses keep the configured host and port: cameras report
//     addresses that are unreachable from the edge (NAT, a second interface);
//   - one request at a time per camera, each with a deadline of its own.
import { format as formatUrl, parse as parseUrl, type UrlWithStringQuery } from 'node:url';
import onvif, { type Cam } from 'onvif';
import type { Logger } from '../../common/log.ts';
import {
  readCapabilities,
  readClock,
  readDeviceInformation,
  readFault,
  readMediaUri,
  readProfiles,
  readServices,
  type DeviceCapabilities,
  type DeviceClock,
  type DeviceInformation,
  type DeviceService,
  type MediaProfile,
  type MediaUri,
  type SoapFaultDetails,
} from './onvif-responses.ts';
import { readSoapBody, type XmlElement } from './soap-reader.ts';

/** Which media service to ask: auto uses Media2 (Profile T) when the camera lists it. */
export type MediaService = 'auto' | 'media1' | 'media2';

export interface OnvifCameraOptions {
  /** The device service, e.g. "http://192.168.1.20/onvif/device_service". */
  deviceUrl: string;
  username?: string;
  password?: string;
  /** How long one request may take. Default 10 s. */
  timeoutMs?: number;
  /** Default "auto". */
  mediaService?: MediaService;
}

export type OnvifErrorKind =
  'unreachable' | 'not-authorized' | 'not-supported' | 'invalid-argument' | 'fault' | 'unreadable';

export class OnvifError extends Error {
  /** A stable code, e.g. HAVEN_ONVIF_NOT_AUTHORIZED. */
  readonly code: string;

  constructor(
    readonly kind: OnvifErrorKind,
    message: string,
    /** The SOAP fault, when the camera answered with one. */
    readonly fault?: SoapFaultDetails,
  ) {
    super(message);
    this.code = `HAVEN_ONVIF_${kind.toUpperCase().replace(/-/g, '_')}`;
  }
}

/** Service namespaces → the package's names for them in Cam#uri. */
const serviceNames: Record<string, string> = {
  'http://www.onvif.org/ver10/device/wsdl': 'device',
  'http://www.onvif.org/ver10/media/wsdl': 'media',
  'http://www.onvif.org/ver20/media/wsdl': 'media2',
  'http://www.onvif.org/ver20/ptz/wsdl': 'ptz',
  'http://www.onvif.org/ver20/imaging/wsdl': 'imaging',
  'http://www.onvif.org/ver10/events/wsdl': 'events',
};
/** GetCapabilities categories → the same names. */
const capabilityNames: Record<string, string> = {
  Device: 'device',
  Media: 'media',
  PTZ: 'ptz',
  Imaging: 'imaging',
  Events: 'events',
};

const networkErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

type PackageCallback = (error: Error | null) => void;

export class OnvifCamera {
  readonly #cam: Cam;
  readonly #device: URL;
  readonly #timeoutMs: number;
  readonly #mediaService: MediaService;
  readonly #log: Logger;
  /** Requests run one after another; this is the tail of that line. */
  #queue: Promise<unknown> = Promise.resolve();
  #connecting: Promise<void> | undefined;
  #clock: DeviceClock | undefined;
  #services: DeviceService[] | undefined;

  constructor(options: OnvifCameraOptions, log: Logger) {
    const device = new URL(options.deviceUrl);
    if (device.protocol !== 'http:' && device.protocol !== 'https:') {
      throw new Error(`ONVIF device URL must be http(s): ${device.protocol}//${device.host}`);
    }
    this.#device = device;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#mediaService = options.mediaService ?? 'auto';
    this.#log = log.child({ onvif: device.host });
    this.#cam = new onvif.Cam({
      hostname: device.hostname,
      port: Number(device.port || (device.protocol === 'https:' ? 443 : 80)),
      path: device.pathname,
      useSecure: device.protocol === 'https:',
      username: options.username,
      password: options.password,
      timeout: this.#timeoutMs,
      autoconnect: false,
      preserveAddress: true,
    });
    // The package emits 'warning' for odd devices; without a listener nothing breaks,
    // but the operator should see them.
    this.#cam.on('warning', (warning: unknown) => {
      this.#log.warn({ warning: String(warning) }, 'ONVIF client warning');
    });
  }

  /**
   * Reads the camera's clock (for WS-Security timestamps) and where its services
   * are. Other calls do this first by themselves; it runs once until it fails.
   */
  async connect(): Promise<void> {
    this.#connecting ??= this.#connect().catch((error: unknown) => {
      this.#connecting = undefined;
      throw error;
    });
    return this.#connecting;
  }

  /** The clock read by connect(), if the camera answered. */
  get clockAtConnect(): DeviceClock | undefined {
    return this.#clock;
  }

  async clock(): Promise<DeviceClock> {
    const response = await this.#request('GetSystemDateAndTime', (cam, done) =>
      cam.getSystemDateAndTime(done),
    );
    return readClock(response);
  }

  async deviceInformation(): Promise<DeviceInformation> {
    await this.connect();
    const response = await this.#request('GetDeviceInformation', (cam, done) =>
      cam.getDeviceInformation(done),
    );
    return readDeviceInformation(response);
  }

  async capabilities(): Promise<DeviceCapabilities> {
    const response = await this.#request('GetCapabilities', (cam, done) =>
      cam.getCapabilities(done),
    );
    return readCapabilities(response);
  }

  async services(): Promise<DeviceService[]> {
    const response = await this.#request('GetServices', (cam, done) =>
      cam.getServices(false, done),
    );
    return readServices(response);
  }

  async profiles(): Promise<MediaProfile[]> {
    await this.#useMediaService();
    const response = await this.#request('GetProfiles', (cam, done) => cam.getProfiles(done));
    return readProfiles(response);
  }

  /** The RTSP address of a profile's stream (RTP over RTSP over TCP). */
  async streamUri(profileToken: string): Promise<MediaUri> {
    await this.#useMediaService();
    const response = await this.#request('GetStreamUri', (cam, done) =>
      cam.getStreamUri({ protocol: 'RTSP', profileToken: escapeXml(profileToken) }, done),
    );
    return readMediaUri(response);
  }

  /** The HTTP address of a JPEG snapshot of a profile; it may be on another port. */
  async snapshotUri(profileToken: string): Promise<MediaUri> {
    await this.#useMediaService();
    const response = await this.#request('GetSnapshotUri', (cam, done) =>
      cam.getSnapshotUri({ profileToken: escapeXml(profileToken) }, done),
    );
    return readMediaUri(response);
  }

  /** Turns a PTZ camera to a stored preset. */
  async gotoPreset(profileToken: string, presetToken: string): Promise<void> {
    await this.connect();
    if (!this.#cam.uri?.ptz) {
      throw new OnvifError('not-supported', `camera ${this.#device.host} offers no PTZ service`);
    }
    await this.#request('GotoPreset', (cam, done) =>
      cam.gotoPreset(
        { profileToken: escapeXml(profileToken), preset: escapeXml(presetToken) },
        done,
      ),
    );
  }

  async #connect(): Promise<void> {
    try {
      this.#clock = await this.clock();
    } catch (error) {
      // Some cameras refuse or lack GetSystemDateAndTime; requests then carry our
      // own time, which works unless the camera's clock is far off.
      if (!(error instanceof OnvifError) || error.kind === 'unreachable') throw error;
      if (error.kind === 'not-authorized') throw error;
      this.#log.warn({ reason: error.message }, 'camera clock unknown');
    }

    try {
      const services = await this.services();
      this.#services = services;
      this.#setServiceAddresses(
        services.map((service) => [serviceNames[service.namespace], service.xaddr]),
      );
    } catch (error) {
      // The first ONVIF versions have no GetServices; GetCapabilities lists the same.
      if (!(error instanceof OnvifError) || error.kind === 'unreachable') throw error;
      if (error.kind === 'not-authorized') throw error;
      const capabilities = await this.capabilities();
      this.#setServiceAddresses(
        Object.entries(capabilities.xaddrs).map(([name, xaddr]) => [capabilityNames[name], xaddr]),
      );
    }
  }

  /**
   * Points the package at each service, on the configured host and port.
   * Shortcoming: a service the camera serves on another port than its device service is missed.
   */
  #setServiceAddresses(entries: [string | undefined, string][]): void {
    const uri: Record<string, UrlWithStringQuery> = {};
    for (const [name, xaddr] of entries) {
      if (!name || uri[name]) continue;
      let reported: URL;
      try {
        reported = new URL(xaddr);
      } catch {
        this.#log.warn({ service: name, xaddr }, 'camera reported an unreadable service address');
        continue;
      }
      const onDevice = new URL(reported.pathname + reported.search, this.#device);
      uri[name] = parseUrl(formatUrl(onDevice));
    }
    uri.device ??= parseUrl(formatUrl(this.#device));
    this.#cam.uri = uri;
  }

  async #useMediaService(): Promise<void> {
    await this.connect();
    const uri = this.#cam.uri ?? {};
    const listsMedia2 =
      this.#services?.some((service) => serviceNames[service.namespace] === 'media2') ?? false;
    const media2 =
      this.#mediaService === 'media2' || (this.#mediaService === 'auto' && listsMedia2);
    // A camera without separate addresses serves media on its device address.
    uri.media ??= uri.device;
    if (media2) uri.media2 ??= uri.media;
    this.#cam.uri = uri;
    this.#cam.media2Support = media2;
  }

  /**
   * Runs one package call and reads the camera's XML answer: its Body's first
   * element, or an OnvifError for a fault, a refused login or no answer.
   */
  #request(
    operation: string,
    invoke: (cam: Cam, done: PackageCallback) => void,
  ): Promise<XmlElement> {
    const run = async (): Promise<XmlElement> => {
      const { error, xml } = await this.#callPackage(invoke);
      if (xml !== undefined) {
        let body: XmlElement;
        try {
          body = await readSoapBody(xml);
        } catch (unreadable) {
          throw new OnvifError(
            'unreadable',
            `${operation} on ${this.#device.host}: ${(unreadable as Error).message}`,
          );
        }
        if (body.name === 'Fault') throw faultError(operation, this.#device.host, body);
        return body;
      }
      throw classifyError(operation, this.#device.host, error);
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  /** Calls the package once; resolves with its error and the raw XML it received. */
  #callPackage(
    invoke: (cam: Cam, done: PackageCallback) => void,
  ): Promise<{ error: Error | null; xml: string | undefined }> {
    return new Promise((resolve) => {
      let xml: string | undefined;
      let settled = false;
      const onResponse = (body: string): void => {
        xml = body;
      };
      const finish = (error: Error | null): void => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        this.#cam.removeListener('rawResponse', onResponse);
        resolve({ error, xml });
      };
      // The package's own timeout covers the socket; this one covers the rest.
      const deadline = setTimeout(
        () => finish(new Error('Network timeout')),
        this.#timeoutMs + 1_000,
      );
      this.#cam.on('rawResponse', onResponse);
      try {
        // The package may call back twice when its own reading throws; the first wins.
        invoke(this.#cam, (error) => finish(error));
      } catch (error) {
        finish(error as Error);
      }
    });
  }
}

function faultError(operation: string, host: string, body: XmlElement): OnvifError {
  const fault = readFault(body);
  const codes = fault.faultCodes.map((code) => code.replace(/^.*:/, ''));
  let kind: OnvifErrorKind = 'fault';
  if (codes.includes('NotAuthorized')) kind = 'not-authorized';
  else if (codes.some((code) => /^(ActionNotSupported|OptionalActionNotImplemented)$/.test(code))) {
    kind = 'not-supported';
  } else if (codes.includes('InvalidArgVal') || codes.includes('InvalidArgs')) {
    kind = 'invalid-argument';
  }
  const detail = fault.detail ? ` (${fault.detail})` : '';
  return new OnvifError(
    kind,
    `${operation} on ${host} failed: ${fault.reason || 'no reason given'}${detail} ` +
      `[${fault.faultCodes.join(' / ')}]`,
    fault,
  );
}

function classifyError(operation: string, host: string, error: Error | null): OnvifError {
  const message = error?.message ?? 'no answer';
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (/Digest authentication failed|401/.test(message)) {
    return new OnvifError(
      'not-authorized',
      `${operation} on ${host}: user name or password refused`,
    );
  }
  if ((code && networkErrorCodes.has(code)) || /Network timeout|socket hang up/.test(message)) {
    return new OnvifError('unreachable', `${operation} on ${host}: ${message}`);
  }
  return new OnvifError('unreadable', `${operation} on ${host}: ${message}`);
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

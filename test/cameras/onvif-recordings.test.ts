// Haven's ONVIF client against responses recorded from real cameras, served by
// a SOAP endpoint on 127.0.0.1: every recording in ../shared/data/onvif must be
// read to the values its README gives.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/log.ts';
import { OnvifCamera, OnvifError, type MediaService } from '../../edge/cameras/onvif.ts';
import {
  readProbeMatches,
  type DeviceCapabilities,
  type DeviceClock,
  type DeviceInformation,
  type DeviceService,
  type MediaProfile,
  type MediaUri,
  type ProbeMatch,
  type SoapFaultDetails,
} from '../../edge/cameras/onvif-responses.ts';
import { readSoapBody } from '../../edge/cameras/soap-reader.ts';
import {
  RecordedOnvifDevice,
  answeredOperation,
  isMedia2Recording,
  onvifRecordings,
  recordedAnswers,
  recordedCamera,
  recordingCatalogue,
  type RecordingExpectation,
} from '../support/onvif-device.ts';

const account = { username: 'haven', password: 'camera-password-1' };
const catalogue = recordingCatalogue();
let device: RecordedOnvifDevice | undefined;

afterEach(async () => {
  await device?.stop();
  device = undefined;
});

/** A recorded camera on 127.0.0.1, answering with all of its recordings. */
async function recordedCameraClient(
  camera: string,
  mediaService: MediaService = 'auto',
  password = account.password,
): Promise<{ client: OnvifCamera; device: RecordedOnvifDevice }> {
  device = new RecordedOnvifDevice(recordedAnswers(camera), account);
  const { hostname, port } = await device.start();
  const client = new OnvifCamera(
    {
      deviceUrl: `http://${hostname}:${port}/onvif/device_service`,
      username: account.username,
      password,
      timeoutMs: 5_000,
      mediaService,
    },
    silentLogger(),
  );
  return { client, device };
}

// The README's shapes: every value as the text the camera sent.
const text = (value: number | boolean | undefined): string | undefined =>
  value === undefined ? undefined : String(value);

function asRecorded(element: string, value: unknown): Record<string, unknown> {
  switch (element) {
    case 'GetDeviceInformationResponse': {
      const info = value as DeviceInformation;
      return {
        element,
        Manufacturer: info.manufacturer,
        Model: info.model,
        FirmwareVersion: info.firmwareVersion,
        SerialNumber: info.serialNumber,
        HardwareId: info.hardwareId,
      };
    }
    case 'GetSystemDateAndTimeResponse': {
      const clock = value as DeviceClock;
      return {
        element,
        DateTimeType: clock.dateTimeType,
        DaylightSavings: text(clock.daylightSavings),
        TZ: clock.timeZone,
        UTCDateTime: clock.utcDateTime,
        LocalDateTime: clock.localDateTime,
      };
    }
    case 'GetCapabilitiesResponse': {
      const capabilities = value as DeviceCapabilities;
      const streaming = capabilities.streaming;
      return {
        element,
        XAddrs: capabilities.xaddrs,
        Streaming: streaming && {
          RTPMulticast: text(streaming.rtpMulticast),
          RTP_TCP: text(streaming.rtpTcp),
          RTP_RTSP_TCP: text(streaming.rtpRtspTcp),
        },
      };
    }
    case 'GetServicesResponse':
      return {
        element,
        services: (value as DeviceService[]).map((service) => ({
          ns: service.namespace,
          xaddr: service.xaddr,
          ver: service.version,
        })),
      };
    case 'GetProfilesResponse':
      return { element, profiles: (value as MediaProfile[]).map(profileAsRecorded) };
    case 'GetStreamUriResponse':
    case 'GetSnapshotUriResponse': {
      const uri = value as MediaUri;
      return { element, Uri: uri.uri, Timeout: uri.timeout };
    }
    case 'Fault': {
      const fault = value as SoapFaultDetails;
      return { element, faultCodes: fault.faultCodes, reason: fault.reason, detail: fault.detail };
    }
    case 'ProbeMatches':
      return { element, matches: value as ProbeMatch[] };
    default:
      throw new Error(`no reading for ${element}`);
  }
}

function profileAsRecorded(profile: MediaProfile): Record<string, unknown> {
  const video = profile.video;
  const bounds = profile.bounds;
  return {
    token: profile.token,
    fixed: profile.fixed === undefined ? null : String(profile.fixed),
    Name: profile.name,
    encoding: video?.encoding,
    resolution: video?.width === undefined ? undefined : `${video.width}x${video.height}`,
    fps: text(video?.framesPerSecond),
    bitrateKbps: text(video?.bitrateKbps),
    h264Profile: video?.h264Profile,
    govLength: text(video?.govLength),
    videoSourceToken: profile.videoSourceToken,
    bounds: bounds && `${bounds.x},${bounds.y} ${bounds.width}x${bounds.height}`,
    audio: profile.audioEncoding,
    ptz: profile.ptz,
  };
}

/** Asks the client for what the recording answers; returns what it read. */
async function readThroughClient(recording: RecordingExpectation): Promise<unknown> {
  const camera = recordedCamera(recording.file);
  const element = recording.expected.element;
  const media: MediaService = isMedia2Recording(recording.file) ? 'media2' : 'media1';
  const { client, device } = await recordedCameraClient(camera, media);

  if (element === 'Fault') {
    device.answer('device/GetDeviceInformation', recording.file);
    const failure = await client.deviceInformation().catch((error: unknown) => error);
    expect(failure, `${recording.file} is an OnvifError, not a crash`).toBeInstanceOf(OnvifError);
    return (failure as OnvifError).fault;
  }
  const key = answeredOperation(recording);
  device.answer(key!, recording.file);
  switch (element) {
    case 'GetDeviceInformationResponse':
      return client.deviceInformation();
    case 'GetSystemDateAndTimeResponse':
      return client.clock();
    case 'GetCapabilitiesResponse':
      return client.capabilities();
    case 'GetServicesResponse':
      return client.services();
    case 'GetProfilesResponse':
      return client.profiles();
    case 'GetStreamUriResponse':
      return client.streamUri('Profile_1');
    case 'GetSnapshotUriResponse':
      return client.snapshotUri('Profile_1');
    default:
      throw new Error(`no client call for ${element}`);
  }
}

describe('ONVIF responses recorded from real cameras', () => {
  it('the recordings README lists every recording with its expected values', () => {
    expect(catalogue.length, 'one expectation per recorded file').toBe(46);
  });

  const served = catalogue.filter((recording) => recording.expected.element !== 'ProbeMatches');
  it.each(served.map((recording) => [recording.file, recording] as const))(
    '%s is read as its README says',
    async (file, recording) => {
      const read = await readThroughClient(recording);
      expect(asRecorded(recording.expected.element, read), file).toEqual(recording.expected);
    },
  );

  const probes = catalogue.filter((recording) => recording.expected.element === 'ProbeMatches');
  it.each(probes.map((recording) => [recording.file, recording] as const))(
    'discovery answer %s is read as its README says',
    async (file, recording) => {
      const xml = readFileSync(resolve(onvifRecordings, file), 'utf8');
      const matches = readProbeMatches(await readSoapBody(xml));
      expect(asRecorded('ProbeMatches', matches), file).toEqual(recording.expected);
    },
  );
});

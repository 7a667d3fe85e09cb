// The cases where reading ONVIF right takes care: values the `onvif` package
// reads wrong, odd time zones, placeholder vendors, H.265 in the old media
// service, credentials, unreachable cameras and PTZ presets.
import { afterEach, describe, expect, it } from 'vitest';
import onvif from 'onvif';
import { silentLogger } from '../../common/log.ts';
import { OnvifCamera, OnvifError, type MediaService } from '../../edge/cameras/onvif.ts';
import { parsePosixTimeZone } from '../../edge/cameras/posix-time-zone.ts';
import { RecordedOnvifDevice, recordedAnswers } from '../support/onvif-device.ts';
import { freePort } from '../support/processes.ts';

const account = { username: 'haven', password: 'camera-password-1' };
let device: RecordedOnvifDevice | undefined;

afterEach(async () => {
  await device?.stop();
  device = undefined;
});

async function cameraClient(
  camera: string,
  options: { mediaService?: MediaService; password?: string } = {},
): Promise<{ client: OnvifCamera; device: RecordedOnvifDevice; deviceUrl: string }> {
  device = new RecordedOnvifDevice(recordedAnswers(camera), account);
  const { hostname, port } = await device.start();
  const deviceUrl = `http://${hostname}:${port}/onvif/device_service`;
  const client = new OnvifCamera(
    {
      deviceUrl,
      username: account.username,
      password: options.password ?? account.password,
      timeoutMs: 5_000,
      mediaService: options.mediaService,
    },
    silentLogger(),
  );
  return { client, device, deviceUrl };
}

/** The `onvif` package's own reading of GetDeviceInformation, for comparison. */
async function packageDeviceInformation(deviceUrl: string): Promise<Record<string, unknown>> {
  const url = new URL(deviceUrl);
  const cam = new onvif.Cam({
    hostname: url.hostname,
    port: Number(url.port),
    username: account.username,
    password: account.password,
    autoconnect: false,
  });
  return new Promise((resolve, reject) => {
    cam.getDeviceInformation((error, information) => {
      if (error) reject(error);
      else resolve(information as Record<string, unknown>);
    });
  });
}

describe('values the onvif package reads wrong', () => {
  it('a hardware id of digits stays text ("88"), where the package makes it the number 88', async () => {
    const { client, deviceUrl } = await cameraClient('easyonvif__ENP1A14-IR25X');
    const fromPackage = await packageDeviceInformation(deviceUrl);
    expect(fromPackage.hardwareId, 'the package turns "88" into a number').toBe(88);

    const information = await client.deviceInformation();
    expect(information.hardwareId, 'Haven keeps the camera text').toBe('88');
    expect(information.serialNumber).toBe('ENP1A14-IR/25X20190430AAWRD14878498W');
  });

  it('a video source token "0" stays "0", so it can be sent back to the camera', async () => {
    const { client } = await cameraClient('onvifkotlin', { mediaService: 'media1' });
    const [profile] = await client.profiles();
    expect(profile?.videoSourceToken, 'token as text').toBe('0');
    expect(profile?.name, 'names may contain spaces').toBe('profile_1 h264');
  });
});

describe('camera clocks and time zones', () => {
  const clocks = [
    // camera, TZ as sent, local minus UTC in minutes
    ['easyonvif__IPG-8150PSS', 'CST-08:00', 480],
    ['easyonvif__ENP1A14-IR25X', 'EST+5:00:00EDT04:00:00,M3.5.0/01:00:00,M10.5.0/02:00:00', -300],
    ['easyonvif__GX728MF-IR28', 'CST5CDT,M3.2.0/2,M11.1.0/2', -300],
    ['easyonvif__dlink-DCS-6511', 'COT5', -300],
  ] as const;

  it.each(clocks)(
    '%s: the POSIX zone %s (minus means east) agrees with the camera clocks, %i minutes',
    async (camera, timeZone, offsetMinutes) => {
      const { client } = await cameraClient(camera);
      const clock = await client.clock();
      expect(clock.timeZone).toBe(timeZone);
      expect(clock.utcOffsetMinutes, 'local minus UTC, from the two clocks').toBe(offsetMinutes);
      expect(parsePosixTimeZone(timeZone)?.standardOffsetMinutes, 'from the TZ string').toBe(
        offsetMinutes,
      );
    },
  );

  it('a UTC date the day after the local date converts across midnight', async () => {
    const { client } = await cameraClient('easyonvif__GX728MF-IR28');
    const clock = await client.clock();
    expect(clock.utcDateTime).toBe('2023-03-08T00:27:09');
    expect(clock.localDateTime).toBe('2023-03-07T19:27:09');
  });

  it('a Windows-style zone name with only a UTC clock gives the offset its digits say', async () => {
    const { client } = await cameraClient('npm-onvif-v0x');
    const clock = await client.clock();
    expect(clock.timeZone).toBe('MoroccoStandardTime0');
    expect(clock.localDateTime, 'this camera sends no local clock').toBeUndefined();
    expect(clock.utcOffsetMinutes).toBe(0);
  });

  it('a zone that is not POSIX at all gives no offset rather than a wrong one', () => {
    expect(parsePosixTimeZone('China Standard Time')).toBeUndefined();
    expect(parsePosixTimeZone('CST-8:')?.standardOffsetMinutes, 'trailing colon').toBe(480);
  });
});

describe('vendors and encoders as cameras really report them', () => {
  it.each([
    ['easyonvif__GX728MF-IR28', 'NONE', false],
    ['easyonvif__ENP1A14-IR25X', 'ONVIF', false],
    ['easyonvif__IPG-8150PSS', 'ONVIF_IPNC', false],
    ['easyonvif__dlink-DCS-6511', 'D-Link Corporation', true],
    ['onvifkotlin', 'AXIS', true],
  ] as const)('%s reports manufacturer "%s" (known: %s)', async (camera, manufacturer, known) => {
    const { client } = await cameraClient(camera);
    const information = await client.deviceInformation();
    expect(information.manufacturer).toBe(manufacturer);
    expect(information.manufacturerKnown, 'placeholders are not shown as a vendor').toBe(known);
  });

  it('an empty manufacturer is read as empty and unknown', async () => {
    const { client, device } = await cameraClient('easyonvif__dlink-DCS-6511');
    // No recording of the empty-manufacturer camera (IPD-H4K8M05-BS) is in the
    // set; this is the D-Link answer with its manufacturer emptied.
    device.answer('device/GetDeviceInformation', {
      file: 'easyonvif__dlink-DCS-6511__device_management__GetDeviceInformationResponse.xml',
      rewrite: [['D-Link Corporation', '']],
    });
    const information = await client.deviceInformation();
    expect(information.manufacturer).toBe('');
    expect(information.manufacturerKnown).toBe(false);
    expect(information.model).toBe('DCS-6511');
  });

  it('H.265 in the old media service, an unlimited bitrate and an encoder-less profile', async () => {
    const { client } = await cameraClient('easyonvif__ENP1A14-IR25X', { mediaService: 'media1' });
    const profiles = await client.profiles();
    expect(profiles.map((profile) => profile.video?.encoding)).toEqual(['H265', 'H265', undefined]);
    expect(profiles[0]?.ptz, 'PTZ configuration present').toBe(true);

    const axis = await cameraClient('onvifkotlin', { mediaService: 'media1' });
    const [h264] = await axis.client.profiles();
    expect(h264?.video?.bitrateUnlimited, 'INT32_MAX means no limit').toBe(true);
  });
});

describe('talking to a camera', () => {
  it('a wrong password is reported as refused credentials, not as an offline camera', async () => {
    const { client, device } = await cameraClient('npm-onvif-v0x', { password: 'wrong' });
    const failure = await client.deviceInformation().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OnvifError);
    expect((failure as OnvifError).kind).toBe('not-authorized');
    expect((failure as OnvifError).code).toBe('HAVEN_ONVIF_NOT_AUTHORIZED');
    const refused = device.requests.filter((request) => request.username === 'haven');
    expect(refused.length, 'the client did send a user name token').toBeGreaterThan(0);
    expect(refused.every((request) => !request.credentialsValid)).toBe(true);
  });

  it('the right password passes the camera digest check', async () => {
    const { client, device } = await cameraClient('npm-onvif-v0x');
    await client.deviceInformation();
    const last = device.requests.at(-1);
    expect(last?.key).toBe('device/GetDeviceInformation');
    expect(last?.credentialsValid, 'WS-Security digest accepted').toBe(true);
  });

  it('a camera that does not answer is unreachable', async () => {
    const port = await freePort();
    const client = new OnvifCamera(
      { deviceUrl: `http://127.0.0.1:${port}/onvif/device_service`, timeoutMs: 2_000 },
      silentLogger(),
    );
    const failure = await client.deviceInformation().catch((error: unknown) => error);
    expect((failure as OnvifError).kind).toBe('unreachable');
  });

  it('uses Media2 when the camera lists it, the old media service when not', async () => {
    const axis = await cameraClient('onvifkotlin');
    const stream = await axis.client.streamUri('profile_1_h264');
    expect(axis.device.requests.at(-1)?.key).toBe('media2/GetStreamUri');
    expect(stream.uri).toBe(
      'rtsp://192.168.0.209/onvif-media/media.amp?profile=profile_1_h264' +
        '&sessiontimeout=60&streamtype=unicast',
    );
    await axis.device.stop();

    const old = await cameraClient('npm-onvif-v0x');
    expect((await old.client.streamUri('main')).uri).toBe('rtsp://192.168.68.111/h264main');
    expect(old.device.requests.at(-1)?.key).toBe('media/GetStreamUri');
  });

  it('asks each service at the address the camera gave, on the configured host', async () => {
    const { client, device } = await cameraClient('easyonvif__ENP1A14-IR25X');
    const snapshot = await client.snapshotUri('Profile_1');
    expect(snapshot.uri).toBe('http://192.168.1.182/onvif-http/snapshot?Profile_1');
    const paths = Object.fromEntries(device.requests.map((request) => [request.key, request.path]));
    expect(paths['device/GetServices'], 'GetServices is tried first').toBe('/onvif/device_service');
    expect(paths['media/GetSnapshotUri'], 'the Media XAddr from GetCapabilities').toBe(
      '/onvif/Media',
    );
  });
});

describe('PTZ presets', () => {
  // No recording holds a GotoPresetResponse; ONVIF defines it as empty.
  const gotoPresetResponse =
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" ' +
    'xmlns:tptz="http://www.onvif.org/ver20/ptz/wsdl"><env:Body>' +
    '<tptz:GotoPresetResponse/></env:Body></env:Envelope>';

  it('goes to a preset on the PTZ service, with the tokens escaped', async () => {
    const { client, device } = await cameraClient('easyonvif__IPG-8150PSS');
    device.answer('ptz/GotoPreset', { handWritten: gotoPresetResponse });
    await client.gotoPreset('PROFILE_000', 'gate<1>');
    const request = device.requests.at(-1);
    expect(request?.key).toBe('ptz/GotoPreset');
    expect(request?.path, 'the PTZ XAddr the camera gave').toBe('/onvif/ptz_service');
    expect(request?.body).toContain('<ProfileToken>PROFILE_000</ProfileToken>');
    expect(request?.body, 'markup in a token is escaped').toContain(
      '<PresetToken>gate&#60;1&#62;</PresetToken>',
    );
  });

  it('an unknown profile is the camera fault NoProfile, as an invalid argument', async () => {
    const { client, device } = await cameraClient('easyonvif__IPG-8150PSS');
    device.answer('ptz/GotoPreset', 'onvifkotlin__fault_noProfile.xml');
    const failure = await client.gotoPreset('nope', '1').catch((error: unknown) => error);
    expect((failure as OnvifError).kind).toBe('invalid-argument');
    expect((failure as OnvifError).fault?.faultCodes).toEqual([
      'SOAP-ENV:Sender',
      'ter:InvalidArgVal',
      'ter:NoProfile',
    ]);
  });

  it('a camera without PTZ says so without sending the request', async () => {
    const { client, device } = await cameraClient('easyonvif__dlink-DCS-6511');
    const failure = await client.gotoPreset('Profile1', '1').catch((error: unknown) => error);
    expect((failure as OnvifError).kind).toBe('not-supported');
    expect(device.requests.some((request) => request.key === 'ptz/GotoPreset')).toBe(false);
  });
});

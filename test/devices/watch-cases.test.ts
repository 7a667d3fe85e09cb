import { describe, expect, it } from 'vitest';
import { BandEvent, BandTelemetry } from '../../common/contracts/band.ts';
import { Validator } from '../../common/contracts/validator.ts';
import { bracketToBand, iwToBand, type BandMessages } from '../../devices/watch/band-messages.ts';
import { decodeBracketFrame, type BracketMessage } from '../../devices/watch/bracket-decoder.ts';
import { WatchFramer, type WatchFrame } from '../../devices/watch/framing.ts';
import { decodeIwFrame, type IwMessage } from '../../devices/watch/iw-decoder.ts';
import { bracketReply, iwReply } from '../../devices/watch/replies.ts';
import { caseBytes, loadWatchCases, type WatchCase } from '../support/watch-cases.ts';

const cases = loadWatchCases();
const bracketCases = cases.filter((c) => c.protocol === 'watch' || c.protocol === 'watch-framing');
const iwCases = cases.filter((c) => c.protocol === 'trv-iw');
const singleFrameBracketCases = bracketCases.filter(
  (c) => c.expect.kind !== 'stream' && c.expect.kind !== 'voiceChunks',
);

/** Keys of `expect` that are not values carried by the frame, and why. */
const notInFrame: Record<string, string> = {
  motion: "the source decoder's own motion flag; no field of the frame carries it",
  flagMeaning: 'an explanation for readers of the case',
  reply: 'checked against the reply builder',
  frames: 'checked against the framer',
};

const telemetryValidator = new Validator(BandTelemetry);
const eventValidator = new Validator(BandEvent);
const captureClock = { receivedAt: new Date(), deviceClock: 'always' } as const;

function framesOf(bytes: Buffer): WatchFrame[] {
  const framer = new WatchFramer();
  const results = [...framer.push(bytes), ...framer.end()];
  const rejected = results.filter((result) => 'rejected' in result);
  expect(rejected, 'the framer rejects nothing of a captured frame').toEqual([]);
  return results.flatMap((result) => ('frame' in result ? [result.frame] : []));
}

function expectValues(actual: object, expected: Record<string, unknown>, id: string): void {
  for (const [key, value] of Object.entries(expected)) {
    if (key in notInFrame) continue;
    expect((actual as Record<string, unknown>)[key], `${id}: ${key}`).toEqual(value);
  }
  // lengthMatches follows from the two lengths; wc-052 leaves it out.
  const extra = Object.keys(actual).filter((key) => !(key in expected) && key !== 'lengthMatches');
  expect(extra, `${id}: the decoder reports no value the case does not list`).toEqual([]);
}

function expectValidContracts(messages: BandMessages, id: string): void {
  for (const event of messages.events) {
    expect(eventValidator.validate(event), `${id}: event fits BandEvent`).toMatchObject({
      ok: true,
    });
  }
  if (messages.telemetry) {
    const check = telemetryValidator.validate(messages.telemetry);
    expect(check, `${id}: telemetry fits BandTelemetry`).toMatchObject({ ok: true });
  }
}

function decodeBracketCase(watchCase: WatchCase): BracketMessage {
  const frames = framesOf(caseBytes(watchCase));
  expect(frames, `${watchCase.id}: one frame`).toHaveLength(1);
  const decoded = decodeBracketFrame(frames[0]!.bytes);
  if (!decoded.ok) throw new Error(`${watchCase.id} not decoded: ${decoded.reason}`);
  return decoded.message;
}

function decodeIwCase(watchCase: WatchCase): IwMessage {
  const decoded = decodeIwFrame(caseBytes(watchCase));
  if (!decoded.ok) throw new Error(`${watchCase.id} not decoded: ${decoded.reason}`);
  return decoded.message;
}

describe('bracket frames ([3G*], [SG*], [CS*], [ZJ*]) decode to the captured values', () => {
  it('the cases file has the bracket cases this table expects', () => {
    expect(singleFrameBracketCases.length, 'single-frame bracket cases').toBeGreaterThan(25);
  });

  it.each(singleFrameBracketCases.map((c) => [c.id, c] as const))('%s', (id, watchCase) => {
    const message = decodeBracketCase(watchCase);
    expectValues(message, watchCase.expect, id);
    expect(bracketReply(message), `${id}: reply`).toBe(watchCase.expect.reply);
    expectValidContracts(bracketToBand(message, captureClock), id);
  });

  it('wc-050: four frames in one read come out in order, the UD one as captured', () => {
    const watchCase = bracketCases.find((c) => c.id === 'wc-050')!;
    const frames = framesOf(caseBytes(watchCase));
    const expected = watchCase.expect as { framesInOrder: string[]; frame2: object };
    expect(frames.map((frame) => frame.bytes.toString('utf8'))).toEqual(expected.framesInOrder);
    const decoded = decodeBracketFrame(frames[1]!.bytes);
    if (!decoded.ok) throw new Error(decoded.reason);
    expectValues(decoded.message, expected.frame2 as Record<string, unknown>, 'wc-050 frame 2');
  });

  it('wc-008: six binary JXTK voice chunks in one read are six frames, none decoded', () => {
    const watchCase = bracketCases.find((c) => c.id === 'wc-008')!;
    const expected = watchCase.expect as {
      frames: number;
      type: string;
      deviceId: string;
      vendor: string;
      sequences: string[];
    };
    const frames = framesOf(caseBytes(watchCase));
    expect(frames, 'one frame per chunk').toHaveLength(expected.frames);
    const messages = frames.map((frame) => {
      const decoded = decodeBracketFrame(frame.bytes);
      if (!decoded.ok) throw new Error(decoded.reason);
      return decoded.message;
    });
    expect(messages.map((m) => m.sequence)).toEqual(expected.sequences);
    for (const message of messages) {
      expect(message).toMatchObject({
        kind: 'media',
        type: expected.type,
        vendor: expected.vendor,
        deviceId: expected.deviceId,
        lengthMatches: true,
      });
    }
  });
});

describe('IW/TRV frames decode to the captured values', () => {
  it('the cases file has the IW/TRV cases this table expects', () => {
    expect(iwCases.length, 'IW/TRV cases').toBeGreaterThan(12);
  });

  it.each(iwCases.map((c) => [c.id, c] as const))('%s', (id, watchCase) => {
    const message = decodeIwCase(watchCase);
    expectValues(message, watchCase.expect, id);
    if ('reply' in watchCase.expect) {
      expect(iwReply(message, { now: new Date() }), `${id}: reply`).toBe(watchCase.expect.reply);
    }
    expectValidContracts(iwToBand(message, captureClock), id);
  });

  it('answers an IW login with the UTC clock and the configured zone', () => {
    const decoded = decodeIwFrame(Buffer.from('IWAP00353456789012345,89860,46000#'));
    if (!decoded.ok) throw new Error(decoded.reason);
    const now = new Date('2024-03-05T06:07:08.900Z');
    expect(iwReply(decoded.message, { now, timeZoneHours: 8 })).toBe('IWBP00,20240305060708,8#');
    expect(decoded.message).toMatchObject({ kind: 'login', imei: '353456789012345' });
  });

  it('answers positions YP with ZP and leaves the device answers (AP12) unanswered', () => {
    const yp14 = decodeIwCase(iwCases.find((c) => c.id === 'wc-064')!);
    expect(iwReply(yp14, { now: new Date() })).toBe('TRVZP14#');
    const ap12 = decodeIwCase(iwCases.find((c) => c.id === 'wc-081')!);
    expect(iwReply(ap12, { now: new Date() }), 'AP12 is the answer to a command').toBeUndefined();
  });
});

describe('decoded frames become Haven band messages', () => {
  const bracket = (id: string): BandMessages =>
    bracketToBand(decodeBracketCase(cases.find((c) => c.id === id)!), captureClock);
  const iw = (id: string): BandMessages =>
    iwToBand(decodeIwCase(cases.find((c) => c.id === id)!), captureClock);

  it('an SOS without a GPS fix is an SOS event with its cells, battery and time', () => {
    const { events, telemetry } = bracket('wc-016');
    expect(events.map((event) => event.kind)).toEqual(['sos']);
    expect(events[0]).toMatchObject({
      time: '2019-12-27T09:47:44Z',
      batteryPercent: 81,
      position: { lat: 0, lon: 0, valid: false },
    });
    expect(events[0]!.position!.cells, 'all seven cells are kept').toHaveLength(7);
    expect(telemetry, 'the band is worn (bit 20 clear)').toMatchObject({
      batteryPercent: 81,
      worn: true,
    });
  });

  it('a watch taken off is a removed event and telemetry not worn', () => {
    const { events, telemetry } = bracket('wc-018');
    expect(events.map((event) => event.kind)).toEqual(['removed']);
    expect(telemetry?.worn).toBe(false);
  });

  it('an alarm frame with no bit is an alarm of unknown kind; bit 0 is low battery', () => {
    expect(bracket('wc-004').events.map((event) => event.kind)).toEqual(['alarm']);
    expect(bracket('wc-041').events.map((event) => event.kind)).toEqual(['low_battery']);
  });

  it('position reports keep cells and Wi-Fi; a cell without signal keeps no signal', () => {
    const ud = bracket('wc-031');
    expect(ud.events, 'a position report raises nothing').toEqual([]);
    expect(ud.telemetry?.position).toMatchObject({ lat: 48.779045, lon: 9.157474, valid: true });
    expect(ud.telemetry?.position?.wifi?.map((ap) => ap.ssid)).toContain('Gastzugang');
    const cell = bracket('wc-011').telemetry!.position!.cells![0]!;
    expect(cell).toEqual({ mcc: 240, mnc: 7, lac: 34505, cid: 80806406 });
  });

  it('vital signs become heart rate, blood pressure and temperature', () => {
    expect(bracket('wc-042').telemetry).toMatchObject({ heartRateBpm: 72 });
    expect(bracket('wc-020').telemetry).toMatchObject({
      systolicMmHg: 120,
      diastolicMmHg: 79,
      heartRateBpm: 73,
    });
    expect(bracket('wc-010').telemetry).toMatchObject({ temperatureC: 35.29 });
    expect(iw('wc-061').telemetry).toMatchObject({
      heartRateBpm: 60,
      systolicMmHg: 130,
      diastolicMmHg: 85,
      spo2Percent: 95,
      temperatureC: 36.5,
    });
  });

  it('an IW alarm 01 is an SOS; alarm code 00 is a position only', () => {
    expect(iw('wc-058').events.map((event) => event.kind)).toEqual(['sos']);
    const none = iw('wc-072');
    expect(none.events).toEqual([]);
    expect(none.telemetry?.position?.wifi).toHaveLength(4);
  });

  it('cells and Wi-Fi without GPS (AP02) are a position marked not valid', () => {
    const { telemetry } = iw('wc-066');
    expect(telemetry?.position).toMatchObject({ lat: 0, lon: 0, valid: false });
    expect(telemetry?.position?.cells?.[0]).toEqual({
      mcc: 260,
      mnc: 1,
      lac: 11002,
      cid: 39252,
      rssi: 9,
    });
  });

  it('at the gateway a device clock far off is replaced by the time of arrival', () => {
    const message = decodeBracketCase(cases.find((c) => c.id === 'wc-016')!);
    const receivedAt = new Date('2026-01-02T03:04:05.678Z');
    const live = bracketToBand(message, { receivedAt, deviceClock: 'recent' });
    expect(live.events[0]!.time, 'a 2019 clock is not believed').toBe('2026-01-02T03:04:05Z');
    const recent = bracketToBand(message, {
      receivedAt: new Date('2019-12-27T09:50:00Z'),
      deviceClock: 'recent',
    });
    expect(recent.events[0]!.time, 'a clock minutes behind is kept').toBe('2019-12-27T09:47:44Z');
  });
});

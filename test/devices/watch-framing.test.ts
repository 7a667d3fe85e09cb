import { describe, expect, it } from 'vitest';
import { decodeBracketFrame, type BracketMessage } from '../../devices/watch/bracket-decoder.ts';
import {
  FramingReason,
  WatchFramer,
  type FramingResult,
  type WatchFrame,
} from '../../devices/watch/framing.ts';
import { caseBytes, decodedFamilies, loadWatchCases } from '../support/watch-cases.ts';
import { SeededRandom } from '../support/seeded-random.ts';

const cases = loadWatchCases().filter((c) => decodedFamilies.includes(c.protocol));
const rawOf = (id: string): string => cases.find((c) => c.id === id)!.raw!;

function feed(chunks: Buffer[], framer = new WatchFramer()): FramingResult[] {
  const results = chunks.flatMap((chunk) => framer.push(chunk));
  return [...results, ...framer.end()];
}

function framesIn(results: FramingResult[]): WatchFrame[] {
  return results.flatMap((result) => ('frame' in result ? [result.frame] : []));
}

function rejectionsIn(results: FramingResult[]): string[] {
  return results.flatMap((result) => ('rejected' in result ? [result.rejected] : []));
}

function byteByByte(bytes: Buffer): Buffer[] {
  return [...bytes].map((byte) => Buffer.from([byte]));
}

function text(frames: WatchFrame[]): string[] {
  return frames.map((frame) => frame.bytes.toString('latin1'));
}

function decoded(frame: WatchFrame): BracketMessage {
  const result = decodeBracketFrame(frame.bytes);
  if (!result.ok) throw new Error(`not decoded: ${result.reason}`);
  return result.message;
}

describe('the watch framer cuts TCP reads into frames', () => {
  it.each(cases.map((c) => [c.id, c] as const))(
    '%s: byte by byte gives the same frames as one read',
    (id, watchCase) => {
      const bytes = caseBytes(watchCase);
      const whole = feed([bytes]);
      const split = feed(byteByByte(bytes));
      expect(rejectionsIn(whole), `${id}: nothing rejected`).toEqual([]);
      expect(framesIn(whole).length, `${id}: at least one frame`).toBeGreaterThan(0);
      expect(text(framesIn(split)), `${id}: same frames byte by byte`).toEqual(
        text(framesIn(whole)),
      );
    },
  );

  it('all cases merged in one read, or in random reads, frame as each case alone', () => {
    const alone = cases.flatMap((c) => text(framesIn(feed([caseBytes(c)]))));
    const merged = Buffer.concat(cases.map(caseBytes));
    const oneRead = feed([merged]);
    expect(rejectionsIn(oneRead), 'nothing rejected').toEqual([]);
    expect(text(framesIn(oneRead)), 'merged frames').toEqual(alone);

    for (const seed of [1, 2, 3]) {
      const random = new SeededRandom(seed);
      const reads = feed(random.chunks(merged, 700));
      expect(text(framesIn(reads)), `random reads, seed ${seed}`).toEqual(alone);
    }
  });

  it('a wrong length field does not move the end of a frame', () => {
    const raw = rawOf('wc-030');
    const right = decoded(framesIn(feed([Buffer.from(raw)]))[0]!);
    for (const length of ['0000', '0001', 'FFFF']) {
      const wrong = raw.replace('*0077*', `*${length}*`);
      const next = '[3G*4700222306*0009*LK,0,0,53]';
      const frames = framesIn(feed(byteByByte(Buffer.from(wrong + next))));
      expect(text(frames), `length ${length}`).toEqual([wrong, next]);
      const message = decoded(frames[0]!);
      expect(message.lengthMatches, `length ${length} is noticed`).toBe(false);
      expect(message, `length ${length} changes no value`).toMatchObject({
        ...right,
        declaredLength: parseInt(length, 16),
        lengthMatches: false,
      });
    }
  });

  it('balanced brackets inside Wi-Fi names stay inside their frame', () => {
    const raw = rawOf('wc-031')
      .replace('MoMaXXg', '[MoMa]XX[g]')
      .replace('Gastzugang', 'Gast[[zu]]gang');
    const next = '[3G*4700222306*0009*LK,0,0,53]';
    for (const chunks of [[Buffer.from(raw + next)], byteByByte(Buffer.from(raw + next))]) {
      const frames = framesIn(feed(chunks));
      expect(text(frames)).toEqual([raw, next]);
      const message = decoded(frames[0]!);
      if (message.kind !== 'position') throw new Error(`a ${message.kind}`);
      expect(message.network.wifi.map((ap) => ap.ssid)).toEqual([
        'WG-Superlativ',
        'EasyBox-28E858',
        '[MoMa]XX[g]',
        'MoMaXX2',
        'Gast[[zu]]gang',
      ]);
    }
  });

  it('an unbalanced [ in a Wi-Fi name ends its frame where the next frame starts', () => {
    const raw = rawOf('wc-031').replace('Gastzugang', 'Gast[zugang');
    const next = '[3G*4700222306*0009*LK,0,0,53]';
    const frames = framesIn(feed(byteByByte(Buffer.from(raw + next))));
    expect(text(frames)).toEqual([raw, next]);
    const message = decoded(frames[0]!);
    if (message.kind !== 'position') throw new Error(`a ${message.kind}`);
    expect(message.network.wifi.at(-1)?.ssid).toBe('Gast[zugang');
  });

  it('binary voice chunks (JXTK, 0x7d escapes) between text frames break nothing', () => {
    const voice = caseBytes(cases.find((c) => c.id === 'wc-008')!);
    const before = Buffer.from('[ZJ*789468050042692*0001*0009*LK,0,0,80]');
    const after = Buffer.from('[ZJ*789468050042692*0040*0009*LK,0,0,79]');
    const stream = Buffer.concat([before, voice, after]);
    const random = new SeededRandom(8);
    for (const chunks of [[stream], byteByByte(stream), random.chunks(stream, 300)]) {
      const results = feed(chunks);
      expect(rejectionsIn(results)).toEqual([]);
      const frames = framesIn(results);
      expect(frames, 'LK, six voice chunks, LK').toHaveLength(8);
      expect(frames[0]!.bytes.equals(before)).toBe(true);
      expect(frames[7]!.bytes.equals(after)).toBe(true);
      expect(frames.slice(1, 7).map((frame) => decoded(frame).type)).toEqual(Array(6).fill('JXTK'));
    }
  });

  it('garbage between frames is skipped with a reason; the frames around it survive', () => {
    const good = rawOf('wc-016');
    const lk = '[3G*9705141740*0009*LK,0,0,53]';
    const stream = Buffer.concat([
      Buffer.from([0x00, 0xff, 0x5d, 0x23]),
      Buffer.from(good),
      Buffer.from('GET / HTTP/1.1\r\n[[[x]]]IWxx#'),
      Buffer.from('[3G*9705141740*00FF*UD,2603'), // cut off by the next frame
      Buffer.from(lk),
      Buffer.from('[3G*12[SG'),
      Buffer.from(lk),
    ]);
    for (const chunks of [[stream], byteByByte(stream)]) {
      const results = feed(chunks);
      expect(text(framesIn(results))).toEqual([good, lk, lk]);
      const reasons = rejectionsIn(results);
      expect(reasons).toContain(FramingReason.garbage);
      expect(reasons).toContain(FramingReason.cutShort);
    }
  });

  it('a frame that never ends is dropped at the size limit; the buffer stays bounded', () => {
    const framer = new WatchFramer({ maxFrameBytes: 4096 });
    const results: FramingResult[] = [];
    let largest = 0;
    results.push(...framer.push(Buffer.from('[3G*9705141740*0400*UD,')));
    for (let chunk = 0; chunk < 200; chunk++) {
      results.push(...framer.push(Buffer.alloc(1000, 0x41)));
      largest = Math.max(largest, framer.pendingBytes);
    }
    const lk = '[3G*9705141740*0009*LK,0,0,53]';
    results.push(...framer.push(Buffer.from(lk)), ...framer.end());
    expect(largest, 'never more than the limit and one read').toBeLessThanOrEqual(4096 + 1000);
    expect(rejectionsIn(results)).toContain(FramingReason.tooLong);
    expect(text(framesIn(results)), 'the next frame is intact').toEqual([lk]);
  });

  it('a TRV frame without # is complete when the line goes quiet or the next frame starts', () => {
    const trv = rawOf('wc-078');
    const framer = new WatchFramer();
    expect(framer.push(Buffer.from(trv)), 'it could go on').toEqual([]);
    expect(framer.hasPendingText).toBe(true);
    expect(text(framesIn(framer.flushText()))).toEqual([trv]);

    const both = framesIn(feed([Buffer.from(`${trv}TRVCP01,06000908000102`)]));
    expect(text(both)).toEqual([trv, 'TRVCP01,06000908000102']);
    expect(both.map((frame) => frame.terminated)).toEqual([false, false]);

    const ended = framesIn(feed([Buffer.from('IWAP49,68#\r\nIWAP49,70#')]));
    expect(text(ended)).toEqual(['IWAP49,68', 'IWAP49,70']);
    expect(ended.every((frame) => frame.terminated && frame.family === 'iw')).toBe(true);
  });
});

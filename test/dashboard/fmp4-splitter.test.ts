import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { Fmp4Splitter, type InitSegment } from '../../hub/video/fmp4.ts';
import { sharedPath } from '../support/shared-data.ts';

const clip = sharedPath('data', 'video', 'one-by-one-person-detection.mp4');

/** Three seconds of the real clip as ffmpeg's relay writes it: copied H.264, fragmented. */
function fragmentedMp4(): Buffer {
  return execFileSync(
    '/usr/bin/ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-t',
      '3',
      '-i',
      clip,
      '-an',
      '-c:v',
      'copy',
      '-f',
      'mp4',
      '-movflags',
      'frag_keyframe+empty_moov+default_base_moof',
      'pipe:1',
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
}

function split(bytes: Buffer, chunkBytes: (index: number) => number) {
  const inits: InitSegment[] = [];
  const fragments: Buffer[] = [];
  const splitter = new Fmp4Splitter({
    init: (segment) => inits.push(segment),
    fragment: (fragment) => fragments.push(fragment),
  });
  for (let offset = 0, index = 0; offset < bytes.length; index++) {
    const size = chunkBytes(index);
    splitter.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  return { inits, fragments };
}

describe('cutting fragmented MP4 into segments for Media Source Extensions', () => {
  const stream = fragmentedMp4();

  it('finds one init segment with the H.264 codec and every keyframe fragment, however the bytes arrive', () => {
    const whole = split(stream, () => stream.length);
    expect(whole.inits.length, 'one init segment').toBe(1);
    expect(whole.inits[0]!.mimeType).toMatch(/^video\/mp4; codecs="avc1\.[0-9a-f]{6}"$/);
    const moofCount = stream.toString('latin1').split('moof').length - 1;
    expect(whole.fragments.length, 'one fragment per moof box').toBe(moofCount);
    expect(whole.fragments.length, 'the clip has several keyframes').toBeGreaterThan(1);

    // Pipe reads cut the stream anywhere: in a box header, in the middle of a box.
    const ragged = split(stream, (index) => [1, 7, 3000, 65_536, 13][index % 5]!);
    expect(ragged.inits[0]!.bytes.equals(whole.inits[0]!.bytes), 'same init').toBe(true);
    expect(ragged.fragments.length).toBe(whole.fragments.length);
    expect(
      Buffer.concat(ragged.fragments).equals(Buffer.concat(whole.fragments)),
      'same fragments, byte for byte',
    ).toBe(true);
  });

  it('rejects a stream whose box sizes make no sense, naming the box', () => {
    const splitter = new Fmp4Splitter({ init: () => undefined, fragment: () => undefined });
    const broken = Buffer.alloc(16);
    broken.writeUInt32BE(4, 0);
    broken.write('moof', 4, 'latin1');
    expect(() => splitter.push(broken)).toThrow(/malformed MP4 box "moof" of 4 bytes/);
  });
});

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodedFamilies, loadWatchCases } from '../support/watch-cases.ts';

const havenBin = fileURLToPath(new URL('../../bin/haven', import.meta.url));
const cases = loadWatchCases();
const rawOf = (id: string): string => cases.find((c) => c.id === id)!.raw!;

interface Decoded {
  deviceId?: string | null;
  type?: string;
  kind?: string;
  messages?: { channel: string; body: Record<string, unknown> }[];
  reply?: string;
  error?: string;
}

function decode(args: string[], lines: string[]): Decoded[] {
  const result = spawnSync(havenBin, ['decode', ...args], {
    input: `${lines.join('\n')}\n`,
    encoding: 'utf8',
  });
  expect(result.status, `haven decode ${args.join(' ')} exits 0: ${result.stderr}`).toBe(0);
  return result.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Decoded);
}

// Each test starts the real CLI; on a busy machine that takes seconds.
describe('haven decode, for installers debugging a new watch', { timeout: 90_000 }, () => {
  it('watch: one JSON line per frame, with the device id, Haven messages and the reply', () => {
    const output = decode(
      ['watch'],
      [
        rawOf('wc-016'),
        rawOf('wc-050'),
        '!D,07/04/17,05:42:26,-37.588970,145.121231,0,0,0c0001,185.2,92,7,14,1.2',
        '[3G*9705141740*0010*UD,260723,185105]',
        'IWAP49,68#',
      ],
    );
    expect(output, 'SOS, four merged frames, then three errors').toHaveLength(8);

    const [sos, keepAlive, position, voiceQuery] = output;
    expect(sos).toMatchObject({
      deviceId: '8809008845',
      type: 'AL',
      kind: 'alarm',
      reply: '[3G*8809008845*0002*AL]',
    });
    expect(sos!.messages![0]).toMatchObject({
      channel: 'event',
      body: { kind: 'sos', time: '2019-12-27T09:47:44Z', batteryPercent: 81 },
    });
    expect(sos!.messages![1]).toMatchObject({ channel: 'telemetry', body: { worn: true } });
    expect(keepAlive).toMatchObject({ kind: 'heartbeat', reply: '[3G*9705141740*0002*LK]' });
    expect(position!.messages![0]!.body).toMatchObject({
      position: { lat: 36.815109, lon: 10.179231, valid: true },
    });
    expect(voiceQuery).toMatchObject({ kind: 'voiceQueryAck', reply: '[3G*9705141740*0003*TKQ]' });

    expect(output[5]).toEqual({
      error: 'unsupported: not a bracket frame [VENDOR*ID*LEN*TYPE,...]',
    });
    expect(output[6]).toEqual({
      error: 'position report too short: 2 of 16 fields',
      deviceId: '9705141740',
    });
    expect(output[7]).toEqual({ error: 'unsupported: an IW/TRV frame; use haven decode iw' });
  });

  it('iw: the login names the device for the frames after it', () => {
    const output = decode(
      ['iw'],
      ['IWAP49,68#', 'TRVAP00353456789012345', rawOf('wc-078'), rawOf('wc-061'), '[3G*1*0002*LK]'],
    );
    expect(output.map((line) => ('deviceId' in line ? line.deviceId : line.error))).toEqual([
      null,
      '353456789012345',
      '353456789012345',
      '353456789012345',
      'unsupported: a bracket frame; use haven decode watch',
    ]);
    expect(output[1]).toMatchObject({ kind: 'login', reply: 'TRVBP00#', messages: [] });
    expect(output[2]!.messages![0]!.body).toMatchObject({
      time: '2008-05-24T06:18:30Z',
      batteryPercent: 80,
      position: { lat: 22.549677, lon: 114.082258, cells: [{ mcc: 460, lac: 9520 }] },
    });
    expect(output[3]!.messages![0]!.body).toMatchObject({ heartRateBpm: 60, spo2Percent: 95 });
  });

  const others = cases.filter((c) => !decodedFamilies.includes(c.protocol));
  const otherText = others.filter((c) => c.raw !== null).map((c) => c.raw!);
  const otherBinary = others.filter((c) => c.raw_hex).map((c) => c.raw_hex!);

  it.each(['watch', 'iw'])('%s: other devices in the cases file are unsupported', (family) => {
    expect(otherText.length, 'the file holds other families').toBeGreaterThan(15);
    const lines = decode([family], otherText);
    expect(lines, 'one answer per line').toHaveLength(otherText.length);
    for (const line of lines) expect(line.error, JSON.stringify(line)).toMatch(/^unsupported: /);
  });

  it('--hex reads binary frames: six JXTK voice chunks, other binary protocols unsupported', () => {
    const voice = cases.find((c) => c.id === 'wc-008')!.raw_hex!;
    const output = decode(['watch', '--hex'], [...otherBinary, voice]);
    expect(output, 'one line per binary frame, six for the voice chunks').toHaveLength(
      otherBinary.length + 6,
    );
    for (const line of output.slice(0, otherBinary.length)) {
      expect(line.error, JSON.stringify(line)).toMatch(/^unsupported: /);
    }
    for (const line of output.slice(otherBinary.length)) {
      expect(line).toMatchObject({ deviceId: '789468050042692', kind: 'media', messages: [] });
    }
  });
});

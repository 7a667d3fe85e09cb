import { describe, expect, it } from 'vitest';
import { BandEvent, BandTelemetry } from '../../common/contracts/band.ts';
import { Validator } from '../../common/contracts/validator.ts';
import { silentLogger } from '../../common/log.ts';
import { WatchDirectory } from '../../devices/watch/directory.ts';
import { WatchFramer } from '../../devices/watch/framing.ts';
import { WatchSession, type BandSink } from '../../devices/watch/session.ts';
import type { RegisteredDevice } from '../../edge/config.ts';
import { DeviceRegistry } from '../../edge/devices/registry.ts';
import { EdgeCounters } from '../../edge/metrics.ts';
import { caseBytes, decodedFamilies, loadWatchCases } from '../support/watch-cases.ts';
import { SeededRandom } from '../support/seeded-random.ts';

const frameCount = 100_000;
const maxFrameBytes = 8192;
const maxReadBytes = 1500;

/**
 * Stands in for BandIngest: checks each message against the same contracts,
 * in memory. 100,000 frames through the durable outbox would time the disk,
 * not the decoder; the gateway test takes the real path through the outbox.
 */
class ContractCheckingSink implements BandSink {
  readonly stored = { event: 0, telemetry: 0 };
  readonly invalid: string[] = [];
  readonly #validators = {
    event: new Validator(BandEvent),
    telemetry: new Validator(BandTelemetry),
  };

  accept(_band: unknown, channel: string, payload: Buffer): string | undefined {
    if (channel !== 'event' && channel !== 'telemetry') return `no channel ${channel}`;
    const check = this.#validators[channel].validate(JSON.parse(payload.toString('utf8')));
    if (!check.ok) {
      this.invalid.push(`${channel}: ${check.reason} in ${payload.toString('utf8')}`);
      return `${channel} invalid: ${check.reason}`;
    }
    this.stored[channel]++;
    return undefined;
  }
}

/**
 * The captured frames by the device that sent them, as one connection would
 * carry them; IW/TRV frames (which name no device) follow their login, with
 * and without '#'.
 */
function seedConnections(): Buffer[][] {
  const byDevice = new Map<string, Buffer[]>([['iw', [Buffer.from(iwLogin)]]]);
  for (const watchCase of loadWatchCases()) {
    if (!decodedFamilies.includes(watchCase.protocol)) continue;
    const framer = new WatchFramer();
    for (const result of [...framer.push(caseBytes(watchCase)), ...framer.end()]) {
      if (!('frame' in result)) continue;
      const { bytes, family } = result.frame;
      const device = family === 'iw' ? 'iw' : /^\[\w+\*(\w+)\*/.exec(bytes.toString('latin1'))![1]!;
      const frames = byDevice.get(device) ?? [];
      frames.push(bytes);
      if (family === 'iw') frames.push(Buffer.concat([bytes, hash]));
      byDevice.set(device, frames);
    }
  }
  return [...byDevice.values()];
}

const iwLogin = 'IWAP00353456789012345,8986011,46001#';
const hash = Buffer.from('#');
const structural = [...Buffer.from('[]*,#|&-.:09AFVN \r\n')];

function mutate(random: SeededRandom, seeds: Buffer[]): Buffer {
  const frame = Buffer.from(random.pick(seeds));
  const at = (): number => random.integer(0, Math.max(0, frame.length - 1));
  switch (random.integer(0, 9)) {
    case 0:
      return frame;
    case 1:
      for (let flips = random.integer(1, 3); flips > 0; flips--)
        frame[at()] = random.integer(0, 255);
      return frame;
    case 2:
      frame[at()] = random.pick(structural);
      return frame;
    case 3: {
      const start = at();
      return Buffer.concat([
        frame.subarray(0, start),
        frame.subarray(start + random.integer(1, 20)),
      ]);
    }
    case 4: {
      const start = at();
      const span = frame.subarray(start, start + random.integer(1, 40));
      return Buffer.concat([frame.subarray(0, start), span, frame.subarray(start)]);
    }
    case 5:
      return frame.subarray(0, at());
    case 6: {
      const other = random.pick(seeds);
      return Buffer.concat([
        frame.subarray(0, at()),
        other.subarray(random.integer(0, other.length)),
      ]);
    }
    case 7:
      return random.bytes(random.integer(1, 200));
    case 8:
      return Buffer.from(
        Array.from({ length: random.integer(1, 200) }, () => random.pick(structural)),
      );
    default:
      for (let index = 0; index < frame.length; index++) {
        const byte = frame[index]!;
        if (byte >= 0x30 && byte <= 0x39 && random.next() < 0.1)
          frame[index] = random.integer(48, 57);
      }
      return frame;
  }
}

/** Every band id in the cases is registered, so mutated frames reach the mapping. */
function directoryFor(connections: Buffer[][]): WatchDirectory {
  const ids = new Set<string>(['353456789012345']);
  for (const frames of connections) {
    const match = /^\[\w+\*(\w+)\*/.exec(frames[0]!.toString('latin1'));
    if (match) ids.add(match[1]!);
  }
  const devices: RegisteredDevice[] = [...ids].map((id) => ({
    id,
    kind: 'band',
    secretHash: 'scrypt$not-used-by-the-watch-gateway',
  }));
  return new WatchDirectory(new DeviceRegistry('xincun', devices), devices);
}

describe('100,000 random and mutated watch frames', () => {
  it('never throw, never break the contracts, and every rejection has a counted reason', () => {
    const seed = Number(process.env.HAVEN_FUZZ_SEED ?? 20_240_305);
    const random = new SeededRandom(seed);
    const seedsByConnection = seedConnections();
    const directory = directoryFor(seedsByConnection);
    const sink = new ContractCheckingSink();
    const counters = new EdgeCounters();
    const log = silentLogger();
    const options = { maxFrameBytes, timeZoneHours: 8 };
    const outcomes = { handled: 0, rejected: 0 };
    let connections = 0;
    let largestPending = 0;
    const receivedAt = new Date('2026-05-01T08:00:00Z');

    let sent = 0;
    while (sent < frameCount) {
      const session = new WatchSession(sink, directory, counters, log, options);
      connections++;
      const seeds = random.pick(seedsByConnection);
      const batch = Array.from({ length: Math.min(1000, frameCount - sent) }, () =>
        mutate(random, seeds),
      );
      if (seeds[0]!.toString('latin1') === iwLogin) batch.unshift(seeds[0]!);
      sent += batch.length;
      const outputs = [];
      for (const read of random.chunks(Buffer.concat(batch), maxReadBytes)) {
        const output = session.receive(read, receivedAt);
        outputs.push(output);
        largestPending = Math.max(largestPending, session.pendingBytes);
        if (output.close) break;
        if (session.waitingForText && random.next() < 0.2) outputs.push(session.quiet(receivedAt));
      }
      outputs.push(session.end(receivedAt));
      for (const output of outputs) {
        for (const outcome of output.outcomes) outcomes[outcome]++;
      }
    }

    const counted = [...counters.rejected.entries()];
    const countedTotal = counted.reduce((sum, [, count]) => sum + count, 0);
    const context = `seed ${seed}; counted ${JSON.stringify(Object.fromEntries(counted))}`;
    expect(sink.invalid.slice(0, 3), `messages that break the contracts (${context})`).toEqual([]);
    expect(countedTotal, `each rejection is counted (${context})`).toBeGreaterThanOrEqual(
      outcomes.rejected,
    );
    expect(outcomes.rejected, 'the fuzz produced rejections').toBeGreaterThan(10_000);
    expect(outcomes.handled, `the fuzz reached the mapping (${context})`).toBeGreaterThan(10_000);
    expect(sink.stored.event, 'alarms were among them').toBeGreaterThan(100);
    for (const [reason] of counted) {
      expect(reason, 'reasons are the gateway\'s, prefixed "watch: "').toMatch(/^watch: /);
      expect(reason, 'reasons carry no device values').not.toMatch(/\d{4,}/);
    }
    expect(counted.length, `reasons are a fixed vocabulary (${context})`).toBeLessThan(60);
    expect(largestPending, 'the buffer stays bounded').toBeLessThanOrEqual(
      maxFrameBytes + maxReadBytes,
    );
    expect(connections, 'many connections').toBeGreaterThanOrEqual(frameCount / 1000);
  });
});

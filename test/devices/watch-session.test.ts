import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/log.ts';
import { WatchDirectory } from '../../devices/watch/directory.ts';
import { SessionReason, WatchSession, type BandSink } from '../../devices/watch/session.ts';
import type { RegisteredDevice } from '../../edge/config.ts';
import { DeviceRegistry, type DeviceIdentity } from '../../edge/devices/registry.ts';
import { EdgeCounters } from '../../edge/metrics.ts';
import { loadWatchCases } from '../support/watch-cases.ts';

const cases = loadWatchCases();
const rawOf = (id: string): Buffer => Buffer.from(cases.find((c) => c.id === id)!.raw!);

const devices: RegisteredDevice[] = [
  { id: 'band-zhang', kind: 'band', secretHash: 'scrypt$unused', watchId: '8809008845' },
  { id: '9705141740', kind: 'band', secretHash: 'scrypt$unused' },
  { id: 'gate-1', kind: 'gate', secretHash: 'scrypt$unused', watchId: '8800000015' },
];
const directory = new WatchDirectory(new DeviceRegistry('xincun', devices), devices);

/**
 * Records what the session hands to the band path. `failing` makes it throw as
 * BandIngest does when the outbox cannot commit: a disk fault a test cannot
 * cause on demand.
 */
class RecordingSink implements BandSink {
  readonly stored: { band: string; channel: string; body: { kind?: string } }[] = [];
  failing = false;

  accept(band: DeviceIdentity, channel: string, payload: Buffer): string | undefined {
    if (this.failing) throw new Error('SQLITE_FULL: database or disk is full');
    this.stored.push({ band: band.id, channel, body: JSON.parse(payload.toString()) as object });
    return undefined;
  }
}

function session(sink: BandSink, counters = new EdgeCounters()): WatchSession {
  return new WatchSession(sink, directory, counters, silentLogger(), {
    maxFrameBytes: 65_536,
    timeZoneHours: 8,
  });
}

describe('a watch connection', () => {
  it('answers an alarm only when its events were stored; unstored, the watch must resend', () => {
    const sink = new RecordingSink();
    const counters = new EdgeCounters();
    const connection = session(sink, counters);

    sink.failing = true;
    const refused = connection.receive(rawOf('wc-016'));
    expect(refused.replies, 'no answer while the outbox cannot store').toEqual([]);
    expect(refused.outcomes).toEqual(['rejected']);
    expect(counters.rejected.get(`watch: ${SessionReason.notStored}`)).toBe(1);

    sink.failing = false;
    const resent = connection.receive(rawOf('wc-016'));
    expect(resent.replies).toEqual(['[3G*8809008845*0002*AL]']);
    expect(
      sink.stored.map((item) => `${item.band} ${item.channel} ${item.body.kind ?? ''}`),
    ).toEqual(['band-zhang event sos', 'band-zhang telemetry ']);
  });

  it('finds the band by its watch id, or by a band id equal to the watch id', () => {
    const sink = new RecordingSink();
    session(sink).receive(rawOf('wc-016'));
    const byId = session(sink).receive(Buffer.from('[3G*9705141740*0009*LK,120,0,53]'));
    expect(byId.replies).toEqual(['[3G*9705141740*0002*LK]']);
    expect(sink.stored.map((item) => item.band)).toEqual([
      'band-zhang',
      'band-zhang',
      '9705141740',
    ]);
  });

  it('refuses a watch id that is not a registered band, and asks to close', () => {
    const counters = new EdgeCounters();
    const sink = new RecordingSink();
    for (const frame of ['[SG*8800000015*0008*PULSE,72]', '[3G*5555555555*0008*PULSE,72]']) {
      const output = session(sink, counters).receive(Buffer.from(frame));
      expect(output.close, frame).toBe(SessionReason.unknownDevice);
      expect(output.replies).toEqual([]);
    }
    expect(counters.rejected.get(`watch: ${SessionReason.unknownDevice}`)).toBe(2);
    expect(sink.stored).toEqual([]);
  });

  it('keeps one device per connection, and IW frames wait for their login', () => {
    const counters = new EdgeCounters();
    const sink = new RecordingSink();
    const connection = session(sink, counters);
    connection.receive(Buffer.from('[3G*9705141740*0009*LK,0,0,53]'));
    const other = connection.receive(rawOf('wc-016'));
    expect(other.replies, 'another watch id on a bound connection').toEqual([]);
    expect(counters.rejected.get(`watch: ${SessionReason.deviceChanged}`)).toBe(1);

    const iw = session(sink, counters).receive(Buffer.from('IWAP49,68#'));
    expect(iw.outcomes).toEqual(['rejected']);
    expect(counters.rejected.get(`watch: ${SessionReason.beforeLogin}`)).toBe(1);
  });

  it('counts frames it cannot read and goes on with the next one', () => {
    const counters = new EdgeCounters();
    const connection = session(new RecordingSink(), counters);
    const output = connection.receive(
      Buffer.from(
        '[3G*9705141740*0010*UD,991399,185105,V]' + // too short, impossible date
          '[3G*9705141740*0003*TKQ]',
      ),
    );
    expect(output.outcomes).toEqual(['rejected', 'handled']);
    expect(output.replies).toEqual(['[3G*9705141740*0003*TKQ]']);
    expect(counters.rejected.get('watch: position report too short')).toBe(1);
  });
});

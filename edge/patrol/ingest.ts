// Turns what a patrol reader publishes (haven/{site}/patrol/{reader}/scan)
// into a validated scan in the outbox. The edge does not know the plans: the
// hub maps the tag to its checkpoint and judges the round.
import { PatrolScanReport } from '../../common/contracts/patrol.ts';
import { Validator } from '../../common/contracts/validator.ts';
import type { Logger } from '../../common/log.ts';
import type { DeviceMessageSink } from '../broker/broker.ts';
import type { DeviceIdentity } from '../devices/registry.ts';
import type { EdgeCounters } from '../metrics.ts';
import { Priority, type Outbox } from '../outbox/outbox.ts';

const scanValidator = new Validator(PatrolScanReport);

export class PatrolIngest implements DeviceMessageSink {
  constructor(
    private readonly outbox: Outbox,
    private readonly counters: EdgeCounters,
    private readonly log: Logger,
  ) {}

  /** Returns a rejection reason, or undefined when the scan is on disk. */
  accept(reader: DeviceIdentity, channel: string, payload: Buffer): string | undefined {
    if (channel !== 'scan') return `patrol reader has no channel "${channel}"`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload.toString('utf8'));
    } catch {
      return 'scan invalid: payload is not JSON';
    }
    const result = scanValidator.validate(parsed);
    if (!result.ok) return `scan invalid: ${result.reason}`;

    const scan = result.value;
    this.outbox.putNow(
      'patrol_scan',
      { site: reader.site, deviceKind: 'patrol', deviceId: reader.id, scan },
      Priority.event,
    );
    this.counters.accepted++;
    this.log.info({ reader: reader.id, guard: scan.guard, tag: scan.tag }, 'patrol scan accepted');
    return undefined;
  }
}

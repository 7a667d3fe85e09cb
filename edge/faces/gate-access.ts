// Access events from face gates that recognise people themselves, published
// on haven/{site}/gate/{id}/access: validated, then logged like the edge's
// own decisions. A resident on the local gallery's watch list raises an alert.
import { GateAccessReport, type AccessEvent } from '../../common/contracts/access.ts';
import { Validator } from '../../common/contracts/validator.ts';
import type { Logger } from '../../common/log.ts';
import type { DeviceIdentity } from '../devices/registry.ts';
import type { EdgeCounters } from '../metrics.ts';
import { Priority, type Outbox } from '../outbox/outbox.ts';
import type { GalleryEntry } from './gallery.ts';

const reportValidator = new Validator(GateAccessReport);

export class GateAccessIngest {
  constructor(
    private readonly edgeId: string,
    private readonly outbox: Outbox,
    private readonly counters: EdgeCounters,
    /** The local gallery's entry for a resident, when this edge has a gallery. */
    private readonly lookup: (residentId: string) => GalleryEntry | undefined,
    private readonly log: Logger,
  ) {}

  /** Returns a rejection reason, or undefined when accepted. */
  accept(gate: DeviceIdentity, payload: Buffer): string | undefined {
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload.toString('utf8'));
    } catch {
      return 'access report is not JSON';
    }
    const result = reportValidator.validate(parsed);
    if (!result.ok) return `access report invalid: ${result.reason}`;
    const report = result.value;
    if (report.decision !== 'stranger' && !report.residentId) {
      return `access report invalid: a ${report.decision} report names the resident`;
    }

    const entry = report.residentId ? this.lookup(report.residentId) : undefined;
    const event: AccessEvent = {
      site: gate.site,
      deviceKind: 'gate',
      deviceId: gate.id,
      at: report.time,
      decision: report.decision,
      source: 'gate',
      ...(report.residentId && { residentId: report.residentId }),
      ...(entry && { residentName: entry.name }),
      watchList: entry?.watchList ?? false,
      ...(report.score !== undefined && { score: report.score }),
      sightings: 1,
      ...(report.snapshot && { thumbnail: report.snapshot }),
    };
    this.outbox.putNow('access', event, Priority.event);
    if (entry?.watchList) {
      this.outbox.putNow(
        'alert',
        {
          type: 'watch_list',
          severity: 'critical',
          site: gate.site,
          edgeId: this.edgeId,
          subject: { kind: 'resident', id: entry.residentId },
          dedupKey: `watch_list:${gate.site}:${entry.residentId}`,
          raisedAt: report.time,
          evidence: { gateId: gate.id, name: entry.name, reportedBy: 'gate' },
        },
        Priority.criticalAlert,
      );
    }
    this.counters.accepted++;
    this.log.info(
      { gate: gate.id, decision: report.decision, resident: report.residentId },
      'gate access report accepted',
    );
    return undefined;
  }
}

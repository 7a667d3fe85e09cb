// How every band rule turns a finding into alerts for the hub. A standing
// condition (band off, heart rate out of range, ...) is one alert: raised once,
// updated when it gets worse, cleared when it ends, and raised again only after
// it cleared. The raised set is in SQLite (StandingConditions), so a restart
// does not raise it twice. Everything here runs synchronously on the event
// loop, so two messages racing cannot both find a condition new.
import type { RaisedAlert, Severity } from '../../common/contracts/alert.ts';
import type { Logger } from '../../common/log.ts';
import { Priority, type Outbox } from '../outbox/outbox.ts';
import type { StandingConditions } from './conditions.ts';

export interface BandContext {
  site: string;
  edgeId: string;
  bandId: string;
  /** The wearer, as the device registration names them. */
  resident?: string;
}

export class BandAlerts {
  constructor(
    private readonly outbox: Outbox,
    private readonly conditions: StandingConditions,
    private readonly log: Logger,
  ) {}

  /** A one-off alarm (SOS, fall): every occurrence goes out; the hub folds repeats. */
  raise(
    band: BandContext,
    type: string,
    severity: Severity,
    time: string,
    evidence: Record<string, unknown>,
  ): void {
    const alert: RaisedAlert = {
      type,
      severity,
      site: band.site,
      edgeId: band.edgeId,
      subject: { kind: 'band', id: band.bandId },
      dedupKey: dedupKeyFor(band, type),
      raisedAt: time,
      evidence: band.resident === undefined ? evidence : { resident: band.resident, ...evidence },
    };
    const priority = severity === 'critical' ? Priority.criticalAlert : Priority.alert;
    this.outbox.putNow('alert', alert, priority);
    this.log.info({ band: band.bandId, alert: type, severity }, 'alert queued for the hub');
  }

  isStanding(band: BandContext, type: string): boolean {
    return this.conditions.isRaised(dedupKeyFor(band, type));
  }

  /** Raises the condition unless it is standing already. True when it went out. */
  raiseStanding(
    band: BandContext,
    type: string,
    severity: Severity,
    time: string,
    evidence: Record<string, unknown>,
  ): boolean {
    if (!this.conditions.raise(dedupKeyFor(band, type), Date.parse(time))) return false;
    this.raise(band, type, severity, time, evidence);
    return true;
  }

  /** Raises the condition, or sends the standing one again with new severity and evidence. */
  raiseOrUpdate(
    band: BandContext,
    type: string,
    severity: Severity,
    time: string,
    evidence: Record<string, unknown>,
  ): void {
    if (this.raiseStanding(band, type, severity, time, evidence)) return;
    this.raise(band, type, severity, time, evidence);
  }

  /** True when the condition was standing and is now cleared. */
  clear(band: BandContext, type: string, time: string): boolean {
    const dedupKey = dedupKeyFor(band, type);
    if (!this.conditions.clear(dedupKey)) return false;
    this.outbox.putNow(
      'clear',
      { site: band.site, edgeId: band.edgeId, dedupKey, clearedAt: time },
      Priority.alert,
    );
    this.log.info({ band: band.bandId, alert: type }, 'condition cleared');
    return true;
  }
}

export function dedupKeyFor(band: BandContext, type: string): string {
  return `${band.site}/band/${band.bandId}/${type}`;
}

// A band that stopped reporting. Each band's timeout comes from its own
// reporting interval: pinned in care settings, or learned as the median gap
// between its recent telemetry, then missedReports of those (never less than
// minSilentMinutes). A silent band is one band_offline warning; its next
// message clears it once. A band that reconnects within its timeout raises
// nothing, so a flaky link does not flap. The clock runs only while the edge
// does: after a restart every band gets a full timeout before it is offline.
import type { Logger } from '../../common/log.ts';
import type { BandAlerts, BandContext } from './band-alerts.ts';
import { silentTimeoutMs, type CareSettingsBook } from './care-settings.ts';
import type { CareStateStore } from './care-state.ts';

// Known shortcoming: a band's last will ("offline" on its status topic) does not
// shorten the wait; silence alone decides, so a clean disconnect warns no sooner.
const rule = 'band_offline';
/** Gaps kept for the median. */
const gapsKept = 9;
/** Gaps seen before the learned interval is trusted. */
const gapsToLearn = 3;
/** Closer reports are bursts (an alarm and its telemetry), not the interval. */
const shortestGapMs = 1000;

interface Reporting {
  band: BandContext;
  /** Recent gaps between telemetry arrivals (ms), oldest first. */
  gapsMs: number[];
}

export class DeviceSilenceRule {
  /** band id → when its last message arrived (ms, edge clock) */
  readonly #lastSeenMs = new Map<string, number>();
  /** band id → when its last telemetry arrived (ms, edge clock) */
  readonly #lastTelemetryMs = new Map<string, number>();
  /** band id → the timer that declares it offline */
  readonly #timers = new Map<string, NodeJS.Timeout>();
  #running = false;

  constructor(
    private readonly alerts: BandAlerts,
    private readonly settings: CareSettingsBook,
    private readonly state: CareStateStore,
    /** Bands registered at this edge: silent from the start is offline too. */
    private readonly registered: readonly BandContext[],
    private readonly log: Logger,
  ) {}

  start(): void {
    this.#running = true;
    const now = Date.now();
    const known = new Map(this.registered.map((band) => [band.bandId, band]));
    for (const [bandId, reporting] of this.state.bands<Reporting>(rule)) {
      if (!known.has(bandId)) known.set(bandId, reporting.band);
    }
    for (const band of known.values()) {
      this.#lastSeenMs.set(band.bandId, now);
      this.#arm(band);
    }
  }

  stop(): void {
    this.#running = false;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  /** Any accepted message from the band; telemetry also teaches its interval. */
  onMessage(band: BandContext, kind: 'telemetry' | 'event'): void {
    const now = Date.now();
    if (kind === 'telemetry') this.#learn(band, now);
    const silentSinceMs = this.#lastSeenMs.get(band.bandId);
    this.#lastSeenMs.set(band.bandId, now);
    if (this.alerts.clear(band, rule, new Date(now).toISOString())) {
      const silentMinutes =
        silentSinceMs === undefined ? undefined : Math.round((now - silentSinceMs) / 60_000);
      this.log.info({ band: band.bandId, silentMinutes }, 'band reporting again');
    }
    this.#arm(band);
  }

  /** How long this band may be silent, as things stand. */
  timeoutMs(bandId: string): number {
    const gapsMs = this.state.get<Reporting>(rule, bandId)?.gapsMs ?? [];
    const learned = gapsMs.length >= gapsToLearn ? median(gapsMs) : undefined;
    return silentTimeoutMs(this.settings.forBand(bandId), learned);
  }

  #learn(band: BandContext, now: number): void {
    const previous = this.#lastTelemetryMs.get(band.bandId);
    this.#lastTelemetryMs.set(band.bandId, now);
    const reporting = this.state.get<Reporting>(rule, band.bandId) ?? { band, gapsMs: [] };
    if (previous !== undefined && now - previous >= shortestGapMs) {
      reporting.gapsMs = [...reporting.gapsMs, now - previous].slice(-gapsKept);
    }
    reporting.band = band;
    this.state.put(rule, band.bandId, reporting);
  }

  #arm(band: BandContext): void {
    if (!this.#running) return;
    clearTimeout(this.#timers.get(band.bandId));
    const lastSeenMs = this.#lastSeenMs.get(band.bandId) ?? Date.now();
    const dueMs = lastSeenMs + this.timeoutMs(band.bandId);
    this.#timers.set(
      band.bandId,
      setTimeout(() => this.#silent(band), Math.max(0, dueMs - Date.now())),
    );
  }

  #silent(band: BandContext): void {
    this.#timers.delete(band.bandId);
    const lastSeenMs = this.#lastSeenMs.get(band.bandId) ?? Date.now();
    const silentMinutes = Math.round((Date.now() - lastSeenMs) / 60_000);
    const raised = this.alerts.raiseStanding(band, rule, 'warning', new Date().toISOString(), {
      lastSeenAt: new Date(lastSeenMs).toISOString(),
      silentMinutes,
      timeoutMinutes: Math.round(this.timeoutMs(band.bandId) / 60_000),
    });
    if (raised) this.log.warn({ band: band.bandId, silentMinutes }, 'band went silent');
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

// A band off the wrist for longer than the wearer's removedMinutes is a warning,
// standing until the band reports being worn again. Taking it off to wash or
// charge for a few minutes raises nothing. Since when a band is off is kept in
// SQLite, so the minutes keep counting across an edge restart.
import type { BandEvent, BandTelemetry } from '../../common/contracts/band.ts';
import type { Logger } from '../../common/log.ts';
import type { BandAlerts, BandContext } from './band-alerts.ts';
import type { CareSettingsBook } from './care-settings.ts';
import type { CareStateStore } from './care-state.ts';

const rule = 'band_removed';

interface RemovedState {
  /** When the band was first seen off the wrist (ms). */
  sinceMs: number;
  band: BandContext;
}

export class BandRemovedRule {
  /** band id → the timer that raises the warning */
  readonly #timers = new Map<string, NodeJS.Timeout>();
  #running = false;

  constructor(
    private readonly alerts: BandAlerts,
    private readonly settings: CareSettingsBook,
    private readonly state: CareStateStore,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.#running = true;
    for (const [bandId, removed] of this.state.bands<RemovedState>(rule)) {
      this.#arm(bandId, removed);
    }
  }

  stop(): void {
    this.#running = false;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  onTelemetry(band: BandContext, telemetry: BandTelemetry): void {
    if (telemetry.worn === false) this.#removed(band, telemetry.time);
    else if (telemetry.worn === true) this.#worn(band, telemetry.time);
  }

  onEvent(band: BandContext, event: BandEvent): void {
    if (event.kind === 'removed') this.#removed(band, event.time);
  }

  #removed(band: BandContext, time: string): void {
    if (this.state.get<RemovedState>(rule, band.bandId)) return;
    // A band clock ahead of ours must not stretch the wait.
    const removed: RemovedState = { sinceMs: Math.min(Date.parse(time), Date.now()), band };
    this.state.putNow(rule, band.bandId, removed);
    this.log.info({ band: band.bandId, since: time }, 'band is off the wrist');
    this.#arm(band.bandId, removed);
  }

  #worn(band: BandContext, time: string): void {
    clearTimeout(this.#timers.get(band.bandId));
    this.#timers.delete(band.bandId);
    if (this.state.get<RemovedState>(rule, band.bandId)) this.state.forgetNow(rule, band.bandId);
    this.alerts.clear(band, rule, time);
  }

  #arm(bandId: string, removed: RemovedState): void {
    if (!this.#running || this.alerts.isStanding(removed.band, rule)) return;
    const { removedMinutes } = this.settings.forBand(bandId);
    const dueMs = removed.sinceMs + removedMinutes * 60_000;
    clearTimeout(this.#timers.get(bandId));
    this.#timers.set(
      bandId,
      setTimeout(() => this.#due(bandId), Math.max(0, dueMs - Date.now())),
    );
  }

  #due(bandId: string): void {
    this.#timers.delete(bandId);
    const removed = this.state.get<RemovedState>(rule, bandId);
    if (!removed) return;
    const offMinutes = Math.round((Date.now() - removed.sinceMs) / 60_000);
    this.alerts.raiseStanding(removed.band, rule, 'warning', new Date().toISOString(), {
      removedSince: new Date(removed.sinceMs).toISOString(),
      offMinutes,
    });
    this.log.warn({ band: bandId, offMinutes }, 'band off the wrist too long');
  }
}

// A resident who has not moved: no new steps and no change of place for the
// wearer's inactivityMinutes of daytime (07:00–21:00 in care.timeZone by
// default) while the band is worn and reporting. Only time between two reports
// that both say the band is worn counts, and only its daytime part: a night's
// sleep, a band on the charger or a band that went silent is not inactivity.
// The first new step or a move of movementMeters clears the warning.
import type { BandTelemetry } from '../../common/contracts/band.ts';
import type { Logger } from '../../common/log.ts';
import type { BandAlerts, BandContext } from './band-alerts.ts';
import { silentTimeoutMs, type CareSettings, type CareSettingsBook } from './care-settings.ts';
import type { CareStateStore } from './care-state.ts';
import { DaytimeHours } from './daytime.ts';
import { distanceM, type LatLon } from './geometry.ts';

// Known shortcoming: judged when a report arrives, so a band that reports every
// 30 minutes warns up to 30 minutes after the threshold passed.
const rule = 'inactivity';

/** Two reports further apart than this (or the band's silent timeout) say nothing about
 * the time between. */
const longestCountedGapMinutes = 30;

interface Stillness {
  /** Band time of the latest report (ms). */
  lastReportMs: number;
  lastWorn: boolean;
  /** Step counter at the latest report that had one. */
  steps?: number;
  /** Where the wearer last was active (valid fixes only). */
  place?: LatLon;
  lastActiveMs: number;
  /** Daytime while worn and reporting since the last activity. */
  stillMs: number;
}

export class InactivityRule {
  /** "from-to" → daytime hours in the community's zone */
  readonly #daytimes = new Map<string, DaytimeHours>();

  constructor(
    private readonly alerts: BandAlerts,
    private readonly settings: CareSettingsBook,
    private readonly state: CareStateStore,
    private readonly log: Logger,
  ) {}

  onTelemetry(band: BandContext, telemetry: BandTelemetry): void {
    const atMs = Date.parse(telemetry.time);
    const settings = this.settings.forBand(band.bandId);
    const worn = telemetry.worn !== false;
    const place = preciseFix(telemetry, settings.movementMeters);
    const previous = this.state.get<Stillness>(rule, band.bandId);

    if (!previous) {
      this.state.putNow(rule, band.bandId, {
        lastReportMs: atMs,
        lastWorn: worn,
        ...(telemetry.steps !== undefined && { steps: telemetry.steps }),
        ...(place && { place }),
        lastActiveMs: atMs,
        stillMs: 0,
      } satisfies Stillness);
      return;
    }
    if (atMs <= previous.lastReportMs) return;

    const stepped =
      telemetry.steps !== undefined &&
      previous.steps !== undefined &&
      telemetry.steps > previous.steps;
    const moved =
      place !== undefined &&
      previous.place !== undefined &&
      distanceM(previous.place, place) >= settings.movementMeters;
    const next: Stillness = {
      ...previous,
      lastReportMs: atMs,
      lastWorn: worn,
      // A counter that went down was reset (midnight, restart): a new baseline.
      ...(telemetry.steps !== undefined && { steps: telemetry.steps }),
    };

    if (worn && (stepped || moved)) {
      next.lastActiveMs = atMs;
      next.stillMs = 0;
      if (place) next.place = place;
      this.state.put(rule, band.bandId, next);
      if (this.alerts.clear(band, rule, telemetry.time)) {
        this.log.info({ band: band.bandId, stepped, moved }, 'resident is moving again');
      }
      return;
    }
    if (place && previous.place === undefined) next.place = place;

    const gapMs = atMs - previous.lastReportMs;
    const longestGapMs = Math.max(longestCountedGapMinutes * 60_000, silentTimeoutMs(settings));
    if (worn && previous.lastWorn && gapMs <= longestGapMs) {
      next.stillMs += this.#daytime(settings).overlapMs(previous.lastReportMs, atMs);
    }
    this.state.put(rule, band.bandId, next);

    if (next.stillMs < settings.inactivityMinutes * 60_000) return;
    const stillMinutes = Math.round(next.stillMs / 60_000);
    const raised = this.alerts.raiseStanding(band, rule, 'warning', telemetry.time, {
      lastActiveAt: new Date(next.lastActiveMs).toISOString(),
      stillDaytimeMinutes: stillMinutes,
      ...(next.steps !== undefined && { steps: next.steps }),
      ...(next.place && { place: next.place }),
    });
    if (raised) this.log.warn({ band: band.bandId, stillMinutes }, 'resident has not moved');
  }

  #daytime(settings: CareSettings): DaytimeHours {
    const key = `${settings.daytimeFrom}-${settings.daytimeTo}`;
    let daytime = this.#daytimes.get(key);
    if (!daytime) {
      daytime = new DaytimeHours(this.settings.timeZone, settings.daytimeFrom, settings.daytimeTo);
      this.#daytimes.set(key, daytime);
    }
    return daytime;
  }
}

/** A fix good enough to tell a move of movementMeters from noise. */
function preciseFix(telemetry: BandTelemetry, movementMeters: number): LatLon | undefined {
  const position = telemetry.position;
  if (!position || position.valid === false) return undefined;
  if (position.lat === 0 && position.lon === 0) return undefined;
  if (position.accuracyM !== undefined && position.accuracyM > movementMeters) return undefined;
  return { lat: position.lat, lon: position.lon };
}

// Heart rate and blood oxygen outside the wearer's range. One reading out of
// range is noise; readings that stay out for sustainedMinutes (two at least)
// are a warning. The warning becomes critical when the episode lasts past
// criticalAfterMinutes, or when two readings in a row cross the critical limit.
// Two readings in range in a row end the episode and clear the alert. Times are
// the band's own sample times, so late-delivered telemetry is judged right.
import type { Severity } from '../../common/contracts/alert.ts';
import type { BandTelemetry } from '../../common/contracts/band.ts';
import type { Logger } from '../../common/log.ts';
import type { BandAlerts, BandContext } from './band-alerts.ts';
import type { CareSettings, CareSettingsBook } from './care-settings.ts';
import type { CareStateStore } from './care-state.ts';

type Level = 'none' | Extract<Severity, 'warning' | 'critical'>;
const levelRank: Record<Level, number> = { none: 0, warning: 1, critical: 2 };

interface VitalSign {
  /** Alert type and state key. */
  rule: string;
  unit: string;
  read(telemetry: BandTelemetry): number | undefined;
  outOfRange(value: number, settings: CareSettings): boolean;
  critical(value: number, settings: CareSettings): boolean;
  /** The worse of two readings. */
  worse(a: number, b: number, settings: CareSettings): number;
}

const heartRate: VitalSign = {
  rule: 'heart_rate',
  unit: 'bpm',
  // 0 is what bands send when they got no reading.
  read: (t) => (t.heartRateBpm ? t.heartRateBpm : undefined),
  outOfRange: (v, s) => v < s.heartRateBpm.min || v > s.heartRateBpm.max,
  critical: (v, s) => v < s.criticalHeartRateBpm.min || v > s.criticalHeartRateBpm.max,
  worse: (a, b, s) => {
    const middle = (s.heartRateBpm.min + s.heartRateBpm.max) / 2;
    return Math.abs(b - middle) > Math.abs(a - middle) ? b : a;
  },
};

const bloodOxygen: VitalSign = {
  rule: 'low_spo2',
  unit: '%',
  read: (t) => (t.spo2Percent ? t.spo2Percent : undefined),
  outOfRange: (v, s) => v < s.lowSpo2Percent,
  critical: (v, s) => v < s.criticalSpo2Percent,
  worse: (a, b) => Math.min(a, b),
};

interface Episode {
  /** Time of the first reading out of range (ms, band clock). */
  sinceMs: number;
  lastMs: number;
  readings: number;
  criticalInARow: number;
  inRangeInARow: number;
  worst: number;
  level: Level;
  /** The latest readings, [ISO time, value], for the alert's evidence. */
  recent: [string, number][];
}

const recentKept = 12;

export class VitalSignRules {
  constructor(
    private readonly alerts: BandAlerts,
    private readonly settings: CareSettingsBook,
    private readonly state: CareStateStore,
    private readonly log: Logger,
  ) {}

  onTelemetry(band: BandContext, telemetry: BandTelemetry): void {
    if (telemetry.worn === false) return;
    const settings = this.settings.forBand(band.bandId);
    for (const sign of [heartRate, bloodOxygen]) {
      const value = sign.read(telemetry);
      if (value !== undefined) this.#reading(band, sign, value, telemetry.time, settings);
    }
  }

  #reading(
    band: BandContext,
    sign: VitalSign,
    value: number,
    time: string,
    settings: CareSettings,
  ): void {
    const atMs = Date.parse(time);
    const episode = this.state.get<Episode>(sign.rule, band.bandId);
    if (episode && atMs <= episode.lastMs) return;

    if (!sign.outOfRange(value, settings)) {
      if (!episode) return;
      if (episode.level === 'none' || ++episode.inRangeInARow >= 2) {
        this.state.forgetNow(sign.rule, band.bandId);
        if (this.alerts.clear(band, sign.rule, time)) {
          this.log.info({ band: band.bandId, sign: sign.rule, value }, 'vital sign back in range');
        }
        return;
      }
      episode.lastMs = atMs;
      this.state.put(sign.rule, band.bandId, episode);
      return;
    }

    const current: Episode = episode ?? {
      sinceMs: atMs,
      lastMs: atMs,
      readings: 0,
      criticalInARow: 0,
      inRangeInARow: 0,
      worst: value,
      level: 'none',
      recent: [],
    };
    current.lastMs = atMs;
    current.readings++;
    current.inRangeInARow = 0;
    current.criticalInARow = sign.critical(value, settings) ? current.criticalInARow + 1 : 0;
    current.worst = sign.worse(current.worst, value, settings);
    current.recent = [...current.recent, [time, value] as [string, number]].slice(-recentKept);

    const level = this.#levelOf(current, settings);
    const rising = levelRank[level] > levelRank[current.level];
    if (rising) current.level = level;
    if (rising || !episode) this.state.putNow(sign.rule, band.bandId, current);
    else this.state.put(sign.rule, band.bandId, current);
    if (!rising || level === 'none') return;

    this.alerts.raiseOrUpdate(band, sign.rule, level, time, {
      value,
      unit: sign.unit,
      worst: current.worst,
      since: new Date(current.sinceMs).toISOString(),
      minutes: Math.round((atMs - current.sinceMs) / 60_000),
      readings: current.recent,
    });
    this.log.warn(
      { band: band.bandId, sign: sign.rule, value, level, since: current.sinceMs },
      'vital sign out of range',
    );
  }

  #levelOf(episode: Episode, settings: CareSettings): Level {
    const lastedMs = episode.lastMs - episode.sinceMs;
    const sustained = episode.readings >= 2 && lastedMs >= settings.sustainedMinutes * 60_000;
    if (episode.criticalInARow >= 2) return 'critical';
    if (sustained && lastedMs >= settings.criticalAfterMinutes * 60_000) return 'critical';
    return sustained ? 'warning' : 'none';
  }
}

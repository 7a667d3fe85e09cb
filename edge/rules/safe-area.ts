// A resident at risk of wandering (care: wanders) who leaves their safe area:
// a warning after two fixes in a row outside it by more than the fix's own
// accuracy, standing until two fixes in a row are inside again. One stray fix
// raises and clears nothing. Fixes without GPS (valid: false) are not used.
import type { BandTelemetry } from '../../common/contracts/band.ts';
import type { Logger } from '../../common/log.ts';
import type { BandAlerts, BandContext } from './band-alerts.ts';
import type { CareSettingsBook } from './care-settings.ts';
import { distanceOutsideM } from './geometry.ts';

// Known shortcoming: the band's own geofence alarms (geofence_exit) are not used;
// only its positions are, against the safe area configured here.
const rule = 'left_safe_area';
const fixesInARow = 2;

export class SafeAreaRule {
  /** band id → fixes in a row on the other side of the boundary than the alert says */
  readonly #crossings = new Map<string, number>();

  constructor(
    private readonly alerts: BandAlerts,
    private readonly settings: CareSettingsBook,
    private readonly log: Logger,
  ) {}

  onTelemetry(band: BandContext, telemetry: BandTelemetry): void {
    const { wanders, safeArea } = this.settings.forBand(band.bandId);
    const position = telemetry.position;
    if (!wanders || !safeArea || !position || position.valid === false) return;

    const outsideM = distanceOutsideM(safeArea, position);
    const accuracyM = position.accuracyM ?? 0;
    const standing = this.alerts.isStanding(band, rule);
    const crossed = standing ? outsideM <= 0 : outsideM > accuracyM;
    if (!crossed) {
      this.#crossings.delete(band.bandId);
      return;
    }
    const inARow = (this.#crossings.get(band.bandId) ?? 0) + 1;
    if (inARow < fixesInARow) {
      this.#crossings.set(band.bandId, inARow);
      return;
    }
    this.#crossings.delete(band.bandId);

    if (standing) {
      this.alerts.clear(band, rule, telemetry.time);
      this.log.info({ band: band.bandId }, 'resident is back inside the safe area');
      return;
    }
    this.alerts.raiseStanding(band, rule, 'warning', telemetry.time, {
      position: { lat: position.lat, lon: position.lon, accuracyM },
      outsideMeters: Math.round(outsideM),
      safeArea: safeArea.kind,
    });
    this.log.warn({ band: band.bandId, outsideM: Math.round(outsideM) }, 'resident left safe area');
  }
}

// A camera that stays down raises one camera_offline alert through the outbox;
// its return clears it. The condition is kept in SQLite, so a restarted edge
// neither raises it twice nor forgets to clear it.
import type { RaisedAlert } from '../../common/contracts/alert.ts';
import type { Logger } from '../../common/log.ts';
import { Priority, type Outbox } from '../outbox/outbox.ts';
import type { StandingConditions } from '../rules/conditions.ts';
import type { OfflineReport } from './watchdog.ts';

export const cameraOfflineAlert = 'camera_offline';

export interface CameraAlertContext {
  site: string;
  edgeId: string;
}

export class CameraOfflineAlerts {
  constructor(
    private readonly context: CameraAlertContext,
    private readonly outbox: Outbox,
    private readonly conditions: StandingConditions,
    private readonly log: Logger,
  ) {}

  dedupKey(cameraId: string): string {
    return `${this.context.site}/camera/${cameraId}/${cameraOfflineAlert}`;
  }

  raise(cameraId: string, report: OfflineReport, location?: string): void {
    const dedupKey = this.dedupKey(cameraId);
    const now = Date.now();
    if (!this.conditions.raise(dedupKey, now)) return;
    const alert: RaisedAlert = {
      type: cameraOfflineAlert,
      severity: 'warning',
      site: this.context.site,
      edgeId: this.context.edgeId,
      subject: { kind: 'camera', id: cameraId },
      dedupKey,
      raisedAt: new Date(now).toISOString(),
      evidence: {
        downSince: new Date(report.downSince).toISOString(),
        downForMs: now - report.downSince,
        reason: report.reason,
        attempts: report.attempts,
        ...(location === undefined ? {} : { location }),
      },
    };
    this.outbox.putNow('alert', alert, Priority.alert);
    this.log.info({ camera: cameraId, alert: cameraOfflineAlert }, 'alert queued for the hub');
  }

  // Shortcoming: a camera removed from the config while offline keeps its alert standing.
  /** Clears a standing camera_offline; does nothing when none is standing. */
  clear(cameraId: string): void {
    const dedupKey = this.dedupKey(cameraId);
    if (!this.conditions.clear(dedupKey)) return;
    const { site, edgeId } = this.context;
    this.outbox.putNow(
      'clear',
      { site, edgeId, dedupKey, clearedAt: new Date().toISOString() },
      Priority.alert,
    );
    this.log.info({ camera: cameraId, alert: cameraOfflineAlert }, 'condition cleared');
  }
}

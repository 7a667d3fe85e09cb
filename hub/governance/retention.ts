// The retention job: on a timer, removes every kind of personal data older than
// its configured retention, and reports (log + audit) what it removed. A kind
// that no area has registered a target for is reported as not enforced rather
// than silently passing.
import type { Logger } from '../../common/log.ts';
import type { HubStore } from '../store/store.ts';
import type { RetentionConfig } from './config.ts';
import type { DataGovernance, RetentionKind } from './holders.ts';

const dayMs = 24 * 3600_000;

const retentionDays: Record<RetentionKind, keyof RetentionConfig> = {
  strangerSnapshots: 'strangerSnapshotsDays',
  accessThumbnails: 'accessThumbnailsDays',
  alertEvidence: 'alertEvidenceDays',
  telemetry: 'telemetryDays',
};

export interface RetentionReport {
  ranAt: string;
  kinds: Record<
    RetentionKind,
    { keptDays: number; cutoff: string; removed: number; enforcedBy: string[] }
  >;
  /** Kinds that no area purges yet. */
  notEnforced: RetentionKind[];
}

export class RetentionJob {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<RetentionReport> | undefined;
  lastReport: RetentionReport | undefined;

  constructor(
    private readonly config: RetentionConfig,
    private readonly governance: DataGovernance,
    private readonly store: HubStore,
    private readonly log: Pick<Logger, 'info' | 'error'>,
  ) {}

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      this.runOnce().catch((error: unknown) => {
        this.log.error({ err: error }, 'retention purge failed');
      });
    }, this.config.purgeEveryMinutes * 60_000);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }

  /** Resolves when the purge running now (if any) has finished. */
  async settled(): Promise<void> {
    await this.#running?.catch(() => undefined);
  }

  /** Runs one purge now; a purge already running is joined rather than doubled. */
  async runOnce(now = new Date()): Promise<RetentionReport> {
    this.#running ??= this.#purge(now).finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #purge(now: Date): Promise<RetentionReport> {
    const report: RetentionReport = {
      ranAt: now.toISOString(),
      kinds: {} as RetentionReport['kinds'],
      notEnforced: [],
    };
    for (const [kind, setting] of Object.entries(retentionDays) as [
      RetentionKind,
      keyof RetentionConfig,
    ][]) {
      const keptDays = this.config[setting];
      const cutoff = new Date(now.getTime() - keptDays * dayMs);
      const targets = this.governance.retentionTargets.filter((target) => target.kind === kind);
      let removed = 0;
      for (const target of targets) removed += await target.purgeBefore(cutoff);
      report.kinds[kind] = {
        keptDays,
        cutoff: cutoff.toISOString(),
        removed,
        enforcedBy: targets.map((target) => target.name),
      };
      if (targets.length === 0) report.notEnforced.push(kind);
    }
    const removed = Object.fromEntries(
      Object.entries(report.kinds).map(([kind, result]) => [kind, result.removed]),
    );
    await this.store.audit('haven', 'retention_purged', 'retention', {
      removed,
      notEnforced: report.notEnforced,
    });
    this.log.info({ removed, notEnforced: report.notEnforced }, 'retention purge finished');
    this.lastReport = report;
    return report;
  }
}

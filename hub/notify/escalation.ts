// Escalation: each new alert follows the first policy that matches its type
// and severity. Tier 0 is told at once; each later tier is told when its
// deadline passes with the alert still unacknowledged; everyone told so far is
// reminded on a period until someone acknowledges. Progress is stored after
// every step, so start() rebuilds the timers after a restart and nothing is
// told twice or skipped. Every step is audited on the alert.
import type { Alert } from '../../common/contracts/alert.ts';
import type { Logger } from '../../common/log.ts';
import type { LiveBus } from '../live/bus.ts';
import type { HubStore } from '../store/store.ts';
import type { EscalationPolicy, EscalationTarget } from './config.ts';
import type { Dispatcher } from './dispatcher.ts';
import type { AlertRouter } from './routing.ts';
import type { EscalationPhase, EscalationState, NotifyStore } from './store.ts';

export interface EscalationParts {
  policies: EscalationPolicy[];
  store: NotifyStore;
  hubStore: HubStore;
  router: AlertRouter;
  dispatcher: Dispatcher;
  live: LiveBus;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
}

export function policyFor(
  policies: EscalationPolicy[],
  alert: Pick<Alert, 'type' | 'severity'>,
): EscalationPolicy | undefined {
  return policies.find(
    (policy) =>
      (policy.types.length === 0 || policy.types.includes(alert.type)) &&
      (policy.severities.length === 0 || policy.severities.includes(alert.severity)),
  );
}

class EscalationStopped extends Error {}

export class Escalation {
  /** alert id → the timer for its next tier or reminder */
  readonly #timers = new Map<string, NodeJS.Timeout>();
  /** alert id → the step running now; steps of one alert run one after another */
  readonly #steps = new Map<string, Promise<void>>();
  readonly #inFlight = new Set<Promise<void>>();
  #running = false;

  readonly #onAlert = (alert: Alert): void => {
    this.#track(this.#serial(alert.id, () => this.#alertChanged(alert)));
  };

  constructor(private readonly parts: EscalationParts) {}

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.parts.live.on('alert', this.#onAlert);
    const running = await this.parts.store.runningEscalations();
    for (const state of running) this.#schedule(state);
    if (running.length > 0) {
      this.parts.log.info({ escalations: running.length }, 'escalation timers rebuilt');
    }
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.parts.live.off('alert', this.#onAlert);
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    await Promise.allSettled([...this.#inFlight]);
  }

  /** Resolves when every step started so far has finished (tests, shutdown). */
  async whenIdle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /** Alerts whose escalation has a timer set now. */
  get pendingAlerts(): string[] {
    return [...this.#timers.keys()];
  }

  #track(step: Promise<void>): void {
    const tracked = step.catch((error: unknown) => {
      if (error instanceof EscalationStopped) return;
      this.parts.log.error({ err: error }, 'escalation step failed');
    });
    this.#inFlight.add(tracked);
    void tracked.finally(() => this.#inFlight.delete(tracked));
  }

  #serial(alertId: string, step: () => Promise<void>): Promise<void> {
    const previous = this.#steps.get(alertId) ?? Promise.resolve();
    const next = previous.then(step, step);
    const settled = next.catch(() => undefined);
    this.#steps.set(alertId, settled);
    void settled.then(() => {
      if (this.#steps.get(alertId) === settled) this.#steps.delete(alertId);
    });
    return next;
  }

  async #alertChanged(alert: Alert): Promise<void> {
    if (!this.#running) return;
    if (alert.state !== 'new') {
      await this.#end(alert.id, alert.state === 'resolved' ? 'resolved' : 'acknowledged');
      return;
    }
    const policy = policyFor(this.parts.policies, alert);
    if (!policy) return;
    const existing = await this.parts.store.getEscalation(alert.id);
    if (existing && existing.policy === policy.name) return;
    if (existing && existing.phase !== 'running' && existing.phase !== 'completed') return;
    await this.#begin(alert, policy, existing?.policy);
  }

  async #begin(alert: Alert, policy: EscalationPolicy, previousPolicy?: string): Promise<void> {
    const now = Date.now();
    const state: EscalationState = {
      alertId: alert.id,
      policy: policy.name,
      tier: -1,
      startedAt: now,
      nextTierAt: now + policy.tiers[0]!.afterMs,
      nextReminderAt: null,
      reminders: 0,
      phase: 'running',
      endedAt: null,
    };
    await this.parts.store.saveEscalation(state);
    await this.parts.hubStore.audit('haven', 'escalation_started', `alert:${alert.id}`, {
      policy: policy.name,
      ...(previousPolicy && { previousPolicy }),
    });
    await this.#step(alert.id);
  }

  #schedule(state: EscalationState): void {
    const existing = this.#timers.get(state.alertId);
    if (existing) clearTimeout(existing);
    this.#timers.delete(state.alertId);
    if (!this.#running || state.phase !== 'running') return;
    const due = [state.nextTierAt, state.nextReminderAt].filter((at) => at !== null);
    if (due.length === 0) return;
    const delayMs = Math.max(0, Math.min(...due) - Date.now());
    const timer = setTimeout(() => {
      this.#timers.delete(state.alertId);
      this.#track(this.#serial(state.alertId, () => this.#step(state.alertId)));
    }, delayMs);
    this.#timers.set(state.alertId, timer);
  }

  /** Tells whoever is due now, then sets the timer for what comes next. */
  async #step(alertId: string): Promise<void> {
    const { store, hubStore } = this.parts;
    const state = await store.getEscalation(alertId);
    if (!state || state.phase !== 'running' || !this.#running) return;
    const alert = await hubStore.getAlert(alertId);
    if (!alert) return this.#end(alertId, 'gone');
    if (alert.state !== 'new') {
      return this.#end(alertId, alert.state === 'resolved' ? 'resolved' : 'acknowledged');
    }
    const policy = this.parts.policies.find((candidate) => candidate.name === state.policy);
    if (!policy) return this.#end(alertId, 'completed');

    const now = Date.now();
    while (state.nextTierAt !== null && now >= state.nextTierAt) {
      state.tier++;
      const tier = policy.tiers[state.tier]!;
      const told = await this.#tell(alert, tier.notify, state.tier, 0);
      await hubStore.audit('haven', 'escalated', `alert:${alertId}`, {
        policy: policy.name,
        tier: state.tier,
        targets: tier.notify,
        told,
      });
      const following = policy.tiers[state.tier + 1];
      state.nextTierAt = following ? state.startedAt + following.afterMs : null;
      state.nextReminderAt = policy.reminderEveryMs > 0 ? now + policy.reminderEveryMs : null;
    }
    if (state.nextReminderAt !== null && now >= state.nextReminderAt) {
      state.reminders++;
      const targets = [...new Set(policy.tiers.slice(0, state.tier + 1).flatMap((t) => t.notify))];
      const told = await this.#tell(alert, targets, state.tier, state.reminders);
      await hubStore.audit('haven', 'reminded', `alert:${alertId}`, {
        reminder: state.reminders,
        told,
      });
      state.nextReminderAt = now + policy.reminderEveryMs;
    }
    if (state.nextTierAt === null && state.nextReminderAt === null) {
      state.phase = 'completed';
      state.endedAt = now;
    }
    await store.saveEscalation(state);
    this.#schedule(state);
  }

  async #tell(
    alert: Alert,
    targets: EscalationTarget[],
    tier: number,
    reminder: number,
  ): Promise<string[]> {
    const recipients = await this.parts.router.recipientsFor(alert, targets);
    // Stopping mid-step leaves the stored step undone, so a restart repeats
    // it: someone may be told twice, nobody is skipped.
    if (!this.#running) throw new EscalationStopped();
    // Everyone in a tier at once, so a gateway in back-off delays only its own
    // recipient; it does hold up this alert's next step. Retries are not kept
    // across a restart (the step is repeated instead).
    const deliveries = await Promise.all(
      recipients.map((recipient) => this.parts.dispatcher.notify(alert, recipient, tier, reminder)),
    );
    // A stop during the sends failed some of them on purpose: repeat the step.
    if (!this.#running) throw new EscalationStopped();
    return recipients.map(
      (recipient, index) => `${recipient.kind}:${recipient.id}:${deliveries[index]!.status}`,
    );
  }

  async #end(alertId: string, phase: EscalationPhase): Promise<void> {
    const timer = this.#timers.get(alertId);
    if (timer) clearTimeout(timer);
    this.#timers.delete(alertId);
    const state = await this.parts.store.getEscalation(alertId);
    if (!state || state.phase !== 'running') return;
    state.phase = phase;
    state.endedAt = Date.now();
    state.nextTierAt = null;
    state.nextReminderAt = null;
    await this.parts.store.saveEscalation(state);
    await this.parts.hubStore.audit('haven', 'escalation_stopped', `alert:${alertId}`, {
      because: phase,
      tierReached: state.tier,
      reminders: state.reminders,
    });
    this.parts.log.info({ alert: alertId, because: phase, tier: state.tier }, 'escalation stopped');
  }
}

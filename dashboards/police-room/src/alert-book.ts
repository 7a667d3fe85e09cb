// The alerts the wall knows about, kept current from two sources: the live
// socket's pushes and a full refetch after every (re)connect. A refetch that
// overlaps live pushes keeps whichever copy of an alert changed last, so
// nothing is lost or rolled back by the order in which they arrive.
import { fetchOpenAlerts } from './api.ts';
import type { Alert } from './types.ts';

type Listener = () => void;

export class AlertBook {
  /** alert id → the newest copy of that alert seen */
  readonly #alerts = new Map<string, Alert>();
  readonly #listeners = new Set<Listener>();
  #resyncs = 0;
  /** ids pushed while a refetch is in flight; undefined when none is */
  #pushedDuringResync: Set<string> | undefined;

  get all(): Alert[] {
    return [...this.#alerts.values()];
  }

  get open(): Alert[] {
    return this.all.filter((alert) => alert.state !== 'resolved');
  }

  /** How many full refetches have completed; a test reads it to see resync happen. */
  get resyncCount(): number {
    return this.#resyncs;
  }

  get(id: string): Alert | undefined {
    return this.#alerts.get(id);
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A pushed or returned alert; an older copy never replaces a newer one. */
  apply(alert: Alert): void {
    const known = this.#alerts.get(alert.id);
    if (known && known.updatedAt > alert.updatedAt) return;
    this.#pushedDuringResync?.add(alert.id);
    this.#alerts.set(alert.id, alert);
    this.#changed();
  }

  /** Refetches every open alert; alerts it no longer lists were resolved meanwhile. */
  async resync(): Promise<void> {
    const pushed = new Set<string>();
    this.#pushedDuringResync = pushed;
    let fresh: Alert[];
    try {
      fresh = await fetchOpenAlerts();
    } finally {
      this.#pushedDuringResync = undefined;
    }
    const freshIds = new Set(fresh.map((alert) => alert.id));
    for (const id of this.#alerts.keys()) {
      // A push that raced the refetch is newer than the list; keep it.
      if (!freshIds.has(id) && !pushed.has(id)) this.#alerts.delete(id);
    }
    for (const alert of fresh) {
      const known = this.#alerts.get(alert.id);
      if (!known || known.updatedAt <= alert.updatedAt) this.#alerts.set(alert.id, alert);
    }
    this.#resyncs++;
    this.#changed();
  }

  clear(): void {
    this.#alerts.clear();
    this.#changed();
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }
}

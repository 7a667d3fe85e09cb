// The hub's live push (WebSocket /api/live): reconnects with growing, jittered
// back-off after a drop, and resyncs the alert book on every (re)connect so an
// alert that changed while the socket was down still shows.
import { fetchMe } from './api.ts';
import type { AlertBook } from './alert-book.ts';
import type { Alert } from './types.ts';

export type LiveState = 'connecting' | 'online' | 'offline';

/** A notice addressed to the person logged in (escalation, a relative's alarm). */
export interface LiveNotice {
  deliveryId: string;
  alertId: string;
  title: string;
  body: string;
}

const firstRetryMs = 1_000;
const longestRetryMs = 10_000;

export class LiveConnection {
  #socket: WebSocket | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #retryMs = firstRetryMs;
  #running = false;
  state: LiveState = 'offline';

  constructor(
    private readonly book: AlertBook,
    private readonly onState: (state: LiveState) => void,
    private readonly onSessionEnded: () => void,
    private readonly onNotice: (notice: LiveNotice) => void = () => undefined,
  ) {}

  /** Tells the hub the person saw the notice, so its delivery counts as read. */
  markRead(deliveryId: string): void {
    this.#socket?.send(JSON.stringify({ type: 'read', deliveryId }));
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#connect();
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#retryTimer);
    this.#socket?.close();
    this.#socket = undefined;
    this.#setState('offline');
  }

  #connect(): void {
    const url = new URL('/api/live', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(url);
    this.#socket = socket;
    this.#setState('connecting');

    socket.onmessage = (message: MessageEvent<string>) => {
      const data = JSON.parse(message.data) as { type: string; alert?: Alert } & LiveNotice;
      if (data.type === 'hello') void this.#onHello();
      else if (data.type === 'alert' && data.alert) this.book.apply(data.alert);
      else if (data.type === 'notification') {
        const { deliveryId, alertId, title, body } = data;
        this.onNotice({ deliveryId, alertId, title, body });
      }
    };
    socket.onclose = () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      this.#setState('offline');
      if (this.#running) this.#scheduleRetry();
    };
  }

  /** The hub accepted the socket: now refetch what may have changed meanwhile. */
  async #onHello(): Promise<void> {
    this.#retryMs = firstRetryMs;
    try {
      await this.book.resync();
      this.#setState('online');
    } catch {
      this.#socket?.close();
    }
  }

  #scheduleRetry(): void {
    const delayMs = this.#retryMs * (0.75 + Math.random() * 0.5);
    this.#retryMs = Math.min(this.#retryMs * 2, longestRetryMs);
    this.#retryTimer = setTimeout(() => void this.#retry(), delayMs);
  }

  async #retry(): Promise<void> {
    if (!this.#running) return;
    // A refused upgrade looks like a drop; ask whether the session is still good.
    try {
      if (!(await fetchMe())) {
        this.stop();
        this.onSessionEnded();
        return;
      }
    } catch {
      // The hub is unreachable; keep trying.
    }
    if (this.#running) this.#connect();
  }

  #setState(state: LiveState): void {
    this.state = state;
    this.onState(state);
  }
}

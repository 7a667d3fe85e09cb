// One interface for every way a person can be told: the dashboard's live
// socket, a signed webhook to an SMS/phone gateway, and Web Push. The
// dispatcher tries a recipient's channels in their order of preference.
import type { Alert } from '../../common/contracts/alert.ts';
import type { ChannelName } from '../registry/schemas.ts';
import type { Recipient } from './store.ts';

export interface Notice {
  deliveryId: string;
  alert: Alert;
  recipient: Recipient;
  title: string;
  body: string;
  /** 0 for the first notice, then 1, 2, … for reminders. */
  reminder: number;
}

/** The channel could not pass the notice on; the dispatcher falls back to the next. */
export class ChannelFailure extends Error {
  constructor(
    readonly channel: ChannelName,
    message: string,
  ) {
    super(message);
  }
}

export interface NotificationChannel {
  readonly name: ChannelName;
  /**
   * Hands the notice on. Resolves "sent" when the channel took it, or
   * "delivered" when it already knows the recipient's device got it; rejects
   * with ChannelFailure when it cannot reach the recipient.
   */
  send(notice: Notice): Promise<'sent' | 'delivered'>;
  /** Stops retries and timers; sends in flight then fail. */
  stop(): void;
}

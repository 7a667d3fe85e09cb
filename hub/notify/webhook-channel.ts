// Notices to an SMS/phone gateway as signed JSON posts. The gateway checks
// X-Haven-Signature (HMAC-SHA256 over "<timestamp>.<body>" with the shared
// secret) and may later post receipts back, signed the same way. A failed post
// is retried with doubling waits; a 4xx other than 408/429 is not retried,
// because the same request would be refused again.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Logger } from '../../common/log.ts';
import { ChannelFailure, type NotificationChannel, type Notice } from './channel.ts';
import type { NotifyConfig } from './config.ts';

type WebhookConfig = NonNullable<NotifyConfig['webhook']>;

export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Checks a signed receipt; refuses signatures older than maxAgeMs to stop replays. */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string | undefined,
  body: string,
  signature: string | undefined,
  now = Date.now(),
  maxAgeMs = 5 * 60_000,
): boolean {
  if (!timestamp || !signature || !/^\d{10,16}$/.test(timestamp)) return false;
  if (Math.abs(now - Number(timestamp)) > maxAgeMs) return false;
  const expected = Buffer.from(webhookSignature(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

class PermanentRefusal extends Error {}

export class WebhookChannel implements NotificationChannel {
  readonly name = 'webhook' as const;
  /** Waits between retries, so stop() can cut them short. */
  readonly #waits = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();
  readonly #abort = new AbortController();

  constructor(
    private readonly config: WebhookConfig,
    private readonly log: Pick<Logger, 'warn' | 'info'>,
  ) {}

  async send(notice: Notice): Promise<'sent' | 'delivered'> {
    const { recipient, alert } = notice;
    if (!recipient.phone) {
      throw new ChannelFailure(this.name, `${recipient.name} has no phone number`);
    }
    const body = JSON.stringify({
      deliveryId: notice.deliveryId,
      alertId: alert.id,
      alertType: alert.type,
      severity: alert.severity,
      to: { name: recipient.name, phone: recipient.phone, reason: recipient.reason },
      title: notice.title,
      text: notice.body,
      reminder: notice.reminder,
      sentAt: new Date().toISOString(),
    });

    let lastProblem = '';
    for (let attempt = 1; attempt <= this.config.maxAttempts; attempt++) {
      if (this.#abort.signal.aborted) break;
      try {
        return await this.#post(notice.deliveryId, body);
      } catch (error) {
        lastProblem = (error as Error).message;
        if (error instanceof PermanentRefusal) break;
        this.log.warn(
          { delivery: notice.deliveryId, attempt, problem: lastProblem },
          'webhook post failed; will retry',
        );
        if (attempt < this.config.maxAttempts) await this.#wait(this.#backoffMs(attempt));
      }
    }
    throw new ChannelFailure(this.name, `the gateway did not take it: ${lastProblem}`);
  }

  #backoffMs(attempt: number): number {
    return Math.min(this.config.firstRetryMs * 2 ** (attempt - 1), this.config.maxRetryMs);
  }

  async #post(deliveryId: string, body: string): Promise<'sent' | 'delivered'> {
    const timestamp = String(Date.now());
    const response = await fetch(this.config.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-haven-delivery': deliveryId,
        'x-haven-timestamp': timestamp,
        'x-haven-signature': webhookSignature(this.config.secret, timestamp, body),
      },
      body,
      signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(this.config.timeoutMs)]),
    });
    const text = await response.text();
    if (response.ok) {
      // A gateway that already knows the phone got it may say so at once.
      return /"status"\s*:\s*"delivered"/.test(text) ? 'delivered' : 'sent';
    }
    const problem = `HTTP ${response.status}`;
    if (response.status >= 400 && response.status < 500 && ![408, 429].includes(response.status)) {
      throw new PermanentRefusal(problem);
    }
    throw new Error(problem);
  }

  async #wait(ms: number): Promise<void> {
    if (this.#abort.signal.aborted) return;
    await new Promise<void>((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.#waits.delete(entry);
          resolve();
        }, ms),
        wake: resolve,
      };
      this.#waits.add(entry);
    });
  }

  stop(): void {
    this.#abort.abort();
    for (const entry of this.#waits) {
      clearTimeout(entry.timer);
      entry.wake();
    }
    this.#waits.clear();
  }
}

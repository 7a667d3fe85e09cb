// Notices to a staff member's open dashboards over the existing live push
// (hub/live/plugin.ts). The dashboard's socket reports delivered when the
// message is written and read when the page says it showed it.
import type { LiveBus } from '../live/bus.ts';
import { ChannelFailure, type NotificationChannel, type Notice } from './channel.ts';

export class DashboardChannel implements NotificationChannel {
  readonly name = 'dashboard' as const;

  constructor(private readonly live: LiveBus) {}

  async send(notice: Notice): Promise<'sent'> {
    const username = notice.recipient.username;
    if (!username) throw new ChannelFailure(this.name, 'the recipient has no login');
    if ((this.live.openSockets.get(username) ?? 0) === 0) {
      throw new ChannelFailure(this.name, `${username} has no dashboard open`);
    }
    this.live.emit('notification', username, {
      deliveryId: notice.deliveryId,
      alertId: notice.alert.id,
      title: notice.title,
      body: notice.body,
    });
    return 'sent';
  }

  stop(): void {}
}

// In-process bus for what the live push sends to dashboards. One hub process
// per community; hubs that share load would put Redis pub/sub behind this.
import { EventEmitter } from 'node:events';
import type { Alert } from '../../common/contracts/alert.ts';
import type { ScanOutcome } from '../patrol/store.ts';

/** A message for one staff member's dashboards (hub/notify/dashboard-channel.ts). */
export interface LiveNotification {
  deliveryId: string;
  alertId: string;
  title: string;
  body: string;
}

export interface LiveEvents {
  alert: [alert: Alert, change: 'created' | 'updated'];
  /** A patrol reader's scan came in through an edge (hub/patrol/plugin.ts judges it). */
  patrolScan: [outcome: ScanOutcome, edgeId: string];
  notification: [username: string, notification: LiveNotification];
  /** A dashboard got (delivered) or showed and was read (read) a notification. */
  receipt: [username: string, deliveryId: string, status: 'delivered' | 'read'];
}

export class LiveBus extends EventEmitter<LiveEvents> {
  /** username → how many live sockets that staff member has open */
  readonly openSockets = new Map<string, number>();
}

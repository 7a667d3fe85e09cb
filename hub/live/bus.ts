// In-process bus for what the live push sends to dashboards. One hub process
// per community; hubs that share load would put Redis pub/sub behind this.
import { EventEmitter } from 'node:events';
import type { Alert } from '../../common/contracts/alert.ts';

export interface LiveEvents {
  alert: [alert: Alert, change: 'created' | 'updated'];
}

export class LiveBus extends EventEmitter<LiveEvents> {}

// Commands for devices behind edges. Each is stored first and then sent on
// the edge's open command channel; an edge that was away gets what it missed
// when it reconnects. An edge acknowledges each command once it published it.
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { EdgeCommand } from '../../common/contracts/uplink.ts';
import type { Logger } from '../../common/log.ts';
import type { HubStore, StoredCommand } from '../store/store.ts';

export class EdgeCommandRelay {
  /** edge id → its open command channel */
  readonly #channels = new Map<string, WebSocket>();

  constructor(
    private readonly store: HubStore,
    private readonly log: Logger,
  ) {}

  async send(edgeId: string, command: Omit<EdgeCommand, 'id'>): Promise<string> {
    const stored = this.prepare(edgeId, command);
    await this.store.queueCommand(stored);
    this.push(stored);
    return stored.id;
  }

  /** A command ready to be stored, for callers that store it in their own transaction. */
  prepare(edgeId: string, command: Omit<EdgeCommand, 'id'>): StoredCommand {
    const id = randomUUID();
    return { id, edgeId, body: JSON.stringify({ id, ...command }) };
  }

  /** Sends a stored command now if its edge is connected; otherwise at reconnect. */
  push(command: StoredCommand): void {
    const channel = this.#channels.get(command.edgeId);
    if (channel) channel.send(command.body);
    this.log.info({ edge: command.edgeId, online: !!channel }, 'command queued for edge');
  }

  async attach(edgeId: string, socket: WebSocket): Promise<void> {
    this.#channels.get(edgeId)?.close(4000, 'replaced by a newer connection');
    this.#channels.set(edgeId, socket);
    socket.on('close', () => {
      if (this.#channels.get(edgeId) === socket) this.#channels.delete(edgeId);
    });
    socket.on('message', (data) => {
      let message: { ack?: unknown };
      try {
        message = JSON.parse(data.toString()) as { ack?: unknown };
      } catch {
        this.log.warn({ edge: edgeId }, 'edge sent a command reply that is not JSON');
        return;
      }
      if (typeof message.ack === 'string') {
        this.store.markCommandDelivered(message.ack, edgeId).catch((error: unknown) => {
          this.log.error({ err: error, edge: edgeId }, 'could not mark command delivered');
        });
      }
    });
    for (const pending of await this.store.pendingCommands(edgeId)) socket.send(pending.body);
  }

  isConnected(edgeId: string): boolean {
    return this.#channels.has(edgeId);
  }

  closeAll(): void {
    for (const socket of this.#channels.values()) socket.close(1001, 'hub stopping');
    this.#channels.clear();
  }
}

// The edge's TCP port for watches that speak the bracket or IW/TRV protocol.
// Each connection has its own WatchSession, so a malformed frame or a broken
// connection touches no other watch. Silent connections are closed after
// idleTimeoutMs; a TRV frame without '#' is taken as complete after a short
// quiet spell.
// Known shortcoming: hub commands ("help is coming") do not reach TCP watches yet.
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../../common/log.ts';
import type { EdgeCounters } from '../../edge/metrics.ts';
import type { WatchDirectory } from './directory.ts';
import { WatchSession, type BandSink, type SessionOutput } from './session.ts';

export interface WatchGatewayOptions {
  host: string;
  port: number;
  timeZoneHours: number;
  idleTimeoutMs: number;
  maxConnections: number;
  maxFrameBytes: number;
  /** Quiet time after which an unterminated TRV frame is complete. Default 300 ms. */
  textQuietMs?: number;
}

interface Connection {
  socket: Socket;
  session: WatchSession;
  quietTimer: NodeJS.Timeout | undefined;
}

export class WatchGateway {
  #server: Server | undefined;
  readonly #connections = new Set<Connection>();

  constructor(
    private readonly bands: BandSink,
    private readonly directory: WatchDirectory,
    private readonly counters: EdgeCounters,
    private readonly log: Logger,
    private readonly options: WatchGatewayOptions,
  ) {}

  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Listens; resolves with the port (useful with port 0). */
  async start(): Promise<number> {
    const server = createServer((socket) => this.#accept(socket));
    server.maxConnections = this.options.maxConnections;
    server.on('error', (error) => this.log.error({ err: error }, 'watch gateway error'));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : this.options.port;
    this.log.info({ address: `${this.options.host}:${port}` }, 'watch gateway listening');
    return port;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const connection of this.#connections) this.#drop(connection);
    this.#connections.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #accept(socket: Socket): void {
    const session = new WatchSession(
      this.bands,
      this.directory,
      this.counters,
      this.log.child({ remote: `${socket.remoteAddress}:${socket.remotePort}` }),
      { maxFrameBytes: this.options.maxFrameBytes, timeZoneHours: this.options.timeZoneHours },
    );
    const connection: Connection = { socket, session, quietTimer: undefined };
    this.#connections.add(connection);
    socket.setNoDelay(true);
    socket.setTimeout(this.options.idleTimeoutMs);

    socket.on('data', (chunk: Buffer) => {
      clearTimeout(connection.quietTimer);
      this.#run(connection, () => session.receive(chunk));
      if (session.waitingForText && !socket.destroyed) {
        connection.quietTimer = setTimeout(
          () => this.#run(connection, () => session.quiet()),
          this.options.textQuietMs ?? 300,
        );
      }
    });
    socket.on('timeout', () => {
      this.log.info({ device: session.deviceId }, 'watch connection idle; closing it');
      socket.destroy();
    });
    socket.on('error', (error) => {
      this.log.debug({ err: error, device: session.deviceId }, 'watch connection error');
    });
    socket.on('close', () => {
      clearTimeout(connection.quietTimer);
      if (!this.#connections.delete(connection)) return;
      this.#run(connection, () => session.end());
      this.log.debug({ device: session.deviceId }, 'watch disconnected');
    });
  }

  /** Runs a session step and writes its replies; a failure closes only this connection. */
  #run(connection: Connection, step: () => SessionOutput): void {
    let output: SessionOutput;
    try {
      output = step();
    } catch (error) {
      this.counters.reject('watch: internal error');
      this.log.error({ err: error, device: connection.session.deviceId }, 'watch frame failed');
      this.#drop(connection);
      return;
    }
    const { socket } = connection;
    if (socket.destroyed || !socket.writable) return;
    for (const reply of output.replies) socket.write(reply);
    // Replies already written still go out; the session handles nothing more.
    if (output.close !== undefined) socket.destroySoon();
  }

  #drop(connection: Connection): void {
    clearTimeout(connection.quietTimer);
    connection.socket.destroy();
  }
}

// A watch on the other end of a real TCP connection: sends frames, keeps
// everything the gateway answers, and notices when the gateway hangs up.
import { connect, type Socket } from 'node:net';

export class WatchClient {
  received = '';
  closed = false;
  readonly #waiters = new Set<() => void>();

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received += chunk.toString('latin1');
      this.#wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.#wake();
    });
    socket.on('error', () => undefined);
  }

  static async open(port: number): Promise<WatchClient> {
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new WatchClient(socket);
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Resolves once `text` has arrived from the gateway. */
  async waitForReply(text: string, timeoutMs = 10_000): Promise<void> {
    await this.#until(() => this.received.includes(text), `reply ${text}`, timeoutMs);
  }

  async waitForClose(timeoutMs = 10_000): Promise<void> {
    await this.#until(() => this.closed, 'the gateway closing the connection', timeoutMs);
  }

  close(): void {
    this.socket.destroy();
  }

  async #until(done: () => boolean, what: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no ${what} in time; received ${JSON.stringify(this.received)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  #wake(): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }
}

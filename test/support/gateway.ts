// A real HTTP server on 127.0.0.1 standing in for an SMS/phone gateway: it
// records every post (body, headers) and answers with the statuses a test
// queues, then 200.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GatewayPost {
  headers: IncomingHttpHeaders;
  body: string;
}

export class Gateway {
  readonly posts: GatewayPost[] = [];
  /** Statuses to answer with, first to last; 200 once they run out. */
  readonly answers: number[] = [];
  readonly #server: Server;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<Gateway> {
    const server = createServer();
    const gateway = new Gateway(server);
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        gateway.posts.push({ headers: request.headers, body: Buffer.concat(chunks).toString() });
        response.statusCode = gateway.answers.shift() ?? 200;
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ queued: true }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return gateway;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/sms`;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

// A real InfluxDB 1.x (Debian's influxd) for the demo and the tests: its own
// data folder and config, HTTP and RPC on loopback ports, stopped by its PID.
// stop() and start() again keep the data and the port, as an outage would.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  closeSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const influxdBin = '/usr/bin/influxd';

/** True when Debian's influxdb package is installed. */
export function influxdInstalled(): boolean {
  return existsSync(influxdBin);
}

async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address !== 'object') throw new Error('no free loopback port');
  return address.port;
}

export class InfluxServer {
  readonly #dataDir: string;

  /** dataDir: where its data lives; a fresh temporary folder when left out. */
  constructor(dataDir?: string) {
    this.#dataDir = dataDir ?? mkdtempSync(join(tmpdir(), 'haven-influxd-'));
    mkdirSync(this.#dataDir, { recursive: true });
  }

  #child: ChildProcess | undefined;
  #exited: Promise<void> | undefined;
  port = 0;
  #rpcPort = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  async start(): Promise<void> {
    if (this.#child) throw new Error('influxd is already running');
    this.port ||= await freeLoopbackPort();
    this.#rpcPort ||= await freeLoopbackPort();
    const dir = this.#dataDir;
    const config = join(dir, 'influxdb.conf');
    writeFileSync(
      config,
      [
        'reporting-enabled = false',
        `bind-address = "127.0.0.1:${this.#rpcPort}"`,
        '[meta]',
        `  dir = "${join(dir, 'meta')}"`,
        '[data]',
        `  dir = "${join(dir, 'data')}"`,
        `  wal-dir = "${join(dir, 'wal')}"`,
        '  query-log-enabled = false',
        '[monitor]',
        '  store-enabled = false',
        '[http]',
        '  enabled = true',
        `  bind-address = "127.0.0.1:${this.port}"`,
        '  log-enabled = false',
        '  pprof-enabled = false',
        '[logging]',
        '  level = "warn"',
        '',
      ].join('\n'),
    );
    const logFile = join(dir, 'influxd.log');
    const log = openSync(logFile, 'a');
    const child = spawn(influxdBin, ['run', '-config', config], {
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));

    const deadline = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null) {
        this.#child = undefined;
        throw new Error(`influxd exited at start: ${readFileSync(logFile, 'utf8').slice(-2000)}`);
      }
      if (await this.#pings()) return;
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error('influxd did not answer /ping within 20 s');
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async #pings(): Promise<boolean> {
    try {
      const response = await fetch(`${this.url}/ping`, { signal: AbortSignal.timeout(1000) });
      return response.status === 204;
    } catch {
      return false;
    }
  }

  /** Runs an InfluxQL statement over HTTP and returns the parsed answer. */
  async query(q: string, database?: string): Promise<InfluxAnswer> {
    const body = new URLSearchParams({ q, ...(database && { db: database }), epoch: 'ms' });
    const response = await fetch(`${this.url}/query`, { method: 'POST', body });
    return (await response.json()) as InfluxAnswer;
  }

  /** Stops influxd (SIGTERM, SIGKILL after 10 s) by its PID; the data stays. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child?.pid) return;
    this.#child = undefined;
    process.kill(child.pid, 'SIGTERM');
    const killer = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
    }, 10_000);
    await this.#exited;
    clearTimeout(killer);
  }

  /** Stops influxd and deletes its data. */
  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.#dataDir, { recursive: true, force: true });
  }
}

export interface InfluxAnswer {
  results: {
    error?: string;
    series?: {
      name: string;
      tags?: Record<string, string>;
      columns: string[];
      values: unknown[][];
    }[];
  }[];
}

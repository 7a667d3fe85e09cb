// Real hubs, edges, bands and dashboard sockets for tests: every part listens
// on 127.0.0.1 port 0 and keeps its data in a fresh temporary folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import WebSocket from 'ws';
import { parseConfig } from '../../common/config.ts';
import { silentLogger } from '../../common/log.ts';
import { deviceCost, hashPassword } from '../../common/passwords.ts';
import { EdgeAgent } from '../../edge/agent.ts';
import { EdgeConfig } from '../../edge/config.ts';
import { HubConfig } from '../../hub/config.ts';
import { Hub } from '../../hub/server.ts';
import type { Alert } from '../../common/contracts/alert.ts';

export const site = 'xincun';
export const edgeToken = 'edge-token-for-tests-0123456789';
/** An edge of another community, for tests of what one site may not touch. */
export const otherEdgeToken = 'edge-token-of-another-site-98765';
export const operator = { username: 'duty', password: 'duty-password-1' };
export const viewer = { username: 'watcher', password: 'watcher-password-1' };

export function temporaryFolder(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `haven-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function bandSecret(id: string): string {
  return `secret-of-${id}`;
}

/** Device hashes are slowish to make; share them across tests in one file. */
const hashes = new Map<string, string>();
export function registeredBand(id: string): { id: string; kind: 'band'; secretHash: string } {
  let secretHash = hashes.get(id);
  if (!secretHash) {
    secretHash = hashPassword(bandSecret(id), deviceCost);
    hashes.set(id, secretHash);
  }
  return { id, kind: 'band', secretHash };
}

export function hubConfig(dataDir: string, port = 0): HubConfig {
  return parseConfig(
    HubConfig,
    {
      listen: { host: '127.0.0.1', port },
      dataDir,
      edges: [
        { id: 'home-1', site, token: edgeToken },
        { id: 'far-1', site: 'other', token: otherEdgeToken },
      ],
      staff: [
        { username: operator.username, role: 'operator', password: operator.password },
        { username: viewer.username, role: 'viewer', password: viewer.password },
      ],
    },
    'test hub config',
  );
}

export async function startHub(dataDir: string, port = 0): Promise<{ hub: Hub; url: string }> {
  const hub = new Hub(hubConfig(dataDir, port), silentLogger());
  const url = await hub.start();
  return { hub, url };
}

/** `extra`: more top-level config sections, as a config file would give them. */
export function edgeConfig(
  dataDir: string,
  hubUrl: string,
  bandIds: string[],
  extra: Record<string, unknown> = {},
): EdgeConfig {
  return parseConfig(
    EdgeConfig,
    {
      edgeId: 'home-1',
      site,
      dataDir,
      mqtt: { host: '127.0.0.1', port: 0 },
      hub: { url: hubUrl, token: edgeToken, maxBackoffMs: 500 },
      devices: bandIds.map(registeredBand),
      ...extra,
    },
    'test edge config',
  );
}

export async function startEdge(
  dataDir: string,
  hubUrl: string,
  bandIds: string[],
  extra: Record<string, unknown> = {},
): Promise<EdgeAgent> {
  const agent = new EdgeAgent(edgeConfig(dataDir, hubUrl, bandIds, extra), silentLogger());
  await agent.start();
  return agent;
}

export function bandTopic(id: string, channel: string): string {
  return `haven/${site}/band/${id}/${channel}`;
}

export async function connectBand(
  port: number,
  id: string,
  secret = bandSecret(id),
): Promise<MqttClient> {
  return mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
    clientId: id,
    username: id,
    password: secret,
    reconnectPeriod: 0,
    will: { topic: bandTopic(id, 'status'), payload: Buffer.from('offline'), qos: 1, retain: true },
  });
}

export function sos(time = new Date()): string {
  return JSON.stringify({ time: time.toISOString(), kind: 'sos' });
}

export async function login(
  hubUrl: string,
  account: { username: string; password: string } = operator,
): Promise<string> {
  const response = await fetch(`${hubUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(account),
  });
  if (!response.ok) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

/** A dashboard's live socket that records every alert message it receives. */
export class LiveWatcher {
  readonly messages: { change: string; alert: Alert; receivedAt: number }[] = [];
  readonly #waiters: (() => void)[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string; change: string; alert: Alert };
      if (message.type !== 'alert') return;
      this.messages.push({ change: message.change, alert: message.alert, receivedAt: Date.now() });
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  static async open(hubUrl: string, token: string): Promise<LiveWatcher> {
    const url = hubUrl.replace(/^http/, 'ws') + '/api/live';
    const socket = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
    const watcher = new LiveWatcher(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('message', () => resolve());
      socket.once('error', reject);
    });
    return watcher;
  }

  async waitFor(
    predicate: (alert: Alert, change: string) => boolean,
    timeoutMs = 10_000,
  ): Promise<Alert> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find((m) => predicate(m.alert, m.change));
      if (found) return found.alert;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no matching alert arrived on the live socket in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.close();
  }
}

export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

// A patrol community for tests: a hub with an admin, guards and police-room
// staff, a night plan of four checkpoints, an edge with a patrol reader, and
// a small client that speaks to the hub over real HTTP or, under fake time,
// through Fastify's inject.
import mqtt, { type MqttClient } from 'mqtt';
import { parseConfig } from '../../common/config.ts';
import { silentLogger } from '../../common/log.ts';
import { deviceCost, hashPassword } from '../../common/passwords.ts';
import { EdgeAgent } from '../../edge/agent.ts';
import { EdgeConfig } from '../../edge/config.ts';
import { zonedInstant } from '../../hub/patrol/calendar.ts';
import { HubConfig } from '../../hub/config.ts';
import { Hub } from '../../hub/server.ts';
import { edgeToken, site } from './spine.ts';

export { site };

export const admin = { username: 'chief', password: 'chief-password-1' };
export const operator = { username: 'duty', password: 'duty-password-1' };
export const viewer = { username: 'watcher', password: 'watcher-password-1' };
export const guard = { username: 'zhang', password: 'zhang-password-1' };
export const otherGuard = { username: 'li', password: 'li-password-1' };
export const readerId = 'reader-01';
export const readerSecret = 'secret-of-reader-01';

/** Low-cost hashes, made once per test file, so hub restarts stay quick. */
const hashes = new Map<string, string>();
function cheapHash(password: string): string {
  let hash = hashes.get(password);
  if (!hash) {
    hash = hashPassword(password, deviceCost);
    hashes.set(password, hash);
  }
  return hash;
}

export function patrolHubConfig(dataDir: string): HubConfig {
  const staff = [
    { ...admin, role: 'admin' },
    { ...operator, role: 'operator' },
    { ...viewer, role: 'viewer' },
    { ...guard, role: 'guard' },
    { ...otherGuard, role: 'guard' },
  ];
  return parseConfig(
    HubConfig,
    {
      listen: { host: '127.0.0.1', port: 0 },
      dataDir,
      edges: [{ id: 'home-1', site, token: edgeToken }],
      staff: staff.map(({ username, password, role }) => ({
        username,
        role,
        password: cheapHash(password),
      })),
    },
    'patrol test hub config',
  );
}

export async function startPatrolHub(dataDir: string): Promise<{ hub: Hub; url: string }> {
  const hub = new Hub(patrolHubConfig(dataDir), silentLogger());
  const url = await hub.start();
  return { hub, url };
}

export async function startPatrolEdge(dataDir: string, hubUrl: string): Promise<EdgeAgent> {
  const config = parseConfig(
    EdgeConfig,
    {
      edgeId: 'home-1',
      site,
      dataDir,
      mqtt: { host: '127.0.0.1', port: 0 },
      hub: { url: hubUrl, token: edgeToken, maxBackoffMs: 500 },
      devices: [{ id: readerId, kind: 'patrol', secretHash: cheapHash(readerSecret) }],
    },
    'patrol test edge config',
  );
  const agent = new EdgeAgent(config, silentLogger());
  await agent.start();
  return agent;
}

export function scanTopic(reader = readerId): string {
  return `haven/${site}/patrol/${reader}/scan`;
}

export async function connectReader(port: number, secret = readerSecret): Promise<MqttClient> {
  return mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
    clientId: readerId,
    username: readerId,
    password: secret,
    reconnectPeriod: 0,
  });
}

export interface Reply<T = unknown> {
  status: number;
  body: T;
}

/** The hub's API as one staff member: real HTTP when a URL is given, else inject. */
export class HubClient {
  private constructor(
    private readonly hub: Hub,
    private readonly url: string | undefined,
    readonly token: string,
  ) {}

  static async login(
    hub: Hub,
    account: { username: string; password: string },
    url?: string,
  ): Promise<HubClient> {
    const anonymous = new HubClient(hub, url, '');
    const reply = await anonymous.call<{ token: string }>('POST', '/api/auth/login', account);
    if (reply.status !== 200) throw new Error(`login of ${account.username}: ${reply.status}`);
    return new HubClient(hub, url, reply.body.token);
  }

  async call<T = unknown>(method: string, path: string, body?: unknown): Promise<Reply<T>> {
    const headers: Record<string, string> = this.token
      ? { authorization: `Bearer ${this.token}` }
      : {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (this.url) {
      const response = await fetch(this.url + path, {
        method,
        headers,
        ...(payload !== undefined && { body: payload }),
      });
      const text = await response.text();
      return { status: response.status, body: parse(text) as T };
    }
    const response = await this.hub.app.inject({
      method: method as 'GET',
      url: path,
      headers,
      ...(payload !== undefined && { payload }),
    });
    return { status: response.statusCode, body: parse(response.body) as T };
  }

  /** Like call, but a status other than 200 fails with the hub's answer. */
  async ok<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const reply = await this.call<T>(method, path, body);
    if (reply.status !== 200) {
      throw new Error(`${method} ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
    }
    return reply.body;
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export const checkpoints = [
  { id: 'cp-1', name: '1号楼东门', tagId: 'TAG-1', location: { xM: 0, yM: 0 } },
  { id: 'cp-2', name: '2号楼北侧', tagId: 'TAG-2', location: { xM: 300, yM: 0 } },
  { id: 'cp-3', name: '地下车库入口', tagId: 'TAG-3', location: { xM: 300, yM: 300 } },
  { id: 'cp-4', name: '西门岗亭', tagId: 'TAG-4', location: { xM: 0, yM: 300 } },
];
/** Five minutes' walk between neighbours on the route. */
export const legSeconds = 300;

export interface NightPlan {
  firstRound: string;
  until: string;
  everyMinutes: number;
  toleranceMinutes?: number;
  ordered?: boolean;
}

/** Checkpoints, an ordered route through them, a schedule, and zhang on it. */
export async function planNight(adminClient: HubClient, plan: NightPlan): Promise<void> {
  for (const { id, ...checkpoint } of checkpoints) {
    await adminClient.ok('PUT', `/api/patrol/checkpoints/${id}`, { site, ...checkpoint });
  }
  await adminClient.ok('PUT', '/api/patrol/routes/loop', {
    site,
    name: '夜间环线',
    ordered: plan.ordered ?? true,
    stops: checkpoints.map((checkpoint, index) => ({
      checkpointId: checkpoint.id,
      walkSeconds: index === 0 ? 0 : legSeconds,
    })),
  });
  await adminClient.ok('PUT', '/api/patrol/schedules/night', {
    routeId: 'loop',
    name: '夜班巡更',
    timeZone: 'Asia/Shanghai',
    firstRound: plan.firstRound,
    until: plan.until,
    everyMinutes: plan.everyMinutes,
    toleranceMinutes: plan.toleranceMinutes ?? 10,
  });
  await adminClient.ok('PUT', '/api/patrol/assignments/zhang-night', {
    scheduleId: 'night',
    guard: guard.username,
  });
}

/** An instant given as a local Asia/Shanghai date and time ("2026-12-04", "22:05:30"). */
export function shanghai(date: string, time: string): number {
  const [hours, minutes, seconds = '0'] = time.split(':');
  return zonedInstant(date, `${hours}:${minutes}`, 'Asia/Shanghai') + Number(seconds) * 1000;
}

/** HH:MM in Asia/Shanghai, some minutes from now. */
export function shanghaiClock(minutesFromNow: number): string {
  return new Date(Date.now() + minutesFromNow * 60_000).toLocaleTimeString('en-GB', {
    timeZone: 'Asia/Shanghai',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
}

// `haven demo`: a hub and a home edge with embedded defaults, seeded and fed by
// simulated devices, on one machine. Prints the dashboard address and a login,
// runs until Ctrl-C (or --duration), stops everything it started, and prints a
// summary of what happened.
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../../common/config.ts';
import { createLogger } from '../../common/log.ts';
import { deviceCost, hashPassword } from '../../common/passwords.ts';
import { EdgeAgent } from '../../edge/agent.ts';
import { EdgeConfig } from '../../edge/config.ts';
import { HubConfig } from '../../hub/config.ts';
import { Hub } from '../../hub/server.ts';
import { DemoBands, demoBandIds } from './bands.ts';

export interface DemoOptions {
  durationSeconds?: number;
  speed: number;
  port: number;
  dataDir: string;
}

export interface DemoSummary {
  alertsByType: Record<string, number>;
  errors: string[];
}

export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const log = createLogger('demo', process.env.HAVEN_LOG_LEVEL ?? 'warn');
  rmSync(options.dataDir, { recursive: true, force: true });
  mkdirSync(options.dataDir, { recursive: true });

  const site = 'xincun';
  const edgeToken = randomBytes(24).toString('base64url');
  const password = randomBytes(9).toString('base64url');
  const bandSecrets = new Map(demoBandIds.map((id) => [id, randomBytes(16).toString('hex')]));

  const hub = new Hub(
    parseConfig(
      HubConfig,
      {
        listen: { host: '127.0.0.1', port: options.port },
        dataDir: join(options.dataDir, 'hub'),
        edges: [{ id: 'home-1', site, token: edgeToken }],
        staff: [{ username: 'duty', displayName: '值班民警', role: 'operator', password }],
      },
      'demo hub',
    ),
    log.child({ part: 'hub' }),
  );
  const hubUrl = await hub.start();

  const edge = new EdgeAgent(
    parseConfig(
      EdgeConfig,
      {
        edgeId: 'home-1',
        site,
        dataDir: join(options.dataDir, 'edge-home-1'),
        mqtt: { host: '127.0.0.1', port: 0 },
        hub: { url: hubUrl, token: edgeToken },
        devices: demoBandIds.map((id) => ({
          id,
          kind: 'band',
          secretHash: hashPassword(bandSecrets.get(id)!, deviceCost),
        })),
      },
      'demo home edge',
    ),
    log.child({ part: 'edge', edge: 'home-1' }),
  );
  await edge.start();

  const bands = new DemoBands(site, edge.mqttPort, bandSecrets, options.speed, log);
  await bands.start();

  process.stdout.write(
    [
      '',
      `Haven demo is running. Police-room dashboard: ${hubUrl}/`,
      `Log in as: duty / ${password}`,
      options.durationSeconds
        ? `Ends by itself after ${options.durationSeconds} s.`
        : 'Ctrl-C stops it.',
      '',
    ].join('\n'),
  );

  await new Promise<void>((resolve) => {
    const timer = options.durationSeconds
      ? setTimeout(resolve, options.durationSeconds * 1000)
      : undefined;
    const stop = (): void => {
      clearTimeout(timer);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

  await bands.stop();
  await waitForDrain(edge);
  const alerts = await hub.store.listAlerts({ limit: 1000 });
  const alertsByType: Record<string, number> = {};
  for (const alert of alerts) alertsByType[alert.type] = (alertsByType[alert.type] ?? 0) + 1;
  const errors = bands.errors;

  await edge.stop();
  await hub.stop();
  return { alertsByType, errors };
}

async function waitForDrain(edge: EdgeAgent): Promise<void> {
  const deadline = Date.now() + 5000;
  edge.outbox?.flush();
  while ((edge.outbox?.size() ?? 0) > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

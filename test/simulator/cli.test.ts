import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { EdgeAgent } from '../../edge/agent.ts';
import type { Hub } from '../../hub/server.ts';
import { runHaven } from '../support/processes.ts';
import {
  bandSecret,
  site,
  startEdge,
  startHub,
  temporaryFolder,
  waitUntil,
} from '../support/spine.ts';

describe('haven simulate bands', () => {
  const folder = temporaryFolder('sim-cli');
  const bands = ['cli-01', 'cli-02', 'cli-03'];
  let hub: Hub;
  let edge: EdgeAgent;

  beforeAll(async () => {
    let url: string;
    ({ hub, url } = await startHub(`${folder.path}/hub`));
    edge = await startEdge(`${folder.path}/edge`, url, bands);
  });

  afterAll(async () => {
    await edge?.stop();
    await hub?.stop();
    folder.remove();
  });

  it('runs the configured bands for their simulated half hour, then exits', async () => {
    const config = `${folder.path}/simulation.yaml`;
    writeFileSync(
      config,
      stringify({
        mqtt: { url: `mqtt://127.0.0.1:${edge.mqttPort}` },
        site,
        bands: bands.map((id, index) => ({
          id,
          // The first band's secret comes from the environment, as it would in production.
          secret: index === 0 ? '${SIM_SECRET_FIRST}' : bandSecret(id),
          home: { lat: 31.23 + index * 0.001, lon: 121.47 },
        })),
        // Half an hour ago, ten simulated minutes a second: done in about three seconds.
        start: new Date(Date.now() - 30 * 60_000).toISOString(),
        speed: 600,
        durationMinutes: 30,
        incidents: [{ band: 'cli-02', kind: 'sos', atMinutes: 5 }],
      }),
    );
    const simulation = runHaven(['simulate', 'bands', '--config', config], {
      SIM_SECRET_FIRST: bandSecret('cli-01'),
    });
    await simulation.waitForLog('band simulation running');
    const code = await exitOf(simulation.child);
    const stopped = simulation.lines.find((line) => line.msg === 'band simulation stopped');
    expect(code, JSON.stringify(simulation.lines.slice(-5))).toBe(0);
    expect(stopped, 'it says what it sent').toMatchObject({ events: 1, failed: 0 });
    expect(stopped!.telemetry as number, 'three bands, a sample a minute').toBeGreaterThanOrEqual(
      87,
    );

    await waitUntil(
      async () => (await hub.store.listAlerts({ type: 'sos' })).length === 1,
      'the SOS reached the hub',
    );
    const [sos] = await hub.store.listAlerts({ type: 'sos' });
    expect(sos!.subject).toEqual({ kind: 'band', id: 'cli-02' });
  });

  it('refuses a config with a clear message', async () => {
    const config = `${folder.path}/broken.yaml`;
    writeFileSync(config, stringify({ mqtt: { url: 'http://nowhere' }, site }));
    const simulation = runHaven(['simulate', 'bands', '--config', config]);
    const code = await exitOf(simulation.child);
    expect(code, 'the config error exit code').toBe(78);
  });
});

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', resolve));
}

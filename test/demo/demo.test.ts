import { connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/log.ts';
import { runDemo, type DemoSummary } from '../../cli/demo/run.ts';
import { temporaryFolder } from '../support/spine.ts';

/** Resolves true when something still listens at the address. */
function listening(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('the demo night, compressed into seconds', () => {
  const folder = temporaryFolder('demo');
  afterAll(() => folder.remove());

  it('raises each incident alert once and opens the gates only for residents', async () => {
    const summary: DemoSummary = await runDemo({
      durationSeconds: 24,
      speed: 45,
      port: 0,
      dataDir: folder.path,
      log: silentLogger(),
    });
    expect(summary.errors, 'the demo reports no errors').toEqual([]);
    expect(summary.alertsByType, 'every kind of incident, raised once each').toEqual({
      sos: 1,
      fall: 1,
      band_removed: 1,
      inactivity: 1,
      left_safe_area: 1,
      low_battery: 1,
      vehicle_not_admitted: 1,
    });
    expect(summary.alertSubjects, 'each alert names the band it happened on').toEqual({
      sos: ['band-zhou'],
      fall: ['band-zhang'],
      band_removed: ['band-li'],
      inactivity: ['band-wang'],
      left_safe_area: ['band-zhao'],
      low_battery: ['band-chen'],
      vehicle_not_admitted: ['barrier-east'],
    });
    expect(summary.watchFramesAnswered, 'the gateway answered the real watch frames').toBe(2);
    expect(summary.bands.failed, 'every band message was acknowledged').toBe(0);
    expect(summary.telemetryStore, 'scripts/install puts influxd on the machine').toMatch(
      /^InfluxDB/,
    );
    expect(summary.telemetryPointsInInflux, 'band telemetry reached InfluxDB').toBeGreaterThan(0);

    const access = summary.access!;
    expect([...access.faceGateOpenedFor].sort(), 'the face gate opened once per resident').toEqual([
      'face-li',
      'face-wang',
    ]);
    expect(access.strangersLetIn, 'no stranger was let in').toBe(0);
    expect(access.hubAccessEvents, 'the hub logged residents and strangers').toMatchObject({
      'person:granted': 2,
      'person:stranger': 3,
      'vehicle:granted': 1,
    });
    expect(access.barrierOpenedFor, 'the barrier opened for the registered car only').toEqual([
      '藏DT5022',
    ]);
    expect(await listening(summary.dashboardUrl), 'the hub was stopped').toBe(false);
  }, 90_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../common/contracts/alert.ts';
import type { EdgeAgent } from '../../edge/agent.ts';
import type { Hub } from '../../hub/server.ts';
import { BandSimulator } from '../../devices/simulator/simulator.ts';
import type { Incident } from '../../devices/simulator/incidents.ts';
import {
  bandSecret,
  site,
  startEdge,
  startHub,
  temporaryFolder,
  waitUntil,
} from '../support/spine.ts';

const day = 86_400_000;
const shanghaiOffset = 8 * 3_600_000;
const bands = Array.from({ length: 10 }, (_, index) => `sim-${String(index + 1).padStart(2, '0')}`);
const home = (index: number) => ({ lat: 31.2304 + index * 0.002, lon: 121.4737 });

/** Yesterday 07:00 in Shanghai: a whole simulated morning lies in the past. */
function yesterdayAtSeven(): number {
  const localMidnight = Math.floor((Date.now() + shanghaiOffset) / day) * day - shanghaiOffset;
  return localMidnight - day + 7 * 3_600_000;
}

const incidents: Incident[] = [
  { band: 'sim-01', kind: 'sos', atMinutes: 30 },
  { band: 'sim-02', kind: 'fall', atMinutes: 45 },
  { band: 'sim-03', kind: 'removed', atMinutes: 60, durationMinutes: 60 },
  { band: 'sim-04', kind: 'still', atMinutes: 30, durationMinutes: 300 },
  { band: 'sim-05', kind: 'wanders', atMinutes: 90 },
  { band: 'sim-06', kind: 'battery_low', atMinutes: 60 },
  { band: 'sim-07', kind: 'heart_rate_high', atMinutes: 120, durationMinutes: 30 },
];

describe('a simulated morning of ten residents, through a real edge and hub', () => {
  const folder = temporaryFolder('sim-morning');
  let hub: Hub;
  let edge: EdgeAgent;
  let simulator: BandSimulator;

  beforeAll(async () => {
    let url: string;
    ({ hub, url } = await startHub(`${folder.path}/hub`));
    const care = {
      bands: [
        { band: 'sim-05', wanders: true, safeArea: { kind: 'circle', ...home(4), radiusM: 300 } },
      ],
    };
    edge = await startEdge(`${folder.path}/edge`, url, bands, { care });
    simulator = new BandSimulator({
      mqttUrl: `mqtt://127.0.0.1:${edge.mqttPort}`,
      site,
      bands: bands.map((id, index) => ({
        id,
        secret: bandSecret(id),
        home: home(index),
        batteryPercent: 80,
      })),
      startMs: yesterdayAtSeven(),
      incidents,
      seed: 11,
      reconnect: false,
    });
    await simulator.connect();
  });

  afterAll(async () => {
    await simulator?.stop();
    await edge?.stop();
    await hub?.stop();
    folder.remove();
  });

  it('raises each scripted incident once, as the right alert, and nothing for the others', async () => {
    await simulator.runUntil(simulator.startMs + 330 * 60_000);
    expect(simulator.stats.failed, 'every publish was acknowledged').toBe(0);
    expect(simulator.stats.telemetry, 'ten bands, a sample a minute').toBeGreaterThan(3200);

    const expected = [
      'sim-01:sos:critical',
      'sim-02:fall:critical',
      'sim-03:band_removed:warning',
      'sim-04:inactivity:warning',
      'sim-05:left_safe_area:warning',
      'sim-06:low_battery:info',
      'sim-07:heart_rate:critical',
    ];
    let alerts: Alert[] = [];
    await waitUntil(async () => {
      edge.outbox!.flush();
      alerts = await hub.store.listAlerts({});
      return alerts.length >= expected.length && edge.outbox!.size() === 0;
    }, 'the alerts reached the hub');
    const seen = alerts.map((a) => `${a.subject.id}:${a.type}:${a.severity}`).sort();
    expect(seen, 'one alert per incident, none for the seven quiet bands').toEqual(expected);

    const removed = alerts.find((alert) => alert.type === 'band_removed')!;
    expect(removed.state, 'worn again after an hour: the warning resolved itself').toBe('resolved');
    const still = alerts.find((alert) => alert.type === 'inactivity')!;
    expect(still.evidence, 'four daytime hours without moving').toMatchObject({
      stillDaytimeMinutes: 240,
    });
  });
});

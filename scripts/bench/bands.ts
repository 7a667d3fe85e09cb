// Band ingest benchmark. The same simulated community (seeded: same bands,
// samples and incidents) is fast-forwarded twice in this run: first into a
// bare aedes broker that only acknowledges (the baseline: what MQTT and the
// simulator cost), then into a real edge agent (device auth, validation,
// elderly-care rules, SQLite outbox) sending to a real hub. It reports
// messages per second for both and their ratio, and the alerts the hub got.
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { Aedes } from 'aedes';
import { BandSimulator, type SimulatedBand } from '../../devices/simulator/simulator.ts';
import type { Incident } from '../../devices/simulator/incidents.ts';
import {
  bandSecret,
  site,
  startEdge,
  startHub,
  temporaryFolder,
  waitUntil,
} from '../../test/support/spine.ts';

const { values } = parseArgs({
  options: {
    bands: { type: 'string', default: '500' },
    minutes: { type: 'string', default: '60' },
  },
});
const bandCount = Number(values.bands);
const minutes = Number(values.minutes);
const ids = Array.from({ length: bandCount }, (_, i) => `bench-${String(i + 1).padStart(5, '0')}`);
const bands: SimulatedBand[] = ids.map((id, index) => ({
  id,
  secret: bandSecret(id),
  home: { lat: 31.2 + (index % 50) * 0.001, lon: 121.4 + Math.floor(index / 50) * 0.001 },
  batteryPercent: 80,
}));
const incidents: Incident[] = [
  { band: ids[0]!, kind: 'sos', atMinutes: 5 },
  { band: ids[1 % bandCount]!, kind: 'fall', atMinutes: 10 },
  { band: ids[2 % bandCount]!, kind: 'heart_rate_high', atMinutes: 15, durationMinutes: 25 },
];
// Simulated time ends now, so that no sample is from the future.
const startMs = Date.now() - minutes * 60_000;

async function run(mqttUrl: string): Promise<{ messages: number; seconds: number }> {
  const simulator = new BandSimulator({ mqttUrl, site, bands, startMs, incidents, seed: 5 });
  await simulator.connect();
  const began = process.hrtime.bigint();
  await simulator.runUntil(startMs + minutes * 60_000);
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  await simulator.stop();
  const { telemetry, events, failed } = simulator.stats;
  if (failed > 0) throw new Error(`${failed} publishes failed`);
  return { messages: telemetry + events, seconds };
}

const folder = temporaryFolder('bench-bands');
try {
  const broker = await Aedes.createBroker();
  const server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const baseline = await run(`mqtt://127.0.0.1:${port}`);
  await new Promise<void>((resolve) => broker.close(() => resolve()));
  server.close();

  const { hub, url } = await startHub(`${folder.path}/hub`);
  const edge = await startEdge(`${folder.path}/edge`, url, ids);
  const edged = await run(`mqtt://127.0.0.1:${edge.mqttPort}`);
  await waitUntil(() => edge.outbox!.size() === 0, 'the edge sent everything', 120_000);
  const alerts = await hub.store.listAlerts({ limit: 1000 });
  await edge.stop();
  await hub.stop();

  const rate = (r: { messages: number; seconds: number }) => r.messages / r.seconds;
  console.log(`${bandCount} bands, ${minutes} simulated minutes, one sample a minute each`);
  console.log(
    `baseline (bare aedes):      ${baseline.messages} messages, ${rate(baseline).toFixed(0)}/s`,
  );
  console.log(
    `edge (auth, rules, outbox): ${edged.messages} messages, ${rate(edged).toFixed(0)}/s`,
  );
  console.log(`edge / baseline throughput: ${(rate(edged) / rate(baseline)).toFixed(2)}`);
  console.log(
    `alerts at the hub: ${alerts.map((a) => `${a.type}:${a.severity}`).join(', ') || 'none'}`,
  );
} finally {
  folder.remove();
}

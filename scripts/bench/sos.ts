// SOS latency benchmark. A real hub and a real edge run as child processes;
// this process plays N wristbands (mqtt.js) and one police-room dashboard
// (WebSocket). First a baseline: SOS presses with no other traffic. Then the
// load: every band sends telemetry at 1 Hz while SOS presses continue. It
// reports publish → dashboard latency for both, their ratio, and the edge's
// CPU and memory read from /proc.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import mqtt, { type MqttClient } from 'mqtt';
import { freePort, runHaven, type RunningHaven } from '../../test/support/processes.ts';
import {
  LiveWatcher,
  bandSecret,
  bandTopic,
  edgeToken,
  login,
  operator,
  registeredBand,
  site,
  temporaryFolder,
} from '../../test/support/spine.ts';

const { values } = parseArgs({
  options: {
    bands: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '30' },
    'sos-every-ms': { type: 'string', default: '250' },
  },
});
const bandCount = Number(values.bands);
const loadSeconds = Number(values.seconds);
const sosEveryMs = Number(values['sos-every-ms']);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface CpuSample {
  cpuSeconds: number;
  rssMb: number;
  at: number;
}

function sampleProcess(pid: number): CpuSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { cpuSeconds: ticks / 100, rssMb: rssKb / 1024, at: Date.now() };
}

async function main(): Promise<void> {
  const folder = temporaryFolder('bench-sos');
  const processes: RunningHaven[] = [];
  const bands: MqttClient[] = [];
  try {
    const hubPort = await freePort();
    const hubUrl = `http://127.0.0.1:${hubPort}`;
    const ids = Array.from({ length: bandCount }, (_, i) => `band-${String(i).padStart(5, '0')}`);
    console.error(`hashing ${bandCount} band secrets…`);
    writeFileSync(
      `${folder.path}/hub.json`,
      JSON.stringify({
        listen: { host: '127.0.0.1', port: hubPort },
        dataDir: `${folder.path}/hub`,
        edges: [{ id: 'home-1', site, token: edgeToken }],
        staff: [{ username: operator.username, role: 'operator', password: operator.password }],
      }),
    );
    writeFileSync(
      `${folder.path}/edge.json`,
      JSON.stringify({
        edgeId: 'home-1',
        site,
        dataDir: `${folder.path}/edge`,
        mqtt: { host: '127.0.0.1', port: 0 },
        hub: { url: hubUrl, token: edgeToken },
        devices: ids.map(registeredBand),
      }),
    );
    const quiet = { HAVEN_LOG_LEVEL: 'warn' };
    const hub = runHaven(['hub', '--config', `${folder.path}/hub.json`], {
      HAVEN_LOG_LEVEL: 'info',
    });
    processes.push(hub);
    await hub.waitForLog('hub started');
    const edge = runHaven(['edge', '--config', `${folder.path}/edge.json`], {
      HAVEN_LOG_LEVEL: 'info',
    });
    processes.push(edge);
    const mqttPort = Number(
      String((await edge.waitForLog('edge agent started')).mqtt).split(':')[1],
    );
    void quiet;

    console.error(`connecting ${bandCount} bands…`);
    for (let start = 0; start < ids.length; start += 100) {
      const batch = ids.slice(start, start + 100).map((id) =>
        mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, {
          clientId: id,
          username: id,
          password: bandSecret(id),
          reconnectPeriod: 0,
          keepalive: 120,
        }),
      );
      bands.push(...(await Promise.all(batch)));
    }
    const watcher = await LiveWatcher.open(hubUrl, await login(hubUrl));

    /** band index → when its SOS was published (ms) */
    const pressedAt = new Map<string, number>();
    let nextSosBand = 0;
    async function pressSos(): Promise<void> {
      const index = nextSosBand++ % bandCount;
      const id = ids[index]!;
      pressedAt.set(id, Date.now());
      await bands[index]!.publishAsync(
        bandTopic(id, 'event'),
        JSON.stringify({ time: new Date().toISOString(), kind: 'sos' }),
        { qos: 1 },
      );
    }
    function latencies(from: number): number[] {
      return watcher.messages
        .filter((m) => m.change === 'created' && m.alert.type === 'sos')
        .map((m) => ({ id: m.alert.subject.id, at: m.receivedAt }))
        .filter((m) => pressedAt.has(m.id) && pressedAt.get(m.id)! >= from)
        .map((m) => m.at - pressedAt.get(m.id)!)
        .sort((a, b) => a - b);
    }

    console.error('baseline: SOS with no other traffic…');
    const baselineStart = Date.now();
    for (let press = 0; press < 40; press++) {
      await pressSos();
      await sleep(sosEveryMs);
    }
    await sleep(1000);
    const baseline = latencies(baselineStart);

    console.error(
      `load: ${bandCount} bands at 1 Hz for ${loadSeconds} s, SOS every ${sosEveryMs} ms…`,
    );
    const edgePid = edge.child.pid!;
    const loadStart = Date.now();
    const before = sampleProcess(edgePid);
    let peakRssMb = before.rssMb;
    let telemetrySent = 0;
    const tickMs = 20;
    const perTick = Math.max(1, Math.round((bandCount * tickMs) / 1000));
    let cursor = 0;
    let nextSosAt = Date.now();
    while (Date.now() - loadStart < loadSeconds * 1000) {
      const tickStart = Date.now();
      for (let n = 0; n < perTick; n++) {
        const index = cursor++ % bandCount;
        const sample = {
          time: new Date().toISOString(),
          heartRateBpm: 60 + (index % 30),
          spo2Percent: 96,
          steps: Math.floor((Date.now() - loadStart) / 1000) * 2,
          batteryPercent: 80,
          worn: true,
        };
        bands[index]!.publish(bandTopic(ids[index]!, 'telemetry'), JSON.stringify(sample));
        telemetrySent++;
      }
      if (Date.now() >= nextSosAt) {
        nextSosAt += sosEveryMs;
        void pressSos();
      }
      peakRssMb = Math.max(peakRssMb, sampleProcess(edgePid).rssMb);
      await sleep(Math.max(0, tickMs - (Date.now() - tickStart)));
    }
    const after = sampleProcess(edgePid);
    await sleep(2000);
    const loaded = latencies(loadStart);

    const cpuPercent =
      (100 * (after.cpuSeconds - before.cpuSeconds)) / ((after.at - before.at) / 1000);
    const row = (name: string, list: number[]): string =>
      `| ${name} | ${list.length} | ${percentile(list, 50)} | ${percentile(list, 95)} | ` +
      `${percentile(list, 99)} | ${list.at(-1)} |`;
    const result = [
      `bands: ${bandCount}, telemetry sent: ${telemetrySent} ` +
        `(${Math.round(telemetrySent / loadSeconds)}/s), SOS every ${sosEveryMs} ms`,
      '',
      '| phase | SOS | p50 ms | p95 ms | p99 ms | max ms |',
      '| --- | --- | --- | --- | --- | --- |',
      row('baseline (idle)', baseline),
      row(`${bandCount} bands at 1 Hz`, loaded),
      '',
      `p99 ratio loaded/idle: ${(percentile(loaded, 99) / percentile(baseline, 99)).toFixed(2)}`,
      `edge CPU under load: ${cpuPercent.toFixed(0)} % of one core; ` +
        `edge RSS ${before.rssMb.toFixed(0)} MB before, peak ${peakRssMb.toFixed(0)} MB`,
      `SOS raised under load: ${loaded.length} of ${nextSosBand - baseline.length} pressed`,
    ].join('\n');
    console.log(result);
    if (process.env.HAVEN_BENCH_DEBUG) {
      console.error(JSON.stringify(hub.lines.map((l) => [l.msg, l.err, l.status])));
    }
    watcher.close();
  } finally {
    await Promise.all(bands.map((band) => band.endAsync().catch(() => undefined)));
    for (const process of processes.reverse()) await process.kill('SIGTERM');
    folder.remove();
  }
}

await main();

// `haven simulate bands --config <file>`: connects the simulated bands and runs
// them on the clock until stopped, or for durationMinutes of simulated time.
import { loadConfig } from '../../common/config.ts';
import type { Logger } from '../../common/log.ts';
import { SimulatorConfig, bandsOf } from './config.ts';
import { BandSimulator } from './simulator.ts';

export interface RunningSimulation {
  simulator: BandSimulator;
  /** Resolves when durationMinutes of simulated time have passed (never without it). */
  finished: Promise<void>;
  stop(): Promise<void>;
}

export async function simulateBands(configFile: string, log: Logger): Promise<RunningSimulation> {
  const config = loadConfig(SimulatorConfig, configFile);
  const bands = bandsOf(config);
  if (bands.length === 0) throw new Error(`${configFile} lists no bands and no fleet`);
  const simulator = new BandSimulator({
    mqttUrl: config.mqtt.url,
    site: config.site,
    bands,
    reportIntervalMs: config.reportIntervalSeconds * 1000,
    speed: config.speed,
    ...(config.start !== undefined && { startMs: Date.parse(config.start) }),
    incidents: config.incidents,
    seed: config.seed,
    log,
  });
  await simulator.connect();
  simulator.start();
  log.info(
    { bands: bands.length, speed: config.speed, incidents: config.incidents.length },
    'band simulation running',
  );

  let watch: NodeJS.Timeout | undefined;
  const finished = new Promise<void>((resolve) => {
    if (config.durationMinutes === undefined) return;
    const endMs = simulator.startMs + config.durationMinutes * 60_000;
    watch = setInterval(() => {
      if (simulator.nowMs < endMs) return;
      clearInterval(watch);
      resolve();
    }, 100);
  });
  return {
    simulator,
    finished,
    async stop() {
      clearInterval(watch);
      await simulator.stop();
      log.info({ ...simulator.stats }, 'band simulation stopped');
    },
  };
}

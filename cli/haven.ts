// haven <command> [options]. Every long-running command stops cleanly on
// SIGINT/SIGTERM, releasing everything it started. Heavy parts (hub, edge,
// models) are imported by the command that needs them, so `decode` starts fast.
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../common/config.ts';
import { createLogger } from '../common/log.ts';
import { deviceCost, hashPassword, staffCost } from '../common/passwords.ts';
import { LineDecoder } from '../devices/watch/decode-lines.ts';
import { EdgeConfig, checkEdgeConfig } from '../edge/config.ts';
import type { FaceDetectorId } from '../models/faces/analyzer.ts';
import { HubConfig, checkHubConfig } from '../hub/config.ts';

const usage = `usage: haven <command> [options]

commands:
  hub --config <file>        run the police-room hub
  edge --config <file>       run an edge agent
  demo [--duration <s>] [--speed <x>] [--port <n>]
                             run a hub, edges and simulated devices on this machine
  hash-password [--device]   read a password on stdin, print its hash for a config file
  eval faces <dir> [--pairs <file>] [--detector <id>] [--threshold <cosine>]
                             face verification accuracy and false accepts on photos
  eval plates <dir> [--detector y5fu_320|y5fu_640] [--mode crop|scene] [--limit <n>]
                             licence plates read whole, characters right, time per image
  audit verify --config <file>
                             check the hub's audit chain; report the first broken link
  decode watch|iw [--hex] [--imei <id>]
                             read watch frames on stdin, one a line; print each as JSON
  simulate bands --config <file>
                             simulated wristbands with scripted incidents on an edge's broker
`;

interface Stoppable {
  stop(): Promise<void>;
}

function runUntilSignal(service: Stoppable, log: ReturnType<typeof createLogger>): void {
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    service.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      config: { type: 'string' },
      device: { type: 'boolean' },
      hex: { type: 'boolean' },
      imei: { type: 'string' },
      duration: { type: 'string' },
      speed: { type: 'string' },
      port: { type: 'string' },
      pairs: { type: 'string' },
      detector: { type: 'string' },
      threshold: { type: 'string' },
      mode: { type: 'string' },
      limit: { type: 'string' },
    },
    allowPositionals: true,
  });

  switch (command) {
    case 'hub': {
      if (!values.config) throw new UsageError('haven hub needs --config <file>');
      const config = loadConfig(HubConfig, values.config, checkHubConfig);
      const log = createLogger('hub');
      const { Hub } = await import('../hub/server.ts');
      const hub = new Hub(config, log);
      await hub.start();
      runUntilSignal(hub, log);
      return -1;
    }
    case 'edge': {
      if (!values.config) throw new UsageError('haven edge needs --config <file>');
      const config = loadConfig(EdgeConfig, values.config, checkEdgeConfig);
      const log = createLogger('edge').child({ edge: config.edgeId });
      const { EdgeAgent } = await import('../edge/agent.ts');
      const agent = new EdgeAgent(config, log);
      await agent.start();
      runUntilSignal(agent, log);
      return -1;
    }
    case 'demo': {
      const { runDemo } = await import('./demo/run.ts');
      const summary = await runDemo({
        ...(values.duration !== undefined && { durationSeconds: Number(values.duration) }),
        ...(values.speed !== undefined && { speed: Number(values.speed) }),
        port: Number(values.port ?? 8080),
        dataDir: '.data/demo',
      });
      process.stdout.write(`${JSON.stringify({ summary }, null, 2)}\n`);
      return summary.errors.length === 0 ? 0 : 1;
    }
    case 'audit': {
      if (positionals[0] !== 'verify' || !values.config) {
        throw new UsageError('haven audit verify needs --config <hub config file>');
      }
      const config = loadConfig(HubConfig, values.config, checkHubConfig);
      const { verifyHubAudit } = await import('../hub/audit/verify.ts');
      const report = verifyHubAudit(config.dataDir);
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return report.firstBreak ? 1 : 0;
    }
    case 'hash-password': {
      const password = await readStdin();
      if (password.length < 8) throw new UsageError('a password needs at least 8 characters');
      process.stdout.write(`${hashPassword(password, values.device ? deviceCost : staffCost)}\n`);
      return 0;
    }
    case 'eval': {
      const [what, folder] = positionals;
      if (what === 'plates' && folder) {
        const { plateEvalOptions, runEvalPlates } = await import('./eval-plates.ts');
        const options = plateEvalOptions(values);
        if (typeof options === 'string') throw new UsageError(options);
        process.stdout.write(`${await runEvalPlates(folder, options)}\n`);
        return 0;
      }
      if (what !== 'faces' || !folder) {
        throw new UsageError('haven eval faces needs a folder of photos: haven eval faces <dir>');
      }
      const detector = values.detector;
      const { faceDetectors } = await import('../models/faces/analyzer.ts');
      if (detector !== undefined && !(detector in faceDetectors)) {
        throw new UsageError(`--detector is one of ${Object.keys(faceDetectors).join(', ')}`);
      }
      const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
      if (threshold !== undefined && !(threshold >= -1 && threshold <= 1)) {
        throw new UsageError('--threshold is a cosine similarity between -1 and 1');
      }
      const { runEvalFaces } = await import('./eval-faces.ts');
      const report = await runEvalFaces(folder, values.pairs, {
        ...(detector !== undefined && { detector: detector as FaceDetectorId }),
        ...(threshold !== undefined && { threshold }),
      });
      process.stdout.write(`${report}\n`);
      return 0;
    }
    case 'simulate': {
      if (positionals[0] !== 'bands' || !values.config) {
        throw new UsageError('haven simulate bands needs --config <file>');
      }
      const { simulateBands } = await import('../devices/simulator/command.ts');
      const log = createLogger('simulator');
      const simulation = await simulateBands(values.config, log);
      runUntilSignal(simulation, log);
      simulation.finished
        .then(() => simulation.stop())
        .then(
          () => process.exit(0),
          (error: unknown) => {
            log.error({ err: error }, 'simulation failed');
            process.exit(1);
          },
        );
      return -1;
    }
    case 'decode': {
      const family = positionals[0];
      if (family !== 'watch' && family !== 'iw') {
        throw new UsageError('haven decode needs a family: watch or iw');
      }
      const decoder = new LineDecoder(family, {
        ...(values.hex && { hex: true }),
        ...(values.imei !== undefined && { deviceId: values.imei }),
      });
      for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
        if (line.trim() === '') continue;
        for (const decoded of decoder.decode(line)) {
          process.stdout.write(`${JSON.stringify(decoded)}\n`);
        }
      }
      return 0;
    }
    default:
      process.stderr.write(usage);
      return command === undefined || command === 'help' ? 0 : 2;
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`haven: ${error.message}\n`);
      process.exit(78);
    }
    if (error instanceof UsageError) {
      process.stderr.write(`haven: ${error.message}\n${usage}`);
      process.exit(2);
    }
    process.stderr.write(`haven: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);

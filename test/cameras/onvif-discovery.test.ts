// WS-Discovery multicasts, so it is tested only inside a fresh network
// namespace (unshare --net) whose one interface is loopback: nothing can leave
// the machine. A responder there answers with recorded camera answers.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { DiscoveryResult } from '../../edge/cameras/discovery.ts';

const repository = fileURLToPath(new URL('../../', import.meta.url));

async function discoverInNamespace(): Promise<DiscoveryResult & { packageSplits: string[][] }> {
  const setUpLoopback =
    'ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo';
  const child = spawn(
    'unshare',
    [
      '--net',
      'sh',
      '-c',
      `${setUpLoopback} && exec node_modules/.bin/tsx test/support/discovery-in-namespace.ts`,
    ],
    { cwd: repository, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  if (code !== 0) throw new Error(`discovery in a namespace failed (${code}): ${stderr}`);
  return JSON.parse(stdout.trim()) as DiscoveryResult & { packageSplits: string[][] };
}

// Creating a network namespace needs root (CAP_SYS_ADMIN); elsewhere this is skipped.
const canIsolateNetwork = process.getuid?.() === 0;

describe('WS-Discovery', () => {
  it.skipIf(!canIsolateNetwork)(
    'finds recorded cameras, reads multi-line address lists, survives a junk answer',
    async () => {
      const result = await discoverInNamespace();

      expect(result.unreadableAnswers, 'the junk datagram is counted, not fatal').toBe(1);
      expect(result.cameras.map((camera) => camera.name).sort(), 'each camera once').toEqual([
        'AXIS M2025-LE',
        'PREDATOR',
      ]);
      const axis = result.cameras.find((camera) => camera.name === 'AXIS M2025-LE')!;
      expect(axis.address).toBe('urn:uuid:3ea96f68-b845-4c0b-87cf-eee904c4be65');
      expect(axis.hardware).toBe('M2025-LE');
      expect(axis.answeredFrom).toBe('127.0.0.1');
      expect(axis.xaddrs, 'four addresses across newlines').toEqual([
        'http://192.168.0.209/onvif/device_service',
        'https://192.168.0.209/onvif/device_service',
        'http://169.254.251.249/onvif/device_service',
        'https://169.254.251.249/onvif/device_service',
      ]);
      const predator = result.cameras.find((camera) => camera.name === 'PREDATOR')!;
      expect(predator.xaddrs).toEqual(['http://127.0.0.1:8080/onvif/device_service']);
      expect(predator.types).toEqual(['dn:NetworkVideoTransmitter', 'tds:Device']);

      const glued = result.packageSplits.flat().filter((address) => /\s/.test(address));
      expect(glued.length, "the package's own split(' ') leaves newlines inside addresses").toBe(2);
    },
  );
});

// Run only inside an isolated network namespace (see test/cameras/onvif-discovery.test.ts):
// a WS-Discovery responder answering with recorded camera answers, and Haven's
// discovery probing for them. Prints the result as one JSON line.
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { resolve } from 'node:path';
import onvif from 'onvif';
import { silentLogger } from '../../common/log.ts';
import { discoverCameras } from '../../edge/cameras/discovery.ts';
import { onvifRecordings } from './onvif-device.ts';

const interfaces = Object.keys(networkInterfaces());
if (interfaces.length !== 1 || interfaces[0] !== 'lo') {
  // Multicast must never leave the machine.
  process.stderr.write(`refusing to probe: interfaces ${interfaces.join(', ')}, not only lo\n`);
  process.exit(2);
}

const recorded = (file: string): string => readFileSync(resolve(onvifRecordings, file), 'utf8');
const serviceAddress = 'http://127.0.0.1:8080/onvif/device_service';

const responder = createSocket({ type: 'udp4', reuseAddr: true });
responder.on('message', (message, remote) => {
  const probe = message.toString('utf8');
  if (!probe.includes('Probe')) return;
  const messageId = /MessageID[^>]*>([^<]+)</.exec(probe)?.[1] ?? '';
  // The npm mock's answer is a template; fill it in as its mock server does.
  const predator = recorded('npm-onvif-v0x__Probe.xml')
    .replace('SERVICE_URI', serviceAddress)
    .replace('RELATES_TO', messageId);
  const answers = [
    'this is not an answer a camera would send',
    predator,
    recorded('onvifkotlin__probeResponse.xml'),
    predator,
  ];
  for (const answer of answers) responder.send(answer, remote.port, remote.address);
});
await new Promise<void>((done) => responder.bind(3702, done));
responder.addMembership('239.255.255.250', '127.0.0.1');

/** What the package's own resolve path would do with each answer's XAddrs. */
const packageSplits: string[][] = [];
onvif.Discovery.on('device', (device: unknown) => {
  const match = (device as { probeMatches?: { probeMatch?: { XAddrs?: unknown } } }).probeMatches
    ?.probeMatch;
  if (typeof match?.XAddrs === 'string') packageSplits.push(match.XAddrs.split(' '));
});

const result = await discoverCameras({ timeoutMs: 1_500 }, silentLogger());
responder.close();
process.stdout.write(`${JSON.stringify({ ...result, packageSplits })}\n`);

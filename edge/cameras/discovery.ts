// Finds ONVIF cameras on the local network with WS-Discovery: the `onvif`
// package multicasts a Probe to 239.255.255.250:3702 and gathers the answers
// for timeoutMs; each answer is read here from its XML (onvif-responses.ts).
// Corrections to the package, each tested:
//   - its XAddrs and Scopes are split on any whitespace: cameras put newlines
//     in them, which the package's split(' ') glues into one broken address;
//   - an answer it cannot read makes it emit 'error', which with no listener
//     throws and ends the process; here it is counted instead;
//   - one probe at a time: the package's Discovery is a process-wide singleton
//     whose events every caller would see.
import onvif from 'onvif';
import type { Logger } from '../../common/log.ts';
import { readProbeMatches, scopeValue, type ProbeMatch } from './onvif-responses.ts';
import { readSoapBody } from './soap-reader.ts';

export interface DiscoveredCamera extends ProbeMatch {
  /** The camera's name scope, decoded ("AXIS M2025-LE"); undefined when it sends none. */
  name: string | undefined;
  hardware: string | undefined;
  /** Where the answer came from. */
  answeredFrom: string;
}

export interface DiscoveryResult {
  cameras: DiscoveredCamera[];
  /** Answers that were not readable ProbeMatches. */
  unreadableAnswers: number;
}

let probing: Promise<unknown> = Promise.resolve();

/** Probes the network for timeoutMs and returns every camera that answered. */
export async function discoverCameras(
  options: { timeoutMs?: number },
  log: Logger,
): Promise<DiscoveryResult> {
  const run = (): Promise<DiscoveryResult> => probeOnce(options.timeoutMs ?? 3_000, log);
  const result = probing.then(run, run);
  probing = result.catch(() => undefined);
  return result;
}

// Shortcoming: the package probes on the default multicast interface only; no choice of NIC.
async function probeOnce(timeoutMs: number, log: Logger): Promise<DiscoveryResult> {
  const discovery = onvif.Discovery;
  const readings: Promise<void>[] = [];
  /** endpoint address → the camera, so that one camera seen twice counts once */
  const cameras = new Map<string, DiscoveredCamera>();
  let unreadableAnswers = 0;

  const onDevice = (_device: unknown, remote: { address: string }, xml: string): void => {
    readings.push(
      readSoapBody(xml)
        .then((body) => {
          for (const match of readProbeMatches(body)) {
            if (cameras.has(match.address)) continue;
            cameras.set(match.address, {
              ...match,
              name: scopeValue(match.scopes, 'name'),
              hardware: scopeValue(match.scopes, 'hardware'),
              answeredFrom: remote.address,
            });
          }
        })
        .catch(() => {
          unreadableAnswers++;
        }),
    );
  };
  let socketError: Error | undefined;
  // The package reports an unreadable answer as a string, a socket failure as an Error.
  const onError = (error: unknown): void => {
    if (error instanceof Error) {
      socketError ??= error;
      return;
    }
    unreadableAnswers++;
    log.debug({ reason: String(error) }, 'unreadable WS-Discovery answer');
  };

  discovery.on('device', onDevice);
  discovery.on('error', onError);
  try {
    await new Promise<void>((resolve) => {
      discovery.probe({ timeout: timeoutMs, resolve: false }, () => resolve());
    });
    await Promise.all(readings);
  } finally {
    discovery.removeListener('device', onDevice);
    discovery.removeListener('error', onError);
  }
  if (socketError) throw new Error(`WS-Discovery probe failed: ${socketError.message}`);
  log.info({ cameras: cameras.size, unreadableAnswers, timeoutMs }, 'WS-Discovery probe finished');
  return { cameras: [...cameras.values()], unreadableAnswers };
}

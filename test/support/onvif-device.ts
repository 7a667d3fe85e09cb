// No ONVIF camera simulator exists for Node or Debian, so ONVIF tests talk to
// this SOAP endpoint on 127.0.0.1: it answers each request with a response
// recorded from a real camera (../shared/data/onvif), chosen by the service
// and operation of the request, and checks WS-Security credentials like a
// camera does. Operations it holds no recording for get the real
// "Action Not Implemented" fault of an IPG-8150PSS camera.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const onvifRecordings = resolve(
  fileURLToPath(new URL('../../', import.meta.url)),
  '..',
  'shared',
  'data',
  'onvif',
);

export const notImplementedFault = 'easyonvif__IPG-8150PSS__device_management__Fault.xml';
export const notAuthorizedFault = 'onvifkotlin__fault_notAuthorized.xml';

/** The service a request went to, from the namespace of its operation. */
export type OnvifService = 'device' | 'media' | 'media2' | 'ptz' | 'other';

const serviceNamespaces: Record<string, OnvifService> = {
  'http://www.onvif.org/ver10/device/wsdl': 'device',
  'http://www.onvif.org/ver10/media/wsdl': 'media',
  'http://www.onvif.org/ver20/media/wsdl': 'media2',
  'http://www.onvif.org/ver20/ptz/wsdl': 'ptz',
};

export interface RecordedAnswer {
  /** A file in ../shared/data/onvif. */
  file: string;
  /** Text replaced in the recording, e.g. a recorded address by a local test server's. */
  rewrite?: [from: string, to: string][];
}

/** An answer no camera recording holds, written for a test; the test says why. */
export interface HandWrittenAnswer {
  handWritten: string;
}

export type DeviceAnswer = RecordedAnswer | HandWrittenAnswer;

export interface ReceivedRequest {
  /** "device/GetDeviceInformation", "media2/GetProfiles", ... */
  key: string;
  path: string;
  username: string | undefined;
  /** Whether the WS-Security digest matched the device's password. */
  credentialsValid: boolean;
  body: string;
}

export class RecordedOnvifDevice {
  readonly requests: ReceivedRequest[] = [];
  /** "service/Operation" → the recording that answers it. */
  readonly #answers = new Map<string, DeviceAnswer>();
  readonly #account: { username: string; password: string } | undefined;
  #server: Server | undefined;

  constructor(
    answers: Record<string, DeviceAnswer | string>,
    account?: { username: string; password: string },
  ) {
    for (const [key, answer] of Object.entries(answers)) this.answer(key, answer);
    this.#account = account;
  }

  /** Sets the recording that answers "service/Operation". */
  answer(key: string, answer: DeviceAnswer | string): void {
    this.#answers.set(key, typeof answer === 'string' ? { file: answer } : answer);
  }

  async start(): Promise<{ hostname: string; port: number }> {
    const server = createServer((request, response) => {
      void this.#handle(request, response);
    });
    this.#server = server;
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const address = server.address();
    if (!address || typeof address !== 'object') throw new Error('the ONVIF device has no port');
    return { hostname: '127.0.0.1', port: address.port };
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const key = operationKey(body);
    const credentials = checkCredentials(body, this.#account);
    this.requests.push({ key, path: request.url ?? '', body, ...credentials });

    const needsCredentials = this.#account !== undefined && key !== 'device/GetSystemDateAndTime';
    const answer: DeviceAnswer =
      needsCredentials && !credentials.credentialsValid
        ? { file: notAuthorizedFault }
        : (this.#answers.get(key) ?? { file: notImplementedFault });
    let xml: string;
    if ('handWritten' in answer) {
      xml = answer.handWritten;
    } else {
      xml = readFileSync(resolve(onvifRecordings, answer.file), 'utf8');
      for (const [from, to] of answer.rewrite ?? []) xml = xml.split(from).join(to);
    }
    response.writeHead(statusFor(xml), { 'content-type': 'application/soap+xml; charset=utf-8' });
    response.end(xml);
  }
}

/** SOAP 1.2 over HTTP: a Sender fault is 400, a Receiver fault 500, anything else 200. */
function statusFor(xml: string): number {
  if (!/<([\w.-]+:)?Fault[\s>]/.test(xml)) return 200;
  return /Receiver/.test(xml) ? 500 : 400;
}

/** "service/Operation" of a request, from the first element inside its Body. */
export function operationKey(body: string): string {
  const first = /<(?:[\w.-]+:)?Body\b[^>]*>\s*<(?:([\w.-]+):)?([\w.-]+)([^>]*)>/.exec(body);
  if (!first) return 'other/unreadable';
  const [, prefix, operation, attributes] = first;
  const declaration = prefix
    ? new RegExp(`xmlns:${prefix}="([^"]*)"`).exec(body)
    : /\sxmlns="([^"]*)"/.exec(attributes ?? '');
  const service = serviceNamespaces[declaration?.[1] ?? ''] ?? 'other';
  return `${service}/${operation}`;
}

/** Checks a WS-Security UsernameToken: digest = base64(sha1(nonce + created + password)). */
function checkCredentials(
  body: string,
  account: { username: string; password: string } | undefined,
): { username: string | undefined; credentialsValid: boolean } {
  const field = (name: string): string | undefined =>
    new RegExp(`<(?:[\\w.-]+:)?${name}\\b[^>]*>([^<]*)<`).exec(body)?.[1]?.trim();
  const username = field('Username');
  const digest = field('Password');
  const nonce = field('Nonce');
  const created = field('Created');
  if (!account || !username || !digest || !nonce || !created) {
    return { username, credentialsValid: false };
  }
  const expected = createHash('sha1')
    .update(Buffer.concat([Buffer.from(nonce, 'base64'), Buffer.from(created + account.password)]))
    .digest('base64');
  return { username, credentialsValid: username === account.username && digest === expected };
}

export interface RecordingExpectation {
  file: string;
  /** What a correct client reads from the file, as the recordings' README gives it. */
  expected: { element: string } & Record<string, unknown>;
}

/** Every recording with its expected values, from ../shared/data/onvif/README.md. */
export function recordingCatalogue(): RecordingExpectation[] {
  const readme = readFileSync(resolve(onvifRecordings, 'README.md'), 'utf8');
  const catalogue: RecordingExpectation[] = [];
  for (const section of readme.split(/^### /m).slice(1)) {
    const file = section.slice(0, section.indexOf('\n')).trim();
    const expected = /^Expected: `(.*)`\s*$/m.exec(section);
    if (!file.endsWith('.xml') || !expected) continue;
    catalogue.push({
      file,
      expected: JSON.parse(expected[1]!) as RecordingExpectation['expected'],
    });
  }
  return catalogue;
}

/** The camera a recording came from: "easyonvif__dlink-DCS-6511", "onvifkotlin", ... */
export function recordedCamera(file: string): string {
  const parts = file.split('__');
  return parts[0] === 'easyonvif' ? `${parts[0]}__${parts[1]}` : parts[0]!;
}

/** Whether a media response came from Media2 (ver20), by the namespace of its element. */
export function isMedia2Recording(file: string): boolean {
  const xml = readFileSync(resolve(onvifRecordings, file), 'utf8');
  const element = /<([\w.-]+):Get\w+Response\b/.exec(xml);
  if (!element) return false;
  const declared = new RegExp(`xmlns:${element[1]}="([^"]*)"`).exec(xml);
  return declared?.[1] === 'http://www.onvif.org/ver20/media/wsdl';
}

const deviceOperations = new Set([
  'GetSystemDateAndTime',
  'GetCapabilities',
  'GetServices',
  'GetDeviceInformation',
]);

/** "service/Operation" a recorded response answers, or undefined for faults and probes. */
export function answeredOperation(recording: RecordingExpectation): string | undefined {
  const element = recording.expected.element;
  if (!element.endsWith('Response')) return undefined;
  const operation = element.slice(0, -'Response'.length);
  if (deviceOperations.has(operation)) return `device/${operation}`;
  return `${isMedia2Recording(recording.file) ? 'media2' : 'media'}/${operation}`;
}

/** All the answers one recorded camera gave, by "service/Operation". */
export function recordedAnswers(camera: string): Record<string, string> {
  const answers: Record<string, string> = {};
  for (const recording of recordingCatalogue()) {
    if (recordedCamera(recording.file) !== camera) continue;
    const key = answeredOperation(recording);
    if (key) answers[key] = recording.file;
  }
  return answers;
}

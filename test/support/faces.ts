// Face-gate helpers for tests: the shared real photos (read-only, never
// copied), frames made from them, gate devices, and enrolment through the API.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import { parseConfig } from '../../common/config.ts';
import { silentLogger } from '../../common/log.ts';
import { deviceCost, hashPassword } from '../../common/passwords.ts';
import { EdgeAgent } from '../../edge/agent.ts';
import { EdgeConfig } from '../../edge/config.ts';
import type { RgbFrame } from '../../models/image.ts';
import { decodePhoto } from '../../models/photo.ts';
import { edgeToken, registeredBand, site } from './spine.ts';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
export const deepfaceFolder = resolve(repositoryRoot, '..', 'shared', 'data', 'faces', 'deepface');

export function photo(file: string): Buffer {
  return readFileSync(join(deepfaceFolder, file));
}

/** A camera-like frame (long side 640) of one of the shared photos. */
export async function frameOf(file: string, maxSide = 640): Promise<RgbFrame> {
  const image = await decodePhoto(photo(file), maxSide);
  return { ...image, capturedAt: Date.now() };
}

export function gateSecret(id: string): string {
  return `gate-secret-of-${id}`;
}

const hashes = new Map<string, string>();
export function registeredGate(id: string): { id: string; kind: 'gate'; secretHash: string } {
  let secretHash = hashes.get(id);
  if (!secretHash) {
    secretHash = hashPassword(gateSecret(id), deviceCost);
    hashes.set(id, secretHash);
  }
  return { id, kind: 'gate', secretHash };
}

export function gateTopic(id: string, channel: string): string {
  return `haven/${site}/gate/${id}/${channel}`;
}

export function faceEdgeConfig(
  dataDir: string,
  hubUrl: string,
  faces: Record<string, unknown>,
  options: { gates?: string[]; bands?: string[]; config?: Record<string, unknown> } = {},
): EdgeConfig {
  const gates = options.gates ?? ['gate-1'];
  return parseConfig(
    EdgeConfig,
    {
      edgeId: 'home-1',
      site,
      dataDir,
      mqtt: { host: '127.0.0.1', port: 0 },
      hub: { url: hubUrl, token: edgeToken, maxBackoffMs: 500 },
      devices: [...gates.map(registeredGate), ...(options.bands ?? []).map(registeredBand)],
      faces: { gates: gates.map((gateId) => ({ gateId })), ...faces },
      ...options.config,
    },
    'test edge config with faces',
  );
}

export async function startFaceEdge(
  dataDir: string,
  hubUrl: string,
  faces: Record<string, unknown> = {},
  options: { gates?: string[]; bands?: string[]; config?: Record<string, unknown> } = {},
): Promise<EdgeAgent> {
  const agent = new EdgeAgent(faceEdgeConfig(dataDir, hubUrl, faces, options), silentLogger());
  await agent.start();
  return agent;
}

/** A gate device on the edge's broker, recording every command it is sent. */
export async function connectGate(
  port: number,
  id = 'gate-1',
): Promise<{ client: MqttClient; commands: Record<string, unknown>[] }> {
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
    clientId: id,
    username: id,
    password: gateSecret(id),
    reconnectPeriod: 0,
  });
  const commands: Record<string, unknown>[] = [];
  client.on('message', (_topic, payload) => {
    commands.push(JSON.parse(payload.toString()) as Record<string, unknown>);
  });
  await client.subscribeAsync(gateTopic(id, 'command'), { qos: 1 });
  return { client, commands };
}

export async function api(
  hubUrl: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> & unknown[] }> {
  const response = await fetch(`${hubUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {} };
}

/** Creates the resident in the face gallery and enrols the photos; expects success. */
export async function enrolResident(
  hubUrl: string,
  token: string,
  residentId: string,
  resident: { name: string; active?: boolean; watchList?: boolean },
  photos: string[],
): Promise<void> {
  const saved = await api(hubUrl, token, 'PUT', `/api/faces/residents/${residentId}`, {
    site,
    consent: true,
    ...resident,
  });
  if (saved.status !== 200) throw new Error(`saving ${residentId}: ${JSON.stringify(saved)}`);
  const enrolled = await api(hubUrl, token, 'POST', `/api/faces/residents/${residentId}/photos`, {
    photos: photos.map((file) => ({ name: file, data: photo(file).toString('base64') })),
  });
  if (enrolled.status !== 201 || enrolled.body.enrolled !== photos.length) {
    throw new Error(`enrolling ${residentId}: ${JSON.stringify(enrolled.body)}`);
  }
}

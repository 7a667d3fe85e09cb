// Plate helpers for tests: the shared real plate pictures (read-only, never
// copied), frames made from them, and an edge with vehicle barriers.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '../../common/log.ts';
import { EdgeAgent } from '../../edge/agent.ts';
import type { RgbFrame } from '../../models/image.ts';
import { decodePhoto } from '../../models/photo.ts';
import { registeredGate } from './faces.ts';
import { edgeConfig } from './spine.ts';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
export const platesFolder = resolve(repositoryRoot, '..', 'shared', 'data', 'plates');
export const hyperlprFolder = join(platesFolder, 'hyperlpr');

/** Close-up of a blue plate, 藏D·T5022 (DATA.md). */
export const bluePlatePicture = 'hyperlpr/2.jpg';
export const bluePlate = '藏DT5022';
/** Street scene with a green new-energy plate, 苏E·D51712 (checked by eye). */
export const greenPlatePicture = 'hyperlpr/test_img.jpg';
export const greenPlate = '苏ED51712';

/** A camera-like frame of one of the shared plate pictures, at most maxSide wide or high. */
export async function plateFrame(file: string, maxSide = 1280): Promise<RgbFrame> {
  const image = await decodePhoto(readFileSync(join(platesFolder, file)), maxSide);
  return { ...image, capturedAt: Date.now() };
}

export async function startVehicleEdge(
  dataDir: string,
  hubUrl: string,
  vehicles: Record<string, unknown> = {},
  gates = ['barrier-1'],
): Promise<EdgeAgent> {
  const config = edgeConfig(dataDir, hubUrl, [], {
    devices: gates.map(registeredGate),
    vehicles: { gates: gates.map((gateId) => ({ gateId })), ...vehicles },
  });
  const agent = new EdgeAgent(config, silentLogger());
  await agent.start();
  return agent;
}

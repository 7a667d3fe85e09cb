// Gates (face gates, barriers) that read a camera's frames: each must be a
// registered device of kind gate, and its camera must be in the cameras
// section. A wrong config stops the edge at start, naming the gate.
import type { DeviceRegistry } from './registry.ts';

export interface CameraGate {
  gateId: string;
  cameraId?: string | undefined;
}

/** camera id → the gates that read its frames, after checking every gate. */
export function gatesByCamera(
  section: string,
  gates: readonly CameraGate[],
  registry: DeviceRegistry,
  cameraIds: readonly string[],
): Map<string, string[]> {
  const byCamera = new Map<string, string[]>();
  for (const gate of gates) {
    const device = registry.identity(gate.gateId);
    if (!device || device.kind !== 'gate') {
      throw new Error(
        `${section} names ${gate.gateId}, which is not a registered device of kind gate`,
      );
    }
    if (!gate.cameraId) continue;
    if (!cameraIds.includes(gate.cameraId)) {
      throw new Error(
        `${section}: gate ${gate.gateId} reads camera ${gate.cameraId}, ` +
          'which is not in the cameras section',
      );
    }
    byCamera.set(gate.cameraId, [...(byCamera.get(gate.cameraId) ?? []), gate.gateId]);
  }
  return byCamera;
}

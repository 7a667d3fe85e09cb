// The gate edge's two cameras in the demo: residents enrolled at the hub from
// real photos walk up to the face gate (other photos of them), strangers too;
// a registered car and an unknown one stop at the barrier (real plate
// pictures). Gate and barrier are devices on the edge's broker that record
// every open command they get.
import { readFileSync } from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from '../../common/log.ts';
import type { EdgeAgent } from '../../edge/agent.ts';
import type { RgbFrame } from '../../models/image.ts';
import { decodePhoto } from '../../models/photo.ts';
import type { HubClient } from './hub-client.ts';
import { sharedDataFile } from './shared-data.ts';

export const faceGateId = 'gate-east';
export const barrierId = 'barrier-east';
/** A face gate watched by an RTSP camera replaying people walking by (none enrolled). */
export const cameraGateId = 'gate-north';
export const cameraId = 'cam-north';

/**
 * People of ../shared/data/faces/deepface (identities.csv): residents are
 * enrolled with some photos and seen at the gate on another; strangers are
 * people nobody enrolled.
 */
const residents = [
  {
    id: 'face-wang',
    name: '王桂芳',
    enrol: ['img1.jpg', 'img2.jpg', 'img4.jpg'],
    seen: 'img5.jpg',
  },
  { id: 'face-li', name: '李建国', enrol: ['img26.jpg', 'img28.jpg'], seen: 'img42.jpg' },
];
const strangers = ['img29.jpg', 'img34.jpg', 'img38.jpg'];

/** Real pictures of cars in ../shared/data/plates: one registered, one not. */
const cars = [
  { picture: 'hyperlpr/2.jpg', plate: '藏DT5022', registered: true },
  { picture: 'hyperlpr/test_img.jpg', plate: '苏ED51712', registered: false },
];

/** The gate edge's `faces` and `vehicles` sections, and its camera when there is one. */
export function gateEdgeSections(cameraUrl?: string): Record<string, unknown> {
  const cameraGate = cameraUrl ? [{ gateId: cameraGateId, cameraId }] : [];
  return {
    ...(cameraUrl && {
      cameras: [{ id: cameraId, source: cameraUrl, framesPerSecond: 2, width: 640, height: 360 }],
    }),
    faces: {
      gates: [{ gateId: faceGateId }, ...cameraGate],
      eventWindowMs: 1500,
      gallerySyncMs: 5000,
    },
    vehicles: {
      gates: [{ gateId: barrierId }],
      minReads: 3,
      passageEndMs: 800,
      listSyncMs: 5000,
    },
  };
}

export interface AccessSummary {
  /** Face-gate open commands, by enrolled resident. */
  faceGateOpenedFor: string[];
  /** Enrolled residents shown at the gate, and strangers shown. */
  residentsShown: string[];
  strangersShown: number;
  /** Strangers the gate opened for: must stay 0. */
  strangersLetIn: number;
  /** Open commands at the camera gate, where nobody enrolled walks by; null without it. */
  cameraGateOpenedFor: string[] | null;
  /** Barrier open commands, by plate. */
  barrierOpenedFor: string[];
  unregisteredCarsShown: string[];
  /** The gate edge's face recognition: frames, faces, decisions. */
  recognition: Record<string, number>;
  /** Access events at the hub, by kind and decision. */
  hubAccessEvents: Record<string, number>;
}

interface GateDevice {
  client: MqttClient;
  commands: Record<string, unknown>[];
}

function identities(): Map<string, string> {
  const csv = readFileSync(sharedDataFile('faces', 'deepface', 'identities.csv'), 'utf8');
  const identityOf = new Map<string, string>();
  for (const line of csv.split('\n').slice(1)) {
    const [file, identity] = line.trim().split(',');
    if (file && identity) identityOf.set(file, identity);
  }
  return identityOf;
}

export class DemoGates {
  readonly #devices = new Map<string, GateDevice>();
  readonly #frames = new Map<string, RgbFrame>();

  constructor(
    private readonly edge: EdgeAgent,
    private readonly site: string,
    private readonly secrets: Map<string, string>,
    private readonly log: Logger,
    private readonly withCamera: boolean,
  ) {}

  /** Enrols the residents at the hub, connects gate and barrier, decodes the pictures. */
  async start(operator: HubClient): Promise<void> {
    const identityOf = identities();
    const enrolled = new Set(residents.map((r) => identityOf.get(r.enrol[0]!)));
    for (const stranger of strangers) {
      if (enrolled.has(identityOf.get(stranger))) {
        throw new Error(`demo stranger ${stranger} is an enrolled person in identities.csv`);
      }
    }
    for (const resident of residents) {
      await operator.expect(200, 'PUT', `/api/faces/residents/${resident.id}`, {
        site: this.site,
        name: resident.name,
        consent: true,
      });
      const photos = resident.enrol.map((file) => ({
        name: file,
        data: readFileSync(sharedDataFile('faces', 'deepface', file)).toString('base64'),
      }));
      await operator.expect(201, 'POST', `/api/faces/residents/${resident.id}/photos`, { photos });
    }
    await this.edge.faces!.sync.syncNow();
    await this.edge.vehicles!.sync.syncNow();
    const gates = this.withCamera ? [faceGateId, barrierId, cameraGateId] : [faceGateId, barrierId];
    for (const id of gates) this.#devices.set(id, await this.#connect(id));
    for (const file of [...residents.map((r) => r.seen), ...strangers]) {
      const bytes = readFileSync(sharedDataFile('faces', 'deepface', file));
      this.#frames.set(file, { ...(await decodePhoto(bytes, 640)), capturedAt: 0 });
    }
    for (const car of cars) {
      const bytes = readFileSync(sharedDataFile('plates', car.picture));
      this.#frames.set(car.picture, { ...(await decodePhoto(bytes, 1280)), capturedAt: 0 });
    }
  }

  /** Strangers and residents, one after the other, at the face gate. */
  async playFaceGate(): Promise<void> {
    const order = [strangers[0]!, residents[0]!.seen, strangers[1]!, residents[1]!.seen];
    order.push(...strangers.slice(2));
    for (const file of order) {
      const frame = this.#frames.get(file)!;
      // A person stands at the gate for a while: a frame dropped while the
      // recogniser is busy (with the camera gate) is followed by another.
      let analysed = false;
      for (let attempt = 0; attempt < 20 && !analysed; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 250));
        const seen = { ...frame, capturedAt: Date.now() };
        analysed = await this.edge.faces!.gates.analyseFrame(faceGateId, seen);
      }
      if (!analysed) throw new Error(`the face gate dropped every frame of ${file}`);
      this.log.info({ gate: faceGateId, photo: file }, 'demo person at the face gate');
    }
  }

  /** Each car stands at the barrier for six frames, then drives off. */
  async playBarrier(): Promise<void> {
    for (const car of cars) {
      for (let index = 0; index < 6; index++) {
        const frame = this.#frames.get(car.picture)!;
        await this.edge.vehicles!.gates.readFrame(barrierId, { ...frame, capturedAt: Date.now() });
      }
      this.log.info({ gate: barrierId, plate: car.plate }, 'demo car at the barrier');
      await new Promise((resolve) => setTimeout(resolve, 1200));
    }
  }

  async summary(operator: HubClient): Promise<AccessSummary> {
    const commands = (id: string) => this.#devices.get(id)?.commands ?? [];
    const opens = (id: string) => commands(id).filter((command) => command.kind === 'open');
    const faceGateOpenedFor = opens(faceGateId).map((c) => String(c.residentId));
    const events = await operator.expect<{ kind: string; decision: string }[]>(
      200,
      'GET',
      '/api/access?limit=200',
    );
    const hubAccessEvents: Record<string, number> = {};
    for (const event of events) {
      const key = `${event.kind}:${event.decision}`;
      hubAccessEvents[key] = (hubAccessEvents[key] ?? 0) + 1;
    }
    const residentIds = new Set(residents.map((r) => r.id));
    return {
      faceGateOpenedFor,
      residentsShown: residents.map((r) => r.id),
      strangersShown: strangers.length,
      strangersLetIn: faceGateOpenedFor.filter((id) => !residentIds.has(id)).length,
      cameraGateOpenedFor: this.withCamera
        ? opens(cameraGateId).map((c) => String(c.residentId))
        : null,
      barrierOpenedFor: opens(barrierId).map((c) => String(c.plate)),
      unregisteredCarsShown: cars.filter((car) => !car.registered).map((car) => car.plate),
      recognition: { ...this.edge.faces!.gates.counts },
      hubAccessEvents,
    };
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#devices.values()].map((device) => device.client.endAsync()));
    this.#devices.clear();
  }

  async #connect(id: string): Promise<GateDevice> {
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${this.edge.mqttPort}`, {
      clientId: id,
      username: id,
      password: this.secrets.get(id)!,
      reconnectPeriod: 0,
    });
    const commands: Record<string, unknown>[] = [];
    client.on('message', (_topic, payload) => {
      commands.push(JSON.parse(payload.toString()) as Record<string, unknown>);
    });
    await client.subscribeAsync(`haven/${this.site}/gate/${id}/command`, { qos: 1 });
    return { client, commands };
  }
}

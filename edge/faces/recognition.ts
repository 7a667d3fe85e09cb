// Face recognition at this edge: the inference workers, the local gallery and
// its sync from the hub, and the gates that act on what is recognised. It is
// fed frames by the gates' cameras (onCameraFrame) or directly (onGateFrame).
import type { Logger } from '../../common/log.ts';
import { defaultFaceModelSettings, verifyFaceModels } from '../../models/faces/analyzer.ts';
import { FaceWorkerPool } from '../../models/faces/pool.ts';
import type { RgbFrame } from '../../models/image.ts';
import type { DeviceBroker } from '../broker/broker.ts';
import type { DeviceRegistry } from '../devices/registry.ts';
import type { Outbox } from '../outbox/outbox.ts';
import type { EdgeDatabase } from '../store/database.ts';
import type { EdgeFacesConfig } from './config.ts';
import { FaceGallery } from './gallery.ts';
import { FaceGates } from './gates.ts';
import { GallerySync } from './sync.ts';
import { gatesByCamera } from '../devices/camera-gates.ts';

export interface FaceRecognitionContext {
  site: string;
  edgeId: string;
  hub: { url: string; token: string };
  settings: EdgeFacesConfig;
  database: EdgeDatabase;
  registry: DeviceRegistry;
  broker: DeviceBroker;
  outbox: Outbox;
  /** Ids of the cameras configured on this edge; a gate may read only those. */
  cameraIds: string[];
  log: Logger;
}

export class FaceRecognition {
  readonly gallery: FaceGallery;
  readonly pool: FaceWorkerPool;
  readonly gates: FaceGates;
  readonly sync: GallerySync;
  /** camera id → the gates that read its frames */
  readonly #gatesByCamera: Map<string, string[]>;
  readonly #gateIds: Set<string>;

  constructor(private readonly context: FaceRecognitionContext) {
    const { settings, registry, log } = context;
    this.#gatesByCamera = gatesByCamera('faces.gates', settings.gates, registry, context.cameraIds);
    this.#gateIds = new Set(settings.gates.map((gate) => gate.gateId));
    this.gallery = new FaceGallery(context.database);
    const poolSettings = {
      ...defaultFaceModelSettings,
      detector: settings.detector,
      threads: settings.threadsPerWorker,
      detectionMaxSide: settings.detectionMaxSide,
      workers: settings.workers,
      maxWaiting: settings.maxWaitingFrames,
      ...(settings.modelsFolder && { modelsFolder: settings.modelsFolder }),
    };
    verifyFaceModels(poolSettings);
    this.pool = new FaceWorkerPool(poolSettings, log.child({ feature: 'face-workers' }));
    this.sync = new GallerySync(
      this.gallery,
      context.hub,
      settings.gallerySyncMs,
      log.child({ feature: 'face-gallery' }),
    );
    this.gates = new FaceGates({
      site: context.site,
      edgeId: context.edgeId,
      settings,
      pool: this.pool,
      gallery: this.gallery,
      outbox: context.outbox,
      openGate: async (gateId, command) => {
        await context.broker.publishCommand(registry.identity(gateId)!, command);
      },
      log: log.child({ feature: 'face-gates' }),
    });
  }

  /** Verifies and loads the models (a bad file stops the edge, named), then starts. */
  async start(): Promise<void> {
    await this.pool.start();
    this.gates.start();
    this.sync.start();
    this.context.log.info(
      {
        gates: [...this.#gateIds],
        galleryVersion: this.gallery.version,
        residents: this.gallery.size.residents,
      },
      'face recognition started',
    );
  }

  async stop(): Promise<void> {
    await this.sync.stop();
    await this.gates.stop();
    await this.pool.stop();
  }

  /** A frame from a camera; every gate that reads that camera gets it. */
  onCameraFrame(frame: RgbFrame & { cameraId: string }): void {
    for (const gateId of this.#gatesByCamera.get(frame.cameraId) ?? []) {
      this.gates.onFrame(gateId, frame);
    }
  }

  /** A frame for one configured gate. */
  onGateFrame(gateId: string, frame: RgbFrame): void {
    if (!this.#gateIds.has(gateId)) throw new Error(`${gateId} is not a face gate on this edge`);
    this.gates.onFrame(gateId, frame);
  }
}

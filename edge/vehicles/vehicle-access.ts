// Vehicle access at this edge: the plate workers, the local vehicle list and
// its sync from the hub, and the barriers that act on what is read. It is fed
// frames by the barriers' cameras (onCameraFrame) or directly (onGateFrame).
import type { Logger } from '../../common/log.ts';
import { PlateWorkerPool } from '../../models/plates/pool.ts';
import { defaultPlateModelSettings, verifyPlateModels } from '../../models/plates/reader.ts';
import type { RgbFrame } from '../../models/image.ts';
import type { DeviceBroker } from '../broker/broker.ts';
import type { DeviceRegistry } from '../devices/registry.ts';
import type { Outbox } from '../outbox/outbox.ts';
import type { EdgeDatabase } from '../store/database.ts';
import type { EdgeVehiclesConfig } from './config.ts';
import { VehicleGates } from './gates.ts';
import { VehicleListSync } from './list-sync.ts';
import { EdgeVehicleList } from './vehicle-list.ts';
import { gatesByCamera } from '../devices/camera-gates.ts';

export interface VehicleAccessContext {
  site: string;
  edgeId: string;
  hub: { url: string; token: string };
  settings: EdgeVehiclesConfig;
  database: EdgeDatabase;
  registry: DeviceRegistry;
  broker: DeviceBroker;
  outbox: Outbox;
  /** Ids of the cameras configured on this edge; a barrier may read only those. */
  cameraIds: string[];
  log: Logger;
}

export class VehicleAccess {
  readonly list: EdgeVehicleList;
  readonly pool: PlateWorkerPool;
  readonly gates: VehicleGates;
  readonly sync: VehicleListSync;
  /** camera id → the barriers that read its frames */
  readonly #gatesByCamera: Map<string, string[]>;
  readonly #gateIds: Set<string>;

  constructor(private readonly context: VehicleAccessContext) {
    const { settings, registry, log } = context;
    this.#gatesByCamera = gatesByCamera(
      'vehicles.gates',
      settings.gates,
      registry,
      context.cameraIds,
    );
    this.#gateIds = new Set(settings.gates.map((gate) => gate.gateId));
    this.list = new EdgeVehicleList(context.database);
    const poolSettings = {
      ...defaultPlateModelSettings,
      detector: settings.detector,
      threads: settings.threadsPerWorker,
      workers: settings.workers,
      maxWaiting: settings.maxWaitingFrames,
      ...(settings.modelsFolder && { modelsFolder: settings.modelsFolder }),
    };
    verifyPlateModels(poolSettings);
    this.pool = new PlateWorkerPool(poolSettings, log.child({ feature: 'plate-workers' }));
    this.sync = new VehicleListSync(
      this.list,
      context.hub,
      settings.listSyncMs,
      log.child({ feature: 'vehicle-list' }),
    );
    this.gates = new VehicleGates({
      site: context.site,
      edgeId: context.edgeId,
      settings,
      pool: this.pool,
      list: this.list,
      outbox: context.outbox,
      openGate: async (gateId, command) => {
        await context.broker.publishCommand(registry.identity(gateId)!, command);
      },
      log: log.child({ feature: 'vehicle-gates' }),
    });
  }

  /** Verifies and loads the models (a bad file stops the edge, named), then starts. */
  async start(): Promise<void> {
    await this.pool.start();
    this.gates.start();
    this.sync.start();
    this.context.log.info(
      { gates: [...this.#gateIds], listVersion: this.list.version, plates: this.list.size },
      'vehicle gates started',
    );
  }

  async stop(): Promise<void> {
    await this.sync.stop();
    await this.gates.stop();
    await this.pool.stop();
  }

  /** A frame from a camera; every barrier that reads that camera gets it. */
  onCameraFrame(frame: RgbFrame & { cameraId: string }): void {
    for (const gateId of this.#gatesByCamera.get(frame.cameraId) ?? []) {
      this.gates.onFrame(gateId, frame);
    }
  }

  /** A frame for one configured barrier. */
  onGateFrame(gateId: string, frame: RgbFrame): void {
    if (!this.#gateIds.has(gateId)) throw new Error(`${gateId} is not a vehicle gate on this edge`);
    this.gates.onFrame(gateId, frame);
  }
}

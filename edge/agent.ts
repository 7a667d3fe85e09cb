// `haven edge`: one agent per gate house or home cluster. It owns the device
// broker, the rules, the durable outbox and the links to its hub.
import { join } from 'node:path';
import type { Logger } from '../common/log.ts';
import { WatchDirectory } from '../devices/watch/directory.ts';
import { WatchGateway } from '../devices/watch/gateway.ts';
import { BandIngest } from './bands/ingest.ts';
import { DeviceBroker } from './broker/broker.ts';
import { CameraFleet } from './cameras/fleet.ts';
import type { EdgeConfig } from './config.ts';
import { DeviceRegistry } from './devices/registry.ts';
import { DeviceMessageRouter } from './devices/router.ts';
import { GateAccessIngest } from './faces/gate-access.ts';
import { FaceRecognition } from './faces/recognition.ts';
import { IntrusionWatch } from './intrusion/watch.ts';
import { EdgeCounters } from './metrics.ts';
import { Outbox, alarmLane, bulkLane } from './outbox/outbox.ts';
import { PatrolIngest } from './patrol/ingest.ts';
import { ElderlyCareRules } from './rules/elderly-care.ts';
import { openEdgeDatabase, type EdgeDatabase } from './store/database.ts';
import { CommandChannel } from './uplink/commands.ts';
import { DeviceCommandQueue } from './devices/commands.ts';
import { UplinkSender } from './uplink/sender.ts';
import { VehicleAccess } from './vehicles/vehicle-access.ts';

export class EdgeAgent {
  readonly counters = new EdgeCounters();
  readonly registry: DeviceRegistry;
  #database: EdgeDatabase | undefined;
  #broker: DeviceBroker | undefined;
  #senders: UplinkSender[] = [];
  #commands: CommandChannel | undefined;
  #deviceCommands: DeviceCommandQueue | undefined;
  #watchGateway: WatchGateway | undefined;
  #rules: ElderlyCareRules | undefined;
  /** Face recognition at gates; undefined when the config has no faces section. */
  faces: FaceRecognition | undefined;
  /** Plate reading at vehicle barriers; undefined without a vehicles section. */
  vehicles: VehicleAccess | undefined;
  /** People in zones; undefined without an intrusion section. */
  intrusion: IntrusionWatch | undefined;
  /** The configured cameras; vision listens to their frames with onFrame(). */
  cameras: CameraFleet | undefined;
  outbox: Outbox | undefined;
  mqttPort = 0;
  /** The watch gateway's port; 0 when it is off. */
  watchPort = 0;

  constructor(
    private readonly config: EdgeConfig,
    private readonly log: Logger,
  ) {
    this.registry = new DeviceRegistry(config.site, config.devices);
  }

  async start(): Promise<void> {
    const { config, log } = this;
    const database = openEdgeDatabase(config.dataDir);
    this.#database = database;
    const outbox = new Outbox(database, { maxTelemetry: config.maxQueuedTelemetry });
    this.outbox = outbox;
    // Built first: a camera configured wrong stops the start before anything runs.
    if (config.cameras.length > 0) {
      this.cameras = new CameraFleet(
        config.cameras,
        { site: config.site, edgeId: config.edgeId, outbox, database },
        log.child({ feature: 'cameras' }),
      );
    }

    const rules = new ElderlyCareRules(
      database,
      outbox,
      {
        care: config.care,
        lowBatteryPercent: config.rules.lowBatteryPercent,
        batteryHysteresisPercent: config.rules.batteryHysteresisPercent,
        bands: config.devices
          .filter((device) => device.kind === 'band')
          .map((device) => ({
            site: config.site,
            edgeId: config.edgeId,
            bandId: device.id,
            ...(device.subject !== undefined && { resident: device.subject }),
          })),
      },
      log.child({ feature: 'elderly-care' }),
    );
    this.#rules = rules;
    rules.start();
    const bands = new BandIngest(config.edgeId, outbox, rules, this.counters, log);
    const patrol = new PatrolIngest(outbox, this.counters, log.child({ feature: 'patrol' }));
    const gateAccess = new GateAccessIngest(
      config.edgeId,
      outbox,
      this.counters,
      (residentId) => this.faces?.gallery.person(residentId),
      log.child({ feature: 'gate-access' }),
    );
    const router = new DeviceMessageRouter(bands, outbox, log, patrol, gateAccess);
    const broker = new DeviceBroker(this.registry, router, this.counters, log, {
      maxPacketBytes: config.mqtt.maxPacketBytes,
    });
    this.#broker = broker;
    if (config.faces) {
      // Verifies the model files now: a missing or corrupt one stops the start, named.
      this.faces = new FaceRecognition({
        site: config.site,
        edgeId: config.edgeId,
        hub: config.hub,
        settings: config.faces,
        database,
        registry: this.registry,
        broker,
        outbox,
        cameraIds: config.cameras.map((camera) => camera.id),
        log: log.child({ feature: 'faces' }),
      });
      const faces = this.faces;
      this.cameras?.onFrame((frame) => faces.onCameraFrame(frame));
    }
    const cameraIds = config.cameras.map((camera) => camera.id);
    if (config.vehicles) {
      const vehicles = new VehicleAccess({
        site: config.site,
        edgeId: config.edgeId,
        hub: config.hub,
        settings: config.vehicles,
        database,
        registry: this.registry,
        broker,
        outbox,
        cameraIds,
        log: log.child({ feature: 'vehicles' }),
      });
      this.vehicles = vehicles;
      this.cameras?.onFrame((frame) => vehicles.onCameraFrame(frame));
    }
    if (config.intrusion) {
      const intrusion = new IntrusionWatch({
        site: config.site,
        edgeId: config.edgeId,
        settings: config.intrusion,
        database,
        outbox,
        cameraIds,
        log: log.child({ feature: 'intrusion' }),
      });
      this.intrusion = intrusion;
      for (const cameraId of intrusion.cameraIds) {
        this.cameras?.onFrame((frame) => intrusion.onCameraFrame(frame), cameraId);
      }
    }

    // Two senders: alerts never wait behind a batch of telemetry in flight.
    this.#senders = [
      new UplinkSender(outbox, { ...config.hub, lane: alarmLane }, log.child({ lane: 'alarm' })),
      new UplinkSender(outbox, { ...config.hub, lane: bulkLane }, log.child({ lane: 'bulk' })),
    ];
    for (const sender of this.#senders) sender.start();

    this.mqttPort = await broker.start(config.mqtt.host, config.mqtt.port);
    await this.faces?.start();
    await this.vehicles?.start();
    await this.intrusion?.start();
    if (config.watchGateway) {
      const watchGateway = new WatchGateway(
        bands,
        new WatchDirectory(this.registry, config.devices),
        this.counters,
        log.child({ feature: 'watch-gateway' }),
        config.watchGateway,
      );
      this.#watchGateway = watchGateway;
      this.watchPort = await watchGateway.start();
    }
    this.cameras?.start();
    const commands = new CommandChannel(
      config.hub.url,
      config.hub.token,
      this.registry,
      log.child({ feature: 'commands' }),
    );
    const deviceCommands = new DeviceCommandQueue(
      database,
      this.registry,
      broker,
      (commandId) => commands.reportDelivered(commandId),
      log.child({ feature: 'commands' }),
    );
    this.#deviceCommands = deviceCommands;
    deviceCommands.start();
    commands.queue = deviceCommands;
    this.#commands = commands;
    commands.start();

    log.info(
      {
        edge: config.edgeId,
        site: config.site,
        mqtt: `${config.mqtt.host}:${this.mqttPort}`,
        devices: this.registry.size,
        queued: outbox.size(),
        dataFile: join(config.dataDir, 'edge.sqlite'),
      },
      'edge agent started',
    );
  }

  get commandChannelOpen(): boolean {
    return this.#commands?.connected ?? false;
  }

  async stop(): Promise<void> {
    this.#commands?.stop();
    this.#deviceCommands?.stop();
    await this.cameras?.stop();
    await this.#watchGateway?.stop();
    await this.intrusion?.stop();
    await this.vehicles?.stop();
    await this.faces?.stop();
    await this.#broker?.stop();
    await Promise.all(this.#senders.map((sender) => sender.stop()));
    this.#rules?.stop();
    this.outbox?.stop();
    this.#database?.close();
    this.#database = undefined;
    this.log.info({ edge: this.config.edgeId }, 'edge agent stopped');
  }
}

// `haven hub`: the police-room hub. Each area is a Fastify plugin that names
// what it depends on, so a missing piece fails at start-up, not at a request.
import { STATUS_CODES } from 'node:http';
import Fastify, {
  type FastifyError,
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawServerDefault,
} from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import websocket from '@fastify/websocket';
import type { Logger } from '../common/log.ts';
import type { HubConfig } from './config.ts';
import access from './access/routes.ts';
import { AccessLog } from './access/store.ts';
import alerts from './alerts/routes.ts';
import auth from './auth/plugin.ts';
import cameras from './cameras/routes.ts';
import { CameraStore } from './cameras/store.ts';
import { ensureDashboardBuilt } from './dashboard/build.ts';
import dashboard from './dashboard/plugin.ts';
import devices from './devices/routes.ts';
import { EdgeCommandRelay } from './edges/commands.ts';
import edges from './edges/plugin.ts';
import faces from './faces/routes.ts';
import { FaceGalleryStore } from './faces/store.ts';
import { LiveBus } from './live/bus.ts';
import live from './live/plugin.ts';
import map from './map/routes.ts';
import { MapStore } from './map/store.ts';
import patrol from './patrol/plugin.ts';
import { registerCoreHolders } from './governance/core-holders.ts';
import { DataGovernance } from './governance/holders.ts';
import governance from './governance/routes.ts';
import notify from './notify/plugin.ts';
import { NotifyStore } from './notify/store.ts';
import registry from './registry/routes.ts';
import { SqliteRegistryStore } from './registry/sqlite.ts';
import type { RegistryStore } from './registry/store.ts';
import { ScopeGuard } from './scopes/scope.ts';
import { Internal } from './errors.ts';
import { SqliteHubStore } from './store/sqlite.ts';
import { TelemetryHistory } from './telemetry/history.ts';
import telemetry from './telemetry/routes.ts';
import vehicles from './vehicles/routes.ts';
import { VehicleStore } from './vehicles/store.ts';
import type { HubStore } from './store/store.ts';
import { VideoRelays } from './video/relays.ts';
import video from './video/routes.ts';
import './types.ts';

/** Every error reply carries a stable code; a 5xx never shows internals. */
function setErrorReplies(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error, url: request.url }, 'request failed');
      const internal = new Internal();
      return reply.status(500).send({
        statusCode: 500,
        code: internal.code,
        error: 'Internal Server Error',
        message: internal.message,
      });
    }
    return reply.status(status).send({
      statusCode: status,
      code: error.code ?? 'HAVEN_BAD_REQUEST',
      error: STATUS_CODES[status] ?? 'Error',
      message: error.message,
    });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      statusCode: 404,
      code: 'HAVEN_NOT_FOUND',
      error: 'Not Found',
      message: `no route ${request.method} ${request.url.slice(0, 200)}`,
    }),
  );
}

export class Hub {
  readonly app: FastifyInstance;
  readonly store: HubStore;
  readonly commands: EdgeCommandRelay;
  readonly registry: RegistryStore;
  readonly governance = new DataGovernance();
  readonly telemetry: TelemetryHistory;
  readonly notifyStore: NotifyStore;
  readonly cameras: CameraStore;
  /** Live camera streams relayed to dashboards while someone watches. */
  readonly video: VideoRelays;
  readonly map: MapStore;

  constructor(
    private readonly config: HubConfig,
    private readonly log: Logger,
  ) {
    const store = new SqliteHubStore(config.dataDir);
    this.store = store;
    this.registry = new SqliteRegistryStore(store.database);
    registerCoreHolders(this.governance, store.database, this.registry, config.edges);
    this.telemetry = new TelemetryHistory(
      store.database,
      config.influx,
      log.child({ feature: 'telemetry' }),
    );
    this.telemetry.registerWith(this.governance, this.registry);
    this.notifyStore = new NotifyStore(store.database);
    this.cameras = new CameraStore(store.database);
    this.video = new VideoRelays(
      this.cameras,
      { ...config.video, viewerBacklogLimitBytes: 8 * 1024 * 1024 },
      log.child({ feature: 'video' }),
    );
    this.map = new MapStore(store.database);
    this.commands = new EdgeCommandRelay(this.store, log.child({ feature: 'commands' }));
    this.app = Fastify<RawServerDefault>({
      loggerInstance: log as FastifyBaseLogger,
      trustProxy: false,
      // Stopping the hub ends every connection, live sockets included, at once.
      forceCloseConnections: true,
    });
  }

  async start(): Promise<string> {
    const { app, config } = this;
    const built = await ensureDashboardBuilt();
    if (built.built) this.log.info({ folder: built.folder }, 'dashboard built');
    if (built.fontMissing) this.log.warn({ problem: built.fontMissing }, 'dashboard font missing');
    app.decorate('store', this.store);
    app.decorate('live', new LiveBus());
    app.decorate('hubConfig', config);
    app.decorate('commands', this.commands);
    app.decorate('registry', this.registry);
    app.decorate('scopes', new ScopeGuard(this.registry));
    app.decorate('governance', this.governance);

    await app.register(swagger, {
      openapi: {
        info: { title: 'Haven hub API', version: '0.1.0' },
        components: {
          securitySchemes: {
            session: { type: 'apiKey', in: 'cookie', name: 'haven_session' },
            bearer: { type: 'http', scheme: 'bearer' },
          },
        },
      },
    });
    await app.register(cookie);
    // Limits run after the body is read, so a login limit can count per account.
    await app.register(rateLimit, { global: false, hook: 'preHandler' });
    setErrorReplies(app);
    await app.register(websocket, { options: { maxPayload: 1024 * 1024 } });
    await app.register(auth);
    await app.register(edges);
    await app.register(alerts);
    await app.register(devices);
    const database = (this.store as SqliteHubStore).database;
    await app.register(access, { log: new AccessLog(database) });
    await app.register(faces, { store: new FaceGalleryStore(database) });
    await app.register(vehicles, { store: new VehicleStore(database) });
    await app.register(live);
    await app.register(patrol);
    await app.register(registry);
    await app.register(governance);
    await app.register(telemetry, this.telemetry);
    await app.register(notify, { store: this.notifyStore });
    app.decorate('cameras', this.cameras);
    app.decorate('video', this.video);
    app.decorate('map', this.map);
    await app.register(cameras);
    await app.register(video);
    await app.register(map);
    await app.register(dashboard, { folder: built.folder });

    app.get('/healthz', { schema: { hide: true } }, async () => ({ ok: true }));
    app.get(
      '/api/openapi.json',
      { preHandler: app.requireStaff('viewer'), schema: { hide: true } },
      async () => app.swagger(),
    );

    const address = await app.listen({ host: config.listen.host, port: config.listen.port });
    this.telemetry.start();
    this.log.info({ address, edges: config.edges.length }, 'hub started');
    return address;
  }

  async stop(): Promise<void> {
    this.commands.closeAll();
    await this.app.close();
    await this.telemetry.stop();
    await this.store.close();
    this.log.info('hub stopped');
  }
}

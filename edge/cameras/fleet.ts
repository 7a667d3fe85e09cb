// The edge's cameras: one watchdog per configured camera, frames fanned out to
// whoever listens (the vision pipelines), offline alerts through the outbox.
import type { Logger } from '../../common/log.ts';
import type { Outbox } from '../outbox/outbox.ts';
import { StandingConditions } from '../rules/conditions.ts';
import type { EdgeDatabase } from '../store/database.ts';
import type { CameraSettings } from './config.ts';
import { FfmpegFrameSource, type FrameSourceHandlers } from './ffmpeg-source.ts';
import type { CameraFrame, FrameListener } from './frame.ts';
import { CameraOfflineAlerts } from './offline-alerts.ts';
import { OnvifCamera } from './onvif.ts';
import { redactUrlCredentials } from './redact.ts';
import { CameraWatchdog, type CameraStatus, type FrameRun } from './watchdog.ts';

export interface CameraFleetContext {
  site: string;
  edgeId: string;
  outbox: Outbox;
  database: EdgeDatabase;
  ffmpegPath?: string;
}

/** Listens to every camera. */
const everyCamera = '*';

export class CameraFleet {
  /** camera id → its watchdog */
  readonly #watchdogs = new Map<string, CameraWatchdog>();
  /** camera id → its ONVIF client, for cameras configured with one */
  readonly #onvif = new Map<string, OnvifCamera>();
  /** camera id (or "*") → listeners for its frames */
  readonly #listeners = new Map<string, Set<FrameListener>>();
  /** camera id → frames whose listener threw */
  readonly #listenerFailures = new Map<string, number>();
  readonly #log: Logger;

  constructor(cameras: readonly CameraSettings[], context: CameraFleetContext, log: Logger) {
    this.#log = log;
    const alerts = new CameraOfflineAlerts(
      { site: context.site, edgeId: context.edgeId },
      context.outbox,
      new StandingConditions(context.database),
      log,
    );
    for (const camera of cameras) {
      if (this.#watchdogs.has(camera.id)) {
        throw new Error(`camera ${camera.id} is configured twice; camera ids must be unique`);
      }
      if (!camera.source && !camera.onvif) {
        throw new Error(`camera ${camera.id} needs a source (an rtsp:// URL or a file) or onvif`);
      }
      if (camera.onvif) {
        const { deviceUrl, username, password, mediaService } = camera.onvif;
        const onvifLog = log.child({ camera: camera.id });
        this.#onvif.set(
          camera.id,
          new OnvifCamera({ deviceUrl, username, password, mediaService }, onvifLog),
        );
      }
      const watchdog = new CameraWatchdog(
        { cameraId: camera.id, width: camera.width, height: camera.height },
        {
          stallTimeoutMs: camera.stallTimeoutMs,
          offlineAfterMs: camera.offlineAlertAfterMs,
          restartDelayMs: camera.restartDelayMs,
          maxRestartDelayMs: camera.maxRestartDelayMs,
        },
        (handlers) => this.#openRun(camera, handlers, context.ffmpegPath),
        {
          onFrame: (frame) => this.#deliver(frame),
          onOffline: (report) => alerts.raise(camera.id, report, camera.location),
          onStreaming: () => alerts.clear(camera.id),
        },
        log,
      );
      this.#watchdogs.set(camera.id, watchdog);
    }
  }

  get cameraIds(): string[] {
    return [...this.#watchdogs.keys()];
  }

  start(): void {
    for (const watchdog of this.#watchdogs.values()) watchdog.start();
    this.#log.info({ cameras: this.cameraIds }, 'cameras started');
  }

  /** Stops every camera; resolves once no ffmpeg of theirs runs. */
  async stop(): Promise<void> {
    await Promise.all([...this.#watchdogs.values()].map((watchdog) => watchdog.stop()));
    this.#listeners.clear();
  }

  /**
   * Calls the listener with every frame of one camera, or of all cameras when
   * cameraId is left out. Returns the function that stops the calls.
   */
  onFrame(listener: FrameListener, cameraId: string = everyCamera): () => void {
    if (cameraId !== everyCamera && !this.#watchdogs.has(cameraId)) {
      throw new Error(`no camera ${cameraId} is configured`);
    }
    let listeners = this.#listeners.get(cameraId);
    if (!listeners) {
      listeners = new Set();
      this.#listeners.set(cameraId, listeners);
    }
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  status(): CameraStatus[] {
    return [...this.#watchdogs.values()].map((watchdog) => watchdog.status());
  }

  /** The ONVIF client of a camera configured with one (PTZ presets, snapshots). */
  onvif(cameraId: string): OnvifCamera | undefined {
    return this.#onvif.get(cameraId);
  }

  #deliver(frame: CameraFrame): void {
    for (const key of [frame.cameraId, everyCamera]) {
      for (const listener of this.#listeners.get(key) ?? []) {
        try {
          listener(frame);
        } catch (error) {
          const failures = (this.#listenerFailures.get(frame.cameraId) ?? 0) + 1;
          this.#listenerFailures.set(frame.cameraId, failures);
          // Every frame could fail the same way; the first and every 100th are logged.
          if (failures % 100 === 1) {
            this.#log.error(
              { camera: frame.cameraId, failures, err: error },
              'frame listener failed',
            );
          }
        }
      }
    }
  }

  async #openRun(
    camera: CameraSettings,
    handlers: FrameSourceHandlers,
    ffmpegPath: string | undefined,
  ): Promise<FrameRun> {
    const source = camera.source ?? (await this.#streamAddress(camera));
    return new FfmpegFrameSource(
      {
        cameraId: camera.id,
        source,
        width: camera.width,
        height: camera.height,
        framesPerSecond: camera.framesPerSecond,
        // A backstop: the watchdog's own stall timer is meant to notice first.
        socketTimeoutMs: camera.stallTimeoutMs * 2,
        ffmpegPath,
      },
      handlers,
      this.#log,
    );
  }

  /** Asks the camera for its stream (each attempt: the address may expire). */
  async #streamAddress(camera: CameraSettings): Promise<string> {
    const client = this.#onvif.get(camera.id)!;
    const settings = camera.onvif!;
    let profileToken = settings.profileToken;
    if (!profileToken) {
      const profiles = await client.profiles();
      const withVideo = profiles.find((profile) => profile.video !== undefined) ?? profiles[0];
      if (!withVideo) throw new Error('the camera lists no media profile');
      profileToken = withVideo.token;
    }
    const stream = new URL((await client.streamUri(profileToken)).uri);
    // Cameras want the same account for RTSP and leave it out of the address.
    if (!stream.username && settings.username) {
      // The URL setters percent-encode what needs it (":", "@", "/").
      // Shortcoming: not checked that every camera accepts percent-encoded RTSP credentials.
      stream.username = settings.username;
      stream.password = settings.password ?? '';
    }
    this.#log.info(
      { camera: camera.id, profileToken, stream: redactUrlCredentials(stream.href) },
      'camera stream address from ONVIF',
    );
    return stream.href;
  }
}

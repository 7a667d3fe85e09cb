// Every camera relay of the hub, by camera and format. A relay is made on the
// first viewer of that camera and format; its ffmpeg runs only while watched.
import type { Logger } from '../../common/log.ts';
import type { CameraStore } from '../cameras/store.ts';
import { CameraRelay, type VideoFormat, type Viewer } from './relay.ts';

export interface VideoRelayOptions {
  ffmpegPath: string;
  lingerMs: number;
  viewerBacklogLimitBytes: number;
}

export interface StreamState {
  cameraId: string;
  format: VideoFormat;
  viewers: number;
  /** The ffmpeg process relaying it, while one runs. */
  pid: number | undefined;
}

export class VideoRelays {
  /** "cameraId format" → its relay */
  readonly #relays = new Map<string, CameraRelay>();

  constructor(
    private readonly cameras: CameraStore,
    private readonly options: VideoRelayOptions,
    private readonly log: Logger,
  ) {}

  /** Adds a viewer to a camera's stream; undefined when no such camera is registered. */
  watch(cameraId: string, format: VideoFormat, viewer: Viewer): CameraRelay | undefined {
    const key = `${cameraId} ${format}`;
    let relay = this.#relays.get(key);
    if (!relay) {
      const camera = this.cameras.get(cameraId);
      if (!camera) return undefined;
      relay = new CameraRelay({
        cameraId,
        rtspUrl: camera.rtspUrl,
        format,
        ...this.options,
        log: this.log,
      });
      this.#relays.set(key, relay);
    }
    relay.add(viewer);
    return relay;
  }

  streams(): StreamState[] {
    return [...this.#relays.entries()].map(([key, relay]) => {
      const [cameraId, format] = key.split(' ') as [string, VideoFormat];
      return { cameraId, format, viewers: relay.viewerCount, pid: relay.pid };
    });
  }

  /** A camera was changed or removed: its viewers reconnect to the new settings. */
  async forget(cameraId: string): Promise<void> {
    for (const [key, relay] of this.#relays) {
      if (!key.startsWith(`${cameraId} `)) continue;
      this.#relays.delete(key);
      await relay.stop('the camera was changed or removed');
    }
  }

  async stop(): Promise<void> {
    const relays = [...this.#relays.values()];
    this.#relays.clear();
    await Promise.all(relays.map((relay) => relay.stop()));
  }
}

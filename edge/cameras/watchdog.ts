// Keeps one camera's frames flowing. Each attempt opens a run (one ffmpeg
// process); a run that ends, fails to open, or delivers no frame for
// stallTimeoutMs (a stream can stall with its socket still open) is stopped and
// the next attempt follows after a delay that doubles up to maxRestartDelayMs.
// A camera that has delivered nothing for offlineAfterMs is reported offline
// once; its next frame reports it streaming again.
import type { Logger } from '../../common/log.ts';
import type { CameraFrame } from './frame.ts';
import type { FrameSourceHandlers, SourceExit } from './ffmpeg-source.ts';

export interface WatchdogSettings {
  /** No frame for this long (also right after a start) means the run has stalled. */
  stallTimeoutMs: number;
  /** Delivering nothing for this long makes the camera offline. */
  offlineAfterMs: number;
  /** Wait before the first restart; it doubles after each run that failed early. */
  restartDelayMs: number;
  maxRestartDelayMs: number;
  /** A run that streamed at least this long resets the restart delay. Default 10 s. */
  healthyRunMs?: number;
}

/** One attempt at the stream, usually an ffmpeg process. */
export interface FrameRun {
  readonly pid: number | undefined;
  start(): void;
  /** Resolves once the run has released its process. */
  stop(): Promise<void>;
}

/** Opens the next run; may look the stream up first (ONVIF). Rejects when it cannot. */
export type OpenRun = (handlers: FrameSourceHandlers) => Promise<FrameRun>;

export interface CameraHealthHandlers {
  onFrame(frame: CameraFrame): void;
  /** The camera has delivered nothing since downSince, for longer than offlineAfterMs. */
  onOffline(report: OfflineReport): void;
  /** Frames flow again (also after the first start); wasOffline says if onOffline came first. */
  onStreaming(report: { wasOffline: boolean; downForMs: number }): void;
}

export interface OfflineReport {
  downSince: number;
  reason: string;
  attempts: number;
}

export type CameraState = 'idle' | 'connecting' | 'streaming' | 'waiting' | 'stopped';

export interface CameraStatus {
  cameraId: string;
  state: CameraState;
  offline: boolean;
  /** Runs opened since start(). */
  attempts: number;
  framesDelivered: number;
  lastFrameAt: number | undefined;
  /** Why the last run ended. */
  lastFailure: string | undefined;
  /** The running ffmpeg, if any. */
  pid: number | undefined;
}

const defaultHealthyRunMs = 10_000;

export class CameraWatchdog {
  readonly cameraId: string;
  readonly #width: number;
  readonly #height: number;
  readonly #settings: Required<WatchdogSettings>;
  readonly #open: OpenRun;
  readonly #handlers: CameraHealthHandlers;
  readonly #log: Logger;

  #state: CameraState = 'idle';
  #run: FrameRun | undefined;
  /** The attempt the current run belongs to; late callbacks of older runs are ignored. */
  #attempt = 0;
  #opening: Promise<void> | undefined;
  /** Runs being stopped after a failure; stop() waits for them too. */
  #retiring = new Set<Promise<void>>();
  #stallTimer: NodeJS.Timeout | undefined;
  #restartTimer: NodeJS.Timeout | undefined;
  #offlineTimer: NodeJS.Timeout | undefined;
  #restartDelayMs: number;
  /** Since when nothing has arrived; undefined while streaming. */
  #downSince: number | undefined;
  #offline = false;
  #runStreamingSince: number | undefined;
  #lastFrameAt: number | undefined;
  #lastFailure: string | undefined;
  #sequence = 0;

  constructor(
    camera: { cameraId: string; width: number; height: number },
    settings: WatchdogSettings,
    open: OpenRun,
    handlers: CameraHealthHandlers,
    log: Logger,
  ) {
    this.cameraId = camera.cameraId;
    this.#width = camera.width;
    this.#height = camera.height;
    this.#settings = { ...settings, healthyRunMs: settings.healthyRunMs ?? defaultHealthyRunMs };
    this.#restartDelayMs = settings.restartDelayMs;
    this.#open = open;
    this.#handlers = handlers;
    this.#log = log;
  }

  start(): void {
    if (this.#state !== 'idle') throw new Error(`camera ${this.cameraId} was already started`);
    this.#markDown(Date.now());
    this.#launch();
  }

  async stop(): Promise<void> {
    this.#state = 'stopped';
    clearTimeout(this.#stallTimer);
    clearTimeout(this.#restartTimer);
    clearTimeout(this.#offlineTimer);
    await this.#opening;
    const run = this.#run;
    this.#run = undefined;
    await Promise.all([run?.stop(), ...this.#retiring]);
  }

  status(): CameraStatus {
    return {
      cameraId: this.cameraId,
      state: this.#state,
      offline: this.#offline,
      attempts: this.#attempt,
      framesDelivered: this.#sequence,
      lastFrameAt: this.#lastFrameAt,
      lastFailure: this.#lastFailure,
      pid: this.#run?.pid,
    };
  }

  #launch(): void {
    this.#state = 'connecting';
    const attempt = ++this.#attempt;
    this.#runStreamingSince = undefined;
    const handlers: FrameSourceHandlers = {
      onFrame: (data, capturedAt) => {
        if (attempt === this.#attempt) this.#onFrame(data, capturedAt);
      },
      onExit: (exit) => {
        if (attempt === this.#attempt) this.#onRunEnded(describeExit(exit));
      },
    };
    this.#opening = this.#openAndStart(attempt, handlers);
  }

  async #openAndStart(attempt: number, handlers: FrameSourceHandlers): Promise<void> {
    const current = (): boolean => this.#state !== 'stopped' && attempt === this.#attempt;
    let run: FrameRun;
    try {
      run = await this.#open(handlers);
    } catch (error) {
      if (current()) this.#onRunEnded(`cannot open the stream: ${(error as Error).message}`);
      return;
    }
    if (!current()) {
      await run.stop();
      return;
    }
    this.#run = run;
    try {
      run.start();
    } catch (error) {
      this.#onRunEnded(`cannot start the stream: ${(error as Error).message}`);
      return;
    }
    this.#stallTimer = setTimeout(() => this.#onStall(attempt), this.#settings.stallTimeoutMs);
  }

  #onFrame(data: Buffer, capturedAt: number): void {
    // A run that has failed may still flush a frame while it is being stopped.
    if (this.#state === 'stopped' || this.#state === 'waiting') return;
    this.#lastFrameAt = capturedAt;
    this.#stallTimer?.refresh();
    if (this.#state !== 'streaming') this.#markStreaming(capturedAt);
    this.#handlers.onFrame({
      cameraId: this.cameraId,
      sequence: this.#sequence++,
      width: this.#width,
      height: this.#height,
      data,
      capturedAt,
    });
  }

  #onStall(attempt: number): void {
    if (attempt !== this.#attempt || this.#state === 'stopped') return;
    const since = this.#lastFrameAt && this.#runStreamingSince ? 'the last frame' : 'the start';
    this.#onRunEnded(`no frame for ${this.#settings.stallTimeoutMs} ms since ${since}`);
  }

  /** The current run is over (ended, stalled or never opened): stop it, plan the next. */
  #onRunEnded(reason: string): void {
    if (this.#state === 'stopped' || this.#state === 'waiting') return;
    clearTimeout(this.#stallTimer);
    const now = Date.now();
    const streamedMs = this.#runStreamingSince === undefined ? 0 : now - this.#runStreamingSince;
    if (streamedMs >= this.#settings.healthyRunMs) {
      this.#restartDelayMs = this.#settings.restartDelayMs;
    }
    if (this.#state === 'streaming') this.#markDown(this.#lastFrameAt ?? now);
    this.#lastFailure = reason;
    this.#state = 'waiting';

    const delayMs = this.#restartDelayMs;
    this.#restartDelayMs = Math.min(delayMs * 2, this.#settings.maxRestartDelayMs);
    this.#log.warn(
      { camera: this.cameraId, reason, attempt: this.#attempt, restartInMs: delayMs },
      'camera stream failed; restarting',
    );

    const run = this.#run;
    this.#run = undefined;
    const stopped = (run ? run.stop() : Promise.resolve()).catch((error: unknown) => {
      this.#log.error({ camera: this.cameraId, err: error }, 'cannot stop the failed run');
    });
    this.#retiring.add(stopped);
    void stopped.finally(() => this.#retiring.delete(stopped));
    this.#restartTimer = setTimeout(() => {
      void stopped.then(() => {
        if (this.#state === 'waiting') this.#launch();
      });
    }, delayMs);
  }

  #markDown(since: number): void {
    this.#downSince = since;
    const dueInMs = Math.max(0, since + this.#settings.offlineAfterMs - Date.now());
    clearTimeout(this.#offlineTimer);
    this.#offlineTimer = setTimeout(() => this.#reportOffline(), dueInMs);
  }

  #reportOffline(): void {
    if (this.#state === 'stopped' || this.#downSince === undefined || this.#offline) return;
    this.#offline = true;
    const report: OfflineReport = {
      downSince: this.#downSince,
      reason: this.#lastFailure ?? 'no frame yet',
      attempts: this.#attempt,
    };
    this.#log.error(
      {
        camera: this.cameraId,
        downForMs: Date.now() - report.downSince,
        reason: report.reason,
        attempts: report.attempts,
      },
      'camera offline',
    );
    this.#handlers.onOffline(report);
  }

  #markStreaming(at: number): void {
    const wasOffline = this.#offline;
    const downForMs = this.#downSince === undefined ? 0 : at - this.#downSince;
    this.#state = 'streaming';
    this.#runStreamingSince = at;
    this.#downSince = undefined;
    this.#offline = false;
    clearTimeout(this.#offlineTimer);
    this.#log.info(
      { camera: this.cameraId, attempt: this.#attempt, downForMs, wasOffline },
      'camera streaming',
    );
    this.#handlers.onStreaming({ wasOffline, downForMs });
  }
}

function describeExit(exit: SourceExit): string {
  const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
  return `ffmpeg ended (${how}) after ${exit.framesDelivered} frames: ${exit.reason}`;
}

// One camera's live stream relayed to the browsers watching it. ffmpeg runs
// only while at least one viewer watches: the first viewer starts it, the
// last one leaving stops it (after a short linger, so switching views does
// not restart the camera). Two formats:
//   mp4    H.264 copied (no transcoding) into fragmented MP4 for Media Source
//          Extensions: cheap for the hub, full camera quality;
//   mpeg1  transcoded to MPEG-1 in MPEG-TS for the JSMpeg player, for browsers
//          or cameras MSE cannot play (H.265, no MSE).
// If ffmpeg dies while people watch (camera down), it is restarted with back-off.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from '../../common/log.ts';
import { redactUrlCredentials } from '../../edge/cameras/redact.ts';
import { Fmp4Splitter, type InitSegment } from './fmp4.ts';

export type VideoFormat = 'mp4' | 'mpeg1';

/** What the relay sends one viewer; the WebSocket route implements it. */
export interface Viewer {
  /** A JSON status line (mp4 viewers only; JSMpeg takes only stream bytes). */
  sendText(message: Record<string, unknown>): void;
  sendBytes(bytes: Buffer): void;
  /** Bytes queued for this viewer and not yet sent. */
  backlogBytes(): number;
  close(reason: string): void;
}

export interface RelayOptions {
  cameraId: string;
  rtspUrl: string;
  format: VideoFormat;
  ffmpegPath: string;
  /** How long the stream keeps running after the last viewer leaves. */
  lingerMs: number;
  /** A viewer this far behind skips fragments (mp4) or is dropped (mpeg1). */
  viewerBacklogLimitBytes: number;
  log: Logger;
}

const firstRestartMs = 1_000;
const longestRestartMs = 15_000;
const terminateGraceMs = 2_000;

export function ffmpegArguments(format: VideoFormat, rtspUrl: string): string[] {
  const input = [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-rtsp_transport',
    'tcp',
    // Probing half a second instead of ffmpeg's default 5 s brings the first
    // picture from ~3 s to ~0.8 s; the SDP and first keyframe are enough.
    '-analyzeduration',
    '500000',
    '-probesize',
    '65536',
    '-i',
    rtspUrl,
    '-map',
    '0:v:0',
    '-an',
  ];
  if (format === 'mp4') {
    return [
      ...input,
      '-c:v',
      'copy',
      '-f',
      'mp4',
      '-movflags',
      'frag_keyframe+empty_moov+default_base_moof',
      'pipe:1',
    ];
  }
  return [
    ...input,
    '-f',
    'mpegts',
    '-codec:v',
    'mpeg1video',
    // MPEG-1 allows only a few frame rates (24, 25, 30…); cameras often send 10 or 15.
    '-r',
    '25',
    '-b:v',
    '1500k',
    '-bf',
    '0',
    'pipe:1',
  ];
}

export class CameraRelay {
  readonly #viewers = new Set<Viewer>();
  #ffmpeg: ChildProcess | undefined;
  #init: InitSegment | undefined;
  /** The newest fragment, so a new viewer sees a picture without waiting a GOP. */
  #lastFragment: Buffer | undefined;
  #lingerTimer: ReturnType<typeof setTimeout> | undefined;
  #restartTimer: ReturnType<typeof setTimeout> | undefined;
  #restartMs = firstRestartMs;
  #stopped = false;
  startedAtMs: number | undefined;
  firstBytesAtMs: number | undefined;

  constructor(private readonly options: RelayOptions) {}

  get viewerCount(): number {
    return this.#viewers.size;
  }

  /** The running ffmpeg's pid, if one runs. */
  get pid(): number | undefined {
    return this.#ffmpeg?.pid;
  }

  add(viewer: Viewer): void {
    clearTimeout(this.#lingerTimer);
    this.#lingerTimer = undefined;
    this.#viewers.add(viewer);
    if (this.options.format === 'mp4' && this.#init) {
      viewer.sendText({ type: 'init', mimeType: this.#init.mimeType });
      viewer.sendBytes(this.#init.bytes);
      if (this.#lastFragment) viewer.sendBytes(this.#lastFragment);
    }
    if (!this.#ffmpeg && !this.#restartTimer) this.#start();
  }

  /** When the last viewer leaves, ffmpeg stops after the linger. */
  remove(viewer: Viewer): void {
    this.#viewers.delete(viewer);
    if (this.#viewers.size > 0 || this.#lingerTimer) return;
    this.#lingerTimer = setTimeout(() => {
      this.#lingerTimer = undefined;
      if (this.#viewers.size === 0) void this.#end('nobody watches');
    }, this.options.lingerMs);
  }

  /** Closes every viewer (telling them why) and stops ffmpeg for good. */
  async stop(why = 'the hub is stopping'): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#lingerTimer);
    for (const viewer of this.#viewers) viewer.close(why);
    this.#viewers.clear();
    await this.#end(why);
  }

  #start(): void {
    const { cameraId, rtspUrl, format, ffmpegPath, log } = this.options;
    this.#init = undefined;
    this.#lastFragment = undefined;
    this.startedAtMs = Date.now();
    this.firstBytesAtMs = undefined;
    const ffmpeg = spawn(ffmpegPath, ffmpegArguments(format, rtspUrl), {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#ffmpeg = ffmpeg;
    log.info({ camera: cameraId, format, pid: ffmpeg.pid }, 'camera stream started for viewers');

    let stderr = '';
    ffmpeg.stderr!.setEncoding('utf8').on('data', (text: string) => {
      stderr = (stderr + text).slice(-1000);
    });
    const splitter =
      format === 'mp4'
        ? new Fmp4Splitter({
            init: (segment) => this.#onInit(segment),
            fragment: (bytes) => this.#onFragment(bytes),
          })
        : undefined;
    ffmpeg.stdout!.on('data', (chunk: Buffer) => {
      this.firstBytesAtMs ??= Date.now();
      this.#restartMs = firstRestartMs;
      if (!splitter) return this.#broadcastStream(chunk);
      try {
        splitter.push(chunk);
      } catch (error) {
        log.error({ camera: cameraId, err: error }, 'camera stream unreadable; restarting');
        ffmpeg.kill('SIGKILL');
      }
    });
    ffmpeg.on('error', (error) => {
      log.error({ camera: cameraId, err: error }, 'cannot run ffmpeg for the camera stream');
    });
    ffmpeg.on('exit', (code, signal) => {
      if (this.#ffmpeg !== ffmpeg) return;
      this.#ffmpeg = undefined;
      if (this.#stopped || this.#viewers.size === 0) return;
      log.warn(
        {
          camera: cameraId,
          code,
          signal,
          stderr: redactUrlCredentials(stderr.trim()),
          retryInMs: this.#restartMs,
        },
        'camera stream ended while watched; restarting',
      );
      for (const viewer of this.#viewers) {
        if (format === 'mp4') viewer.sendText({ type: 'status', state: 'reconnecting' });
      }
      this.#restartTimer = setTimeout(() => {
        this.#restartTimer = undefined;
        if (!this.#stopped && this.#viewers.size > 0 && !this.#ffmpeg) this.#start();
      }, this.#restartMs);
      this.#restartMs = Math.min(this.#restartMs * 2, longestRestartMs);
    });
  }

  #onInit(segment: InitSegment): void {
    this.#init = segment;
    for (const viewer of this.#viewers) {
      viewer.sendText({ type: 'init', mimeType: segment.mimeType });
      viewer.sendBytes(segment.bytes);
    }
  }

  #onFragment(bytes: Buffer): void {
    this.#lastFragment = bytes;
    const limit = this.options.viewerBacklogLimitBytes;
    for (const viewer of this.#viewers) {
      // Every fragment starts at a keyframe, so a slow viewer can skip whole ones.
      if (viewer.backlogBytes() <= limit) viewer.sendBytes(bytes);
    }
  }

  #broadcastStream(chunk: Buffer): void {
    for (const viewer of this.#viewers) {
      // MPEG-TS cannot skip safely mid-stream; a viewer this far behind starts over.
      if (viewer.backlogBytes() > this.options.viewerBacklogLimitBytes) {
        viewer.close('too far behind');
        this.#viewers.delete(viewer);
        continue;
      }
      viewer.sendBytes(chunk);
    }
  }

  async #end(why: string): Promise<void> {
    clearTimeout(this.#restartTimer);
    this.#restartTimer = undefined;
    const ffmpeg = this.#ffmpeg;
    this.#ffmpeg = undefined;
    // A later viewer must not get pictures of a stream that has ended.
    this.#init = undefined;
    this.#lastFragment = undefined;
    if (!ffmpeg || ffmpeg.exitCode !== null || ffmpeg.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => ffmpeg.once('exit', () => resolve()));
    ffmpeg.kill('SIGTERM');
    const killTimer = setTimeout(() => ffmpeg.kill('SIGKILL'), terminateGraceMs);
    await exited;
    clearTimeout(killTimer);
    this.options.log.info(
      { camera: this.options.cameraId, format: this.options.format, pid: ffmpeg.pid, why },
      'camera stream stopped',
    );
  }
}

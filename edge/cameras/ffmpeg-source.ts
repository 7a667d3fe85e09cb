// One run of ffmpeg for one camera: it pulls the RTSP stream (or replays a
// local file), decodes it at a set rate and size, and writes raw RGB frames to
// its stdout, which are cut into frames here. It does not restart itself: the
// watchdog decides when a run has failed and starts the next one.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { Logger } from '../../common/log.ts';
import { frameBytes } from './frame.ts';
import { FrameCutter } from './frame-cutter.ts';
import { redactUrlCredentials } from './redact.ts';

/** Debian's ffmpeg. */
export const defaultFfmpegPath = '/usr/bin/ffmpeg';

export interface FrameSourceOptions {
  cameraId: string;
  /** An rtsp:// or rtsps:// URL, or the path of a local video file to replay in a loop. */
  source: string;
  width: number;
  height: number;
  framesPerSecond: number;
  /** ffmpeg gives up on an RTSP socket that stays silent this long. */
  socketTimeoutMs: number;
  ffmpegPath?: string;
}

export interface SourceExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines ffmpeg wrote to stderr (credentials removed), or the spawn error. */
  reason: string;
  framesDelivered: number;
}

export interface FrameSourceHandlers {
  onFrame(data: Buffer, capturedAt: number): void;
  onExit(exit: SourceExit): void;
}

/** How long stop() waits after SIGTERM before it sends SIGKILL. */
const terminateGraceMs = 2_000;
/** stderr lines kept for the exit reason. */
const keptStderrLines = 8;

export function isStreamUrl(source: string): boolean {
  return /^rtsps?:\/\//i.test(source);
}

export function ffmpegArguments(options: FrameSourceOptions): string[] {
  const { width, height, framesPerSecond } = options;
  const input = isStreamUrl(options.source)
    ? [
        // Shortcoming: RTSP over TCP only; a camera that offers RTP over UDP alone will not stream.
        '-rtsp_transport',
        'tcp',
        '-timeout',
        String(Math.round(options.socketTimeoutMs * 1000)),
        // Without probing, ffmpeg starts decoding at the first keyframe: the first
        // frame arrives in ~0.3-0.5 s instead of 1.3-3 s (see TOOLCHAIN.md §4).
        '-analyzeduration',
        '0',
        '-probesize',
        '32',
        '-fflags',
        'nobuffer',
        '-flags',
        'low_delay',
      ]
    : ['-re', '-stream_loop', '-1'];
  const fit =
    `fps=${framesPerSecond},` +
    `scale=${width}:${height}:force_original_aspect_ratio=decrease,` +
    `pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2`;
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    ...input,
    '-i',
    options.source,
    '-an',
    '-sn',
    '-dn',
    '-vf',
    fit,
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    'pipe:1',
  ];
}

export class FfmpegFrameSource {
  readonly #options: FrameSourceOptions;
  readonly #handlers: FrameSourceHandlers;
  readonly #log: Logger;
  #child: ChildProcessByStdio<null, Readable, Readable> | undefined;
  #exited: Promise<void> | undefined;
  #stderrTail: string[] = [];
  #framesDelivered = 0;

  constructor(options: FrameSourceOptions, handlers: FrameSourceHandlers, log: Logger) {
    this.#options = options;
    this.#handlers = handlers;
    this.#log = log;
  }

  /** The ffmpeg process id while it runs. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  start(): void {
    if (this.#child) throw new Error(`camera ${this.#options.cameraId}: ffmpeg already started`);
    const options = this.#options;
    const cutter = new FrameCutter(frameBytes(options.width, options.height));
    // Shortcoming: if Haven dies, ffmpeg ends only at its next write (EPIPE) or socket timeout.
    const child = spawn(options.ffmpegPath ?? defaultFfmpegPath, ffmpegArguments(options), {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;

    child.stdout.on('data', (chunk: Buffer) => {
      const capturedAt = Date.now();
      for (const frame of cutter.push(chunk)) {
        this.#framesDelivered++;
        this.#handlers.onFrame(frame, capturedAt);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => this.#keepStderr(text));
    // A broken pipe ends the run like any exit; it must not throw in the agent.
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('error', (error) => this.#keepStderr(`pipe error: ${error.message}`));
    }

    this.#exited = new Promise<void>((resolve) => {
      let spawnError: Error | undefined;
      let finished = false;
      const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (finished) return;
        finished = true;
        const reason = spawnError
          ? `cannot run ${options.ffmpegPath ?? defaultFfmpegPath}: ${spawnError.message}`
          : this.#stderrTail.join(' | ') || 'ffmpeg ended without a message';
        resolve();
        this.#handlers.onExit({ code, signal, reason, framesDelivered: this.#framesDelivered });
      };
      child.once('error', (error) => {
        spawnError = error;
        // A process that never started may emit no 'exit'.
        if (child.pid === undefined) finish(null, null);
      });
      // 'close' comes after the last stdout byte, so no frame follows onExit.
      child.once('close', (code, signal) => finish(code, signal));
    });
    this.#log.debug(
      {
        camera: options.cameraId,
        ffmpegPid: child.pid,
        source: redactUrlCredentials(options.source),
      },
      'ffmpeg started',
    );
  }

  /** Ends ffmpeg (SIGTERM, then SIGKILL) and resolves once the process is gone. */
  async stop(): Promise<void> {
    const child = this.#child;
    const exited = this.#exited;
    if (!child || !exited) return;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killTimer = setTimeout(() => child.kill('SIGKILL'), terminateGraceMs);
      await exited;
      clearTimeout(killTimer);
    } else {
      await exited;
    }
  }

  #keepStderr(text: string): void {
    for (const line of text.split('\n')) {
      const trimmed = line.trim();
      if (trimmed === '') continue;
      this.#stderrTail.push(redactUrlCredentials(trimmed).slice(0, 300));
      if (this.#stderrTail.length > keptStderrLines) this.#stderrTail.shift();
    }
  }
}

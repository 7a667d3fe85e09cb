// An RTSP camera on 127.0.0.1 that plays a real clip, for tests and the demo.
// Two processes, as with a real camera's encoder and its RTSP service:
//   ffmpeg  reads the clip in a loop at its own rate, encodes H.264 with a short
//           keyframe interval and sends RTP to a loopback UDP port;
//   python  GStreamer's RTSP server (camera_server.py) re-serves that feed to
//           every viewer over RTSP (TCP or UDP).
// The server can be paused (SIGSTOP: the stream stalls with its socket open),
// killed and started again on the same port, to exercise camera watchdogs.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const serverScript = fileURLToPath(new URL('./camera_server.py', import.meta.url));

export interface RtspCameraOptions {
  /** A video file ffmpeg can read (mp4, gif, ...). */
  clip: string;
  /** RTSP port; 0 (the default) picks a free one, kept across restartServer(). */
  port?: number;
  /** Stream path. Default "/camera". */
  mount?: string;
  /** Frames between keyframes; a viewer's first picture waits for one. Default 5. */
  keyframeIntervalFrames?: number;
  /** Debian's python, which has GStreamer's bindings (not pyenv's). */
  pythonPath?: string;
  ffmpegPath?: string;
}

/** How long stop() waits after SIGTERM before SIGKILL. */
const terminateGraceMs = 3_000;
const readyTimeoutMs = 15_000;

export class RtspCameraServer {
  readonly #options: Required<RtspCameraOptions>;
  #feedPort = 0;
  #port: number;
  #server: ChildProcess | undefined;
  #feeder: ChildProcess | undefined;
  #paused = false;

  constructor(options: RtspCameraOptions) {
    this.#options = {
      port: 0,
      mount: '/camera',
      keyframeIntervalFrames: 5,
      pythonPath: '/usr/bin/python3',
      ffmpegPath: '/usr/bin/ffmpeg',
      ...options,
    };
    this.#port = this.#options.port;
  }

  get url(): string {
    if (this.#port === 0) throw new Error('the RTSP camera has not started');
    return `rtsp://127.0.0.1:${this.#port}${this.#options.mount}`;
  }

  get serverPid(): number | undefined {
    return this.#server?.pid;
  }

  get feederPid(): number | undefined {
    return this.#feeder?.pid;
  }

  /** Starts the feed and the server; resolves with the stream's URL once it listens. */
  async start(): Promise<string> {
    this.#feedPort = await freeUdpPort();
    this.#startFeeder();
    await this.startServer();
    return this.url;
  }

  /** Starts (again) the RTSP server alone, on the port it had before. */
  async startServer(): Promise<void> {
    if (this.#server) throw new Error('the RTSP server is already running');
    const server = spawn(
      this.#options.pythonPath,
      [
        serverScript,
        '--feed-port',
        String(this.#feedPort),
        '--port',
        String(this.#port),
        '--mount',
        this.#options.mount,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.#server = server;
    this.#paused = false;
    try {
      this.#port = await readyPort(server);
    } catch (error) {
      await endProcess(server);
      this.#server = undefined;
      throw error;
    }
  }

  /** The server stops answering but keeps its sockets open (SIGSTOP). */
  pause(): void {
    this.#signalServer('SIGSTOP');
    this.#paused = true;
  }

  resume(): void {
    this.#signalServer('SIGCONT');
    this.#paused = false;
  }

  /** The server dies at once (SIGKILL), as a camera that loses power. */
  async killServer(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    const exited = once(server, 'exit');
    server.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (server && this.#paused) server.kill('SIGCONT');
    this.#server = undefined;
    const feeder = this.#feeder;
    this.#feeder = undefined;
    await Promise.all([server && endProcess(server), feeder && endProcess(feeder)]);
  }

  #startFeeder(): void {
    const { clip, keyframeIntervalFrames, ffmpegPath } = this.#options;
    this.#feeder = spawn(
      ffmpegPath,
      [
        '-hide_banner',
        '-nostdin',
        '-loglevel',
        'error',
        '-re',
        '-stream_loop',
        '-1',
        '-i',
        clip,
        '-an',
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-tune',
        'zerolatency',
        '-g',
        String(keyframeIntervalFrames),
        '-pix_fmt',
        'yuv420p',
        '-f',
        'rtp',
        `rtp://127.0.0.1:${this.#feedPort}?pkt_size=1200`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.#feeder.stderr?.resume();
    // Its failure shows as a server without pictures; the viewer's watchdog reports it.
    this.#feeder.on('error', () => undefined);
  }

  #signalServer(signal: NodeJS.Signals): void {
    if (!this.#server) throw new Error('the RTSP server is not running');
    this.#server.kill(signal);
  }
}

// Shortcoming: the port is free when picked, not reserved, until the server binds it.
async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** Waits for camera_server.py's "ready <port>" line. */
async function readyPort(server: ChildProcess): Promise<number> {
  let stderr = '';
  server.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr = (stderr + text).slice(-2000);
  });
  return new Promise<number>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(
      () => fail(`the RTSP server was not ready in ${readyTimeoutMs} ms`),
      readyTimeoutMs,
    );
    const fail = (why: string): void => {
      clearTimeout(timer);
      reject(new Error(`${why}; stderr: ${stderr.trim() || '(empty)'}`));
    };
    server.once('error', (error) => fail(`cannot run the RTSP server: ${error.message}`));
    server.once('exit', (code) => fail(`the RTSP server exited with code ${code}`));
    server.stdout?.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      const ready = /^ready (\d+)$/m.exec(stdout);
      if (!ready) return;
      clearTimeout(timer);
      server.stdout?.resume();
      resolve(Number(ready[1]));
    });
  });
}

async function endProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const killTimer = setTimeout(() => child.kill('SIGKILL'), terminateGraceMs);
  await exited;
  clearTimeout(killTimer);
}

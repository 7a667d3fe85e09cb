// A camera's live view through the hub: fragmented MP4 over the hub's
// authenticated WebSocket into Media Source Extensions (the camera's own H.264,
// no transcoding), or, when this browser cannot play that codec, MPEG-1 decoded
// by JSMpeg (loaded only then). The stream runs while this component is shown.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useDashboard } from '../context.ts';

export type PlayerState = 'connecting' | 'playing' | 'failed' | 'stopped';
type Format = 'mp4' | 'mpeg1';

/** How far behind live the picture may fall before it jumps forward. */
const maxLatencyS = 1.5;
/** Media kept behind the playhead; older is removed so memory stays flat. */
const keepBehindS = 20;

function videoUrl(cameraId: string, format: Format): string {
  const url = new URL(`/api/video/${encodeURIComponent(cameraId)}`, location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('format', format);
  return url.href;
}

/** Plays fMP4 segments from the socket; returns a function that stops it. */
function playMp4(
  video: HTMLVideoElement,
  cameraId: string,
  onState: (state: PlayerState) => void,
  onUnsupported: () => void,
): () => void {
  let stopped = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let socket: WebSocket | undefined;
  let mediaSource: MediaSource | undefined;
  let buffer: SourceBuffer | undefined;
  const queue: ArrayBuffer[] = [];

  const pump = (): void => {
    if (!buffer || buffer.updating || queue.length === 0) return;
    const { buffered } = buffer;
    if (buffered.length > 0 && video.currentTime - buffered.start(0) > keepBehindS * 2) {
      buffer.remove(buffered.start(0), video.currentTime - keepBehindS);
      return;
    }
    buffer.appendBuffer(queue.shift()!);
  };

  const onUpdateEnd = (): void => {
    const { buffered } = video;
    if (buffered.length > 0) {
      const start = buffered.start(0);
      const end = buffered.end(buffered.length - 1);
      // A viewer joining mid-stream starts where the media starts; a viewer
      // that fell behind (a busy tab) jumps back to live.
      if (video.currentTime < start || end - video.currentTime > maxLatencyS) {
        video.currentTime = Math.max(start, end - 0.3);
      }
      if (video.paused) void video.play().catch(() => undefined);
    }
    pump();
  };

  const startMedia = (mimeType: string): void => {
    if (!MediaSource.isTypeSupported(mimeType)) {
      onUnsupported();
      return;
    }
    queue.length = 0;
    mediaSource = new MediaSource();
    buffer = undefined;
    const source = mediaSource;
    video.src = URL.createObjectURL(source);
    source.addEventListener('sourceopen', () => {
      URL.revokeObjectURL(video.src);
      buffer = source.addSourceBuffer(mimeType);
      buffer.mode = 'segments';
      buffer.addEventListener('updateend', onUpdateEnd);
      pump();
    });
  };

  const connect = (): void => {
    onState('connecting');
    const ws = new WebSocket(videoUrl(cameraId, 'mp4'));
    socket = ws;
    ws.binaryType = 'arraybuffer';
    ws.onmessage = (message: MessageEvent<string | ArrayBuffer>) => {
      if (typeof message.data === 'string') {
        const status = JSON.parse(message.data) as { type: string; mimeType?: string };
        if (status.type === 'init' && status.mimeType) startMedia(status.mimeType);
        else if (status.type === 'status') onState('connecting');
        return;
      }
      queue.push(message.data);
      pump();
    };
    ws.onclose = () => {
      if (stopped || socket !== ws) return;
      onState('failed');
      retryTimer = setTimeout(connect, 3_000);
    };
  };

  const onPlaying = (): void => onState('playing');
  video.addEventListener('playing', onPlaying);
  connect();

  return () => {
    stopped = true;
    clearTimeout(retryTimer);
    socket?.close();
    video.removeEventListener('playing', onPlaying);
    if (mediaSource?.readyState === 'open') mediaSource.endOfStream();
    video.removeAttribute('src');
    video.load();
    onState('stopped');
  };
}

/** Plays MPEG-1 through JSMpeg on a canvas; returns a function that stops it. */
function playMpeg1(
  canvas: HTMLCanvasElement,
  cameraId: string,
  onState: (state: PlayerState) => void,
): () => void {
  let player: { destroy(): void } | undefined;
  let stopped = false;
  onState('connecting');
  void import('@cycjimmy/jsmpeg-player').then(({ default: JSMpeg }) => {
    if (stopped) return;
    player = new JSMpeg.Player(videoUrl(cameraId, 'mpeg1'), {
      canvas,
      audio: false,
      disableGl: true,
      reconnectInterval: 3,
      onVideoDecode: () => onState('playing'),
    }) as { destroy(): void };
  });
  return () => {
    stopped = true;
    player?.destroy();
    onState('stopped');
  };
}

export function VideoPlayer(props: {
  cameraId: string;
  name: string;
  /** Force the MPEG-1 fallback (for a browser without MSE, or to test it). */
  fallback?: boolean;
}): preact.JSX.Element {
  const { t } = useDashboard();
  const videoRef = useRef<HTMLVideoElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [state, setState] = useState<PlayerState>('connecting');
  const [format, setFormat] = useState<Format>(
    props.fallback || typeof MediaSource === 'undefined' ? 'mpeg1' : 'mp4',
  );

  useEffect(() => {
    if (format === 'mp4' && videoRef.current) {
      return playMp4(videoRef.current, props.cameraId, setState, () => setFormat('mpeg1'));
    }
    if (format === 'mpeg1' && canvasRef.current) {
      return playMpeg1(canvasRef.current, props.cameraId, setState);
    }
    return undefined;
  }, [props.cameraId, format]);

  const stateLabel = {
    connecting: t.video.connecting,
    playing: t.video.playing,
    failed: t.video.failed,
    stopped: t.video.stopped,
  }[state];
  return (
    <figure class="player" data-camera={props.cameraId} data-state={state} data-format={format}>
      {format === 'mp4' ? (
        <video ref={videoRef} muted playsInline autoPlay aria-label={props.name} />
      ) : (
        <canvas ref={canvasRef} aria-label={props.name} />
      )}
      <figcaption>
        <span class="name">{props.name}</span>
        <span class="live-state" data-state={state}>
          {stateLabel}
          {format === 'mpeg1' && ` · ${t.video.fallback}`}
        </span>
      </figcaption>
    </figure>
  );
}

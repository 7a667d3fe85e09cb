// Live video: a grid of the registered cameras. A camera streams only while
// its tile plays; one camera can be opened large (#/video/<id>).
import { useState } from 'preact/hooks';
import { VideoPlayer } from '../components/video-player.tsx';
import { useDashboard } from '../context.ts';
import { useOptional } from '../hooks.ts';
import type { Camera } from '../types.ts';
import { EmptyState } from './empty.tsx';

export function VideoView(props: {
  cameraId: string | undefined;
  /** Use the MPEG-1 fallback player (#/video?mpeg1). */
  fallback: boolean;
}): preact.JSX.Element {
  const { t } = useDashboard();
  const cameras = useOptional<Camera[]>('/api/cameras');
  // Which tiles play: all of them up to a limit, so a big site does not start every camera.
  const [playing, setPlaying] = useState<Set<string> | undefined>();
  const { fallback } = props;

  if (cameras.status !== 'ready' || cameras.value.length === 0) {
    return (
      <section class="video-view">
        <h2>{t.video.title}</h2>
        <EmptyState loaded={cameras} empty={t.video.empty} />
      </section>
    );
  }
  const single = props.cameraId;
  const shown = single ? cameras.value.filter((camera) => camera.id === single) : cameras.value;
  const active = playing ?? new Set(shown.slice(0, 9).map((camera) => camera.id));
  const toggle = (id: string): void => {
    const next = new Set(active);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setPlaying(next);
  };
  return (
    <section class="video-view">
      <h2>{t.video.title}</h2>
      <div class={single ? 'camera-grid single' : 'camera-grid'}>
        {shown.map((camera) => (
          <div class="camera-tile" key={camera.id} data-camera={camera.id}>
            {active.has(camera.id) ? (
              <VideoPlayer cameraId={camera.id} name={camera.name} fallback={fallback} />
            ) : (
              <div class="player idle">
                <span class="name">{camera.name}</span>
              </div>
            )}
            <div class="tile-actions">
              <button type="button" class="quiet" onClick={() => toggle(camera.id)}>
                {active.has(camera.id) ? t.video.closeView : t.video.open}
              </button>
              {!single && (
                <a class="quiet" href={`#/video/${encodeURIComponent(camera.id)}`}>
                  ⤢
                </a>
              )}
            </div>
          </div>
        ))}
      </div>
    </section>
  );
}

// Administration the police room changes often: the community floor plan and
// what is placed on it, and the cameras the hub relays. The rest stays in the API.
import { useState } from 'preact/hooks';
import { request } from '../api.ts';
import { useDashboard } from '../context.ts';
import { useOptional } from '../hooks.ts';
import type { Camera } from '../types.ts';
import { FloorPlan, type MapData } from './map.tsx';

const itemKinds = ['building', 'grid', 'camera', 'gate', 'checkpoint'] as const;

async function send(path: string, method: string, body?: BodyInit, type?: string): Promise<void> {
  const response = await request(path, {
    method,
    ...(body !== undefined && { body }),
    ...(type && { headers: { 'content-type': type } }),
  });
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as { message?: string };
    throw new Error(problem.message ?? String(response.status));
  }
}

function MapAdmin(): preact.JSX.Element {
  const { t } = useDashboard();
  const [version, setVersion] = useState(0);
  const [message, setMessage] = useState('');
  const [placing, setPlacing] = useState({ kind: 'building', refId: '', label: '' });
  const map = useOptional<MapData>(`/api/map?v=${version}`);
  const reload = (): void => setVersion((value) => value + 1);
  const report = (done: Promise<void>): void =>
    void done.then(
      () => {
        setMessage(t.admin.saved);
        reload();
      },
      (error: Error) => setMessage(`${t.admin.failed}: ${error.message}`),
    );

  return (
    <section class="admin-map">
      <h3>{t.admin.floorPlan}</h3>
      <label class="upload">
        <span>{t.admin.upload}</span>
        <input
          type="file"
          name="floor-plan"
          accept="image/png,image/jpeg,image/webp"
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            if (file) report(send('/api/map/floor-plan', 'PUT', file, file.type));
          }}
        />
      </label>
      <p class="muted">{t.admin.placeHint}</p>
      <div class="place-form">
        <select
          name="kind"
          value={placing.kind}
          onChange={(event) => setPlacing({ ...placing, kind: event.currentTarget.value })}
        >
          {itemKinds.map((kind) => (
            <option key={kind} value={kind}>
              {t.admin.itemKinds[kind]}
            </option>
          ))}
        </select>
        <input
          name="refId"
          placeholder={t.admin.ref}
          value={placing.refId}
          onInput={(event) => setPlacing({ ...placing, refId: event.currentTarget.value })}
        />
        <input
          name="label"
          placeholder={t.admin.label}
          value={placing.label}
          onInput={(event) => setPlacing({ ...placing, label: event.currentTarget.value })}
        />
      </div>
      {map.status === 'ready' && (
        <>
          <FloorPlan
            data={map.value}
            onPlace={(x, y) => {
              if (!placing.refId || !placing.label) return;
              const id = `${placing.kind}-${placing.refId}`.replace(/[^A-Za-z0-9_.:-]/g, '_');
              report(send(`/api/map/items/${id}`, 'PUT', JSON.stringify({ ...placing, x, y })));
            }}
          />
          <ul class="placed">
            {map.value.items.map((item) => (
              <li key={item.id}>
                {t.admin.itemKinds[item.kind] ?? item.kind} · {item.label} ({item.refId})
                <button
                  type="button"
                  class="quiet"
                  onClick={() => report(send(`/api/map/items/${item.id}`, 'DELETE'))}
                >
                  {t.admin.remove}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      <p class="muted" role="status">
        {message}
      </p>
    </section>
  );
}

function CameraAdmin(): preact.JSX.Element {
  const { t } = useDashboard();
  const [version, setVersion] = useState(0);
  const [message, setMessage] = useState('');
  const cameras = useOptional<Camera[]>(`/api/cameras?v=${version}`);

  async function save(event: Event): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const id = String(form.get('id'));
    try {
      await send(
        `/api/cameras/${encodeURIComponent(id)}`,
        'PUT',
        JSON.stringify({
          name: form.get('name'),
          site: form.get('site'),
          rtspUrl: form.get('rtspUrl'),
          placeId: String(form.get('placeId') ?? '') || null,
        }),
      );
      setMessage(t.admin.saved);
      setVersion((value) => value + 1);
    } catch (error) {
      setMessage(`${t.admin.failed}: ${(error as Error).message}`);
    }
  }

  return (
    <section class="admin-cameras">
      <h3>{t.admin.cameras}</h3>
      <form class="camera-form" onSubmit={(event) => void save(event)}>
        <input name="id" required placeholder={t.admin.cameraId} pattern="[A-Za-z0-9_.\-]{1,64}" />
        <input name="name" required placeholder={t.admin.cameraName} />
        <input name="site" required placeholder={t.admin.site} />
        <input name="rtspUrl" required placeholder="rtsp://…" pattern="rtsps?://.+" />
        <input name="placeId" placeholder="placeId" />
        <button type="submit" class="primary">
          {t.admin.addCamera}
        </button>
      </form>
      <ul class="placed">
        {cameras.status === 'ready' &&
          cameras.value.map((camera) => (
            <li key={camera.id}>
              {camera.name} ({camera.id}, {camera.site})
              <button
                type="button"
                class="quiet"
                onClick={() =>
                  void send(`/api/cameras/${encodeURIComponent(camera.id)}`, 'DELETE').then(
                    () => setVersion((value) => value + 1),
                    (error: Error) => setMessage(`${t.admin.failed}: ${error.message}`),
                  )
                }
              >
                {t.admin.remove}
              </button>
            </li>
          ))}
      </ul>
      <p class="muted" role="status">
        {message}
      </p>
    </section>
  );
}

export function AdminView(): preact.JSX.Element {
  const { t, me } = useDashboard();
  if (me.role !== 'admin') return <p class="empty-note">{t.forbidden}</p>;
  return (
    <section class="admin-view">
      <h2>{t.admin.title}</h2>
      <div class="admin-grid">
        <MapAdmin />
        <CameraAdmin />
      </div>
    </section>
  );
}

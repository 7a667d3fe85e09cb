// Administration the police room changes often: the community floor plan and
// what is placed on it, residents and their bands, enrolment photos for the face
// gates, and the cameras the hub relays. The rest stays in the API.
import { useState } from 'preact/hooks';
import { request } from '../api.ts';
import { useDashboard } from '../context.ts';
import { useOptional } from '../hooks.ts';
import type { Camera } from '../types.ts';
import { FloorPlan, type MapData } from './map.tsx';
import { PatrolAdmin } from './patrol-admin.tsx';

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

/** Residents and their wristbands: what the police room changes most often. */
function ResidentAdmin(): preact.JSX.Element {
  const { t, registry, reloadRegistry } = useDashboard();
  const [message, setMessage] = useState('');
  const residents = [...registry.residents.values()];
  const bandOf = (residentId: string): string[] =>
    [...registry.bindings.values()]
      .filter((binding) => binding.deviceKind === 'band' && binding.residentId === residentId)
      .map((binding) => binding.deviceId);

  async function run(event: Event, change: (form: FormData) => Promise<void>): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    try {
      await change(new FormData(form));
      await reloadRegistry();
      form.reset();
      setMessage(t.admin.saved);
    } catch (error) {
      setMessage(`${t.admin.failed}: ${(error as Error).message}`);
    }
  }

  return (
    <section class="admin-residents">
      <h3>{t.admin.residents}</h3>
      <form
        class="resident-form"
        onSubmit={(event) =>
          void run(event, async (form) => {
            const householdId = String(form.get('householdId') ?? '');
            const birthYear = String(form.get('birthYear') ?? '');
            await send(
              '/api/registry/residents',
              'POST',
              JSON.stringify({
                name: form.get('name'),
                householdId: householdId || null,
                birthYear: birthYear ? Number(birthYear) : null,
                livesAlone: form.get('livesAlone') === 'on',
              }),
            );
          })
        }
      >
        <input name="name" required maxLength={64} placeholder={t.admin.residentName} />
        <input
          name="birthYear"
          type="number"
          min={1890}
          max={2100}
          placeholder={t.admin.birthYear}
        />
        <select name="householdId">
          <option value="">{t.admin.noHousehold}</option>
          {[...registry.households.values()].map((household) => (
            <option key={household.id} value={household.id}>
              {household.name ?? household.id} · {registry.placeName(household.placeId)}
            </option>
          ))}
        </select>
        <label>
          <input name="livesAlone" type="checkbox" /> {t.admin.livesAlone}
        </label>
        <button type="submit" class="primary">
          {t.admin.addResident}
        </button>
      </form>
      <form
        class="band-form"
        onSubmit={(event) =>
          void run(event, async (form) => {
            const bandId = encodeURIComponent(String(form.get('bandId')));
            await send(
              `/api/registry/device-bindings/band/${bandId}`,
              'PUT',
              JSON.stringify({ residentId: form.get('residentId'), placeId: null }),
            );
          })
        }
      >
        <input name="bandId" required maxLength={128} placeholder={t.admin.bandId} />
        <select name="residentId" required>
          {residents.map((resident) => (
            <option key={resident.id} value={resident.id}>
              {resident.name}
            </option>
          ))}
        </select>
        <button type="submit" class="primary">
          {t.admin.bindBand}
        </button>
      </form>
      <table class="table residents">
        <tbody>
          {residents.map((resident) => (
            <tr key={resident.id} data-resident={resident.id}>
              <td>
                <strong>{resident.name}</strong> <span class="muted">{resident.id}</span>
              </td>
              <td>{resident.birthYear ?? '—'}</td>
              <td>{resident.livesAlone ? t.admin.livesAlone : ''}</td>
              <td class="bands">{bandOf(resident.id).join('、')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted" role="status">
        {message}
      </p>
    </section>
  );
}

interface PhotoResult {
  index: number;
  name?: string;
  accepted: boolean;
  reason?: string;
  message?: string;
}

async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let start = 0; start < bytes.length; start += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(start, start + 0x8000));
  }
  return btoa(binary);
}

/** Enrolment photos for face recognition at the gates; only with recorded consent. */
function EnrolmentAdmin(): preact.JSX.Element {
  const { t, registry } = useDashboard();
  const [message, setMessage] = useState('');
  const [results, setResults] = useState<PhotoResult[]>([]);
  const residents = [...registry.residents.values()];

  async function enrol(event: Event): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const residentId = String(form.get('residentId'));
    const resident = registry.residents.get(residentId);
    const files = form.getAll('photos').filter((file): file is File => file instanceof File);
    setResults([]);
    try {
      const id = encodeURIComponent(residentId);
      // The consent the resident gave is recorded in the registry first: the
      // gallery enrols no one whose registry entry says no.
      const current = await request(`/api/registry/residents/${id}`);
      const registered = (await current.json()) as { consent?: Record<string, boolean> };
      await send(
        `/api/registry/residents/${id}/consent`,
        'PUT',
        JSON.stringify({ ...registered.consent, face: true }),
        'application/json',
      );
      await send(
        `/api/faces/residents/${id}`,
        'PUT',
        JSON.stringify({
          site: String(form.get('site')),
          name: resident?.name ?? residentId,
          consent: form.get('consent') === 'on',
        }),
        'application/json',
      );
      const photos = await Promise.all(
        files.map(async (file) => ({ name: file.name, data: await base64Of(file) })),
      );
      const response = await request(`/api/faces/residents/${id}/photos`, {
        method: 'POST',
        body: JSON.stringify({ photos }),
        headers: { 'content-type': 'application/json' },
      });
      const reply = (await response.json()) as { photos?: PhotoResult[]; message?: string };
      setResults(reply.photos ?? []);
      setMessage(response.ok ? t.admin.saved : `${t.admin.failed}: ${reply.message ?? ''}`);
    } catch (error) {
      setMessage(`${t.admin.failed}: ${(error as Error).message}`);
    }
  }

  return (
    <section class="admin-enrolment">
      <h3>{t.admin.enrolment}</h3>
      <form class="enrolment-form" onSubmit={(event) => void enrol(event)}>
        <select name="residentId" required>
          {residents.map((resident) => (
            <option key={resident.id} value={resident.id}>
              {resident.name}
            </option>
          ))}
        </select>
        <input name="site" required pattern="[A-Za-z0-9_-]{1,64}" placeholder={t.admin.site} />
        <input
          name="photos"
          type="file"
          accept="image/jpeg,image/png,image/webp"
          multiple
          required
        />
        <label>
          <input name="consent" type="checkbox" required /> {t.admin.faceConsent}
        </label>
        <button type="submit" class="primary">
          {t.admin.enrol}
        </button>
      </form>
      <ul class="photo-results">
        {results.map((result) => (
          <li key={result.index} data-accepted={String(result.accepted)}>
            {result.name ?? result.index}:{' '}
            {result.accepted ? t.admin.photoAccepted : result.message}
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
        <div>
          <ResidentAdmin />
          <EnrolmentAdmin />
          <PatrolAdmin />
          <CameraAdmin />
        </div>
      </div>
    </section>
  );
}

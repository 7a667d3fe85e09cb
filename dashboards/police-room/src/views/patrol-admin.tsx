// Patrol plans as administrators change them: checkpoints, the route that
// links them with walking times, the schedule of rounds and the guard on it.
import { useState } from 'preact/hooks';
import { request } from '../api.ts';
import { useDashboard } from '../context.ts';
import { useOptional } from '../hooks.ts';

interface Checkpoint {
  id: string;
  site: string;
  name: string;
  tagId: string;
}

interface Schedule {
  id: string;
  routeId: string;
  name: string;
  firstRound: string;
  until: string;
  everyMinutes: number;
}

async function put(path: string, body: unknown): Promise<void> {
  const response = await request(path, {
    method: 'PUT',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as { message?: string };
    throw new Error(problem.message ?? String(response.status));
  }
}

/** "cp-1, cp-2 300, cp-3 240": each stop with the walk in seconds from the one before. */
function parseStops(text: string): { checkpointId: string; walkSeconds: number }[] {
  return text
    .split(/[,，\n]/)
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part, index) => {
      const [checkpointId = '', walk = '0'] = part.split(/\s+/);
      return { checkpointId, walkSeconds: index === 0 ? 0 : Number(walk) };
    });
}

export function PatrolAdmin(): preact.JSX.Element {
  const { t } = useDashboard();
  const [version, setVersion] = useState(0);
  const [message, setMessage] = useState('');
  const words = t.patrolAdmin;

  async function save(event: Event, change: (form: FormData) => Promise<void>): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    try {
      await change(new FormData(form));
      form.reset();
      setVersion((current) => current + 1);
      setMessage(t.admin.saved);
    } catch (error) {
      setMessage(`${t.admin.failed}: ${(error as Error).message}`);
    }
  }
  const text = (form: FormData, name: string): string => String(form.get(name) ?? '').trim();

  return (
    <section class="admin-patrol">
      <h3>{words.title}</h3>
      <form
        class="checkpoint-form"
        onSubmit={(event) =>
          void save(event, (form) =>
            put(`/api/patrol/checkpoints/${encodeURIComponent(text(form, 'id'))}`, {
              site: text(form, 'site'),
              name: text(form, 'name'),
              tagId: text(form, 'tagId'),
              location: { xM: Number(text(form, 'xM') || 0), yM: Number(text(form, 'yM') || 0) },
            }),
          )
        }
      >
        <input name="id" required placeholder={words.checkpointId} />
        <input name="name" required placeholder={words.checkpointName} />
        <input name="tagId" required placeholder={words.tagId} />
        <input name="site" required placeholder={t.admin.site} />
        <input name="xM" type="number" step="any" placeholder={words.east} />
        <input name="yM" type="number" step="any" placeholder={words.north} />
        <button type="submit" class="primary">
          {words.saveCheckpoint}
        </button>
      </form>
      <form
        class="route-form"
        onSubmit={(event) =>
          void save(event, (form) =>
            put(`/api/patrol/routes/${encodeURIComponent(text(form, 'id'))}`, {
              site: text(form, 'site'),
              name: text(form, 'name'),
              ordered: form.get('ordered') === 'on',
              stops: parseStops(text(form, 'stops')),
            }),
          )
        }
      >
        <input name="id" required placeholder={words.routeId} />
        <input name="name" required placeholder={words.routeName} />
        <input name="site" required placeholder={t.admin.site} />
        <input name="stops" required placeholder={words.stops} />
        <label>
          <input name="ordered" type="checkbox" /> {words.ordered}
        </label>
        <button type="submit" class="primary">
          {words.saveRoute}
        </button>
      </form>
      <form
        class="schedule-form"
        onSubmit={(event) =>
          void save(event, async (form) => {
            const id = encodeURIComponent(text(form, 'id'));
            await put(`/api/patrol/schedules/${id}`, {
              routeId: text(form, 'routeId'),
              name: text(form, 'name'),
              firstRound: text(form, 'firstRound'),
              until: text(form, 'until'),
              everyMinutes: Number(text(form, 'everyMinutes')),
              toleranceMinutes: Number(text(form, 'toleranceMinutes') || 10),
            });
            const guard = text(form, 'guard');
            if (guard) {
              await put(`/api/patrol/assignments/${id}-${encodeURIComponent(guard)}`, {
                scheduleId: text(form, 'id'),
                guard,
              });
            }
          })
        }
      >
        <input name="id" required placeholder={words.scheduleId} />
        <input name="name" required placeholder={words.scheduleName} />
        <input name="routeId" required placeholder={words.routeId} />
        <input name="firstRound" required pattern="[0-2][0-9]:[0-5][0-9]" placeholder="22:00" />
        <input name="until" required pattern="[0-2][0-9]:[0-5][0-9]" placeholder="06:00" />
        <input name="everyMinutes" type="number" min={10} required placeholder={words.every} />
        <input name="toleranceMinutes" type="number" min={1} placeholder={words.tolerance} />
        <input name="guard" placeholder={words.guard} />
        <button type="submit" class="primary">
          {words.saveSchedule}
        </button>
      </form>
      <PatrolPlanTables key={version} />
      <p class="muted" role="status">
        {message}
      </p>
    </section>
  );
}

/** Re-mounted (by key) after every save, so it loads the plans again. */
function PatrolPlanTables(): preact.JSX.Element {
  const loadedCheckpoints = useOptional<Checkpoint[]>('/api/patrol/checkpoints');
  const loadedSchedules = useOptional<Schedule[]>('/api/patrol/schedules');
  const checkpoints = loadedCheckpoints.status === 'ready' ? loadedCheckpoints.value : [];
  const schedules = loadedSchedules.status === 'ready' ? loadedSchedules.value : [];
  return (
    <>
      <table class="table checkpoints">
        <tbody>
          {checkpoints.map((checkpoint) => (
            <tr key={checkpoint.id} data-checkpoint={checkpoint.id}>
              <td>
                <strong>{checkpoint.name}</strong> <span class="muted">{checkpoint.id}</span>
              </td>
              <td>{checkpoint.tagId}</td>
              <td>{checkpoint.site}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table class="table schedules">
        <tbody>
          {schedules.map((schedule) => (
            <tr key={schedule.id} data-schedule={schedule.id}>
              <td>
                <strong>{schedule.name}</strong> <span class="muted">{schedule.routeId}</span>
              </td>
              <td>
                {schedule.firstRound}–{schedule.until} / {schedule.everyMinutes} min
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

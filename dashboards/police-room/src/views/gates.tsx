// The face-gate log (issue 4's access API): who came through which gate, with
// the gate's snapshot thumbnail; strangers and watch-list hits stand out.
import { useDashboard } from '../context.ts';
import { useOptional } from '../hooks.ts';
import { formatDateTime } from '../time.ts';
import type { AccessEntry } from '../types.ts';
import { EmptyState } from './empty.tsx';

export function GatesView(): preact.JSX.Element {
  const { t } = useDashboard();
  const events = useOptional<AccessEntry[]>('/api/access?limit=100', 10_000);
  const rows = events.status === 'ready' ? events.value : [];
  return (
    <section class="gates-view">
      <h2>{t.gates.title}</h2>
      {rows.length === 0 ? (
        <EmptyState loaded={events} empty={t.gates.empty} />
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th />
              <th>{t.gates.time}</th>
              <th>{t.gates.gate}</th>
              <th>{t.gates.person}</th>
              <th>{t.gates.score}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((event) => (
              <tr key={event.key} data-decision={event.decision} data-watch={event.watchList}>
                <td class="thumb">
                  <img
                    loading="lazy"
                    alt=""
                    src={`/api/access/${encodeURIComponent(event.key)}/thumbnail`}
                    onError={(error) => (error.currentTarget.style.visibility = 'hidden')}
                  />
                </td>
                <td>{formatDateTime(event.at)}</td>
                <td>{event.gateId}</td>
                <td>
                  <span class="decision">
                    {t.gates.decisions[event.decision] ?? event.decision}
                  </span>{' '}
                  {event.residentName ?? ''}
                  {event.watchList && <span class="badge critical">{t.gates.watchList}</span>}
                </td>
                <td>{event.score === null ? '—' : event.score.toFixed(2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

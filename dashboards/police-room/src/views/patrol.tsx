// The patrol board (issue 5's rounds API): today's rounds, who walks them,
// which checkpoints were scanned, late or missed.
import { useDashboard } from '../context.ts';
import { useOptional } from '../hooks.ts';
import { formatClock } from '../time.ts';
import { EmptyState } from './empty.tsx';

interface RoundStop {
  checkpointId: string;
  name: string;
  status: string;
  scannedAt: string | null;
}
interface Round {
  id: string;
  routeName: string;
  scheduleName: string;
  plannedStart: string;
  guards: string[];
  state: string;
  stops: RoundStop[];
}

export function PatrolView(): preact.JSX.Element {
  const { t } = useDashboard();
  const rounds = useOptional<Round[]>('/api/patrol/rounds', 30_000);
  const rows = rounds.status === 'ready' ? rounds.value : [];
  return (
    <section class="patrol-view">
      <h2>{t.patrol.title}</h2>
      {rows.length === 0 ? (
        <EmptyState loaded={rounds} empty={t.patrol.empty} />
      ) : (
        <ul class="rounds">
          {rows.map((round) => {
            const missed = round.stops.filter((stop) => stop.status === 'missed').length;
            return (
              <li key={round.id} class="round" data-state={round.state}>
                <div class="round-head">
                  <strong>{round.routeName}</strong>
                  <span class="muted">
                    {t.patrol.planned} {formatClock(round.plannedStart)} ·{' '}
                    {round.guards.join('、') || '—'}
                  </span>
                  <span class="badge">{t.patrol.states[round.state] ?? round.state}</span>
                  {missed > 0 && (
                    <span class="badge critical">
                      {t.patrol.missed} {missed}
                    </span>
                  )}
                </div>
                <ol class="stops">
                  {round.stops.map((stop) => (
                    <li key={stop.checkpointId} data-status={stop.status} title={stop.status}>
                      {stop.name}
                      {stop.scannedAt && <time> {formatClock(stop.scannedAt)}</time>}
                    </li>
                  ))}
                </ol>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

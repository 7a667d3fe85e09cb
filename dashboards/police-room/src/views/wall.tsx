// The alert wall: every open alert, most severe first and, within a severity,
// the one waiting longest first; filters by type, grid and state. Quiet when
// nothing is open, unmissable when a critical alert waits.
import { useState } from 'preact/hooks';
import { useDashboard } from '../context.ts';
import { useNow, useOptional } from '../hooks.ts';
import { typeLabel } from '../i18n.ts';
import { go } from '../route.ts';
import { formatAge, formatDateTime } from '../time.ts';
import type { Alert, AlertState, Severity } from '../types.ts';
import { AlertActions } from './alert-actions.tsx';
import { subjectName, whereName } from './subject.ts';

const severityRank: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };
const stateRank: Record<AlertState, number> = {
  new: 0,
  acknowledged: 1,
  dispatched: 2,
  resolved: 3,
};

export function wallOrder(a: Alert, b: Alert): number {
  return (
    severityRank[a.severity] - severityRank[b.severity] ||
    stateRank[a.state] - stateRank[b.state] ||
    a.raisedAt.localeCompare(b.raisedAt)
  );
}

type StateFilter = 'open' | AlertState;

interface EscalationSummary {
  escalation: { tier: number; phase: string } | null;
  deliveries: { status: string }[];
}

/** How far an open alert's escalation went and how many were told (issue 6's API). */
function EscalationBadge(props: { alertId: string }): preact.JSX.Element | null {
  const { t } = useDashboard();
  const told = useOptional<EscalationSummary>(
    `/api/notify/alerts/${encodeURIComponent(props.alertId)}/deliveries`,
    30_000,
  );
  if (told.status !== 'ready') return null;
  // Tier 0 is the first notice; from tier 1 on the alert has been escalated.
  const tierIndex = told.value.escalation?.tier ?? -1;
  const reached = told.value.deliveries.filter((delivery) => delivery.status !== 'failed');
  if (tierIndex < 1 && reached.length === 0) return null;
  const parts = [
    tierIndex >= 1 &&
      `${t.escalation.title} ${t.escalation.tier.replace('{n}', String(tierIndex))}`,
    reached.length > 0 && `${t.escalation.told} ${reached.length}`,
  ].filter(Boolean);
  return (
    <span class="escalation-badge" data-tier={tierIndex}>
      {parts.join(' · ')}
    </span>
  );
}

function AlertCard(props: { alert: Alert; now: number }): preact.JSX.Element {
  const { t, registry } = useDashboard();
  const { alert, now } = props;
  const repeats = alert.occurrences > 1 ? ` (${alert.occurrences}${t.times})` : '';
  const where = whereName(registry, alert);
  return (
    <li
      class="alert"
      data-id={alert.id}
      data-type={alert.type}
      data-severity={alert.severity}
      data-state={alert.state}
      tabIndex={0}
      onClick={() => go(`#/alerts/${encodeURIComponent(alert.id)}`)}
      onKeyDown={(event) => {
        if (event.key === 'Enter' && event.target === event.currentTarget) {
          go(`#/alerts/${encodeURIComponent(alert.id)}`);
        }
      }}
    >
      <div class="what">
        <span class="severity">{t.severities[alert.severity]}</span>
        {typeLabel(t, alert.type)}
        {repeats}
      </div>
      <div class="age" title={formatDateTime(alert.raisedAt)}>
        {formatAge(alert.raisedAt, now, t.ago)}
      </div>
      <div class="who">
        {subjectName(t, registry, alert)}
        {where && <span class="where"> · {where}</span>}
        {alert.state !== 'resolved' && <EscalationBadge alertId={alert.id} />}
      </div>
      <div class="meta">
        {[formatDateTime(alert.raisedAt), t.states[alert.state], alert.assignee]
          .filter(Boolean)
          .join(' · ')}
      </div>
      <AlertActions alert={alert} />
    </li>
  );
}

function Summary(props: { alerts: Alert[] }): preact.JSX.Element {
  const { t } = useDashboard();
  const count = (severity: Severity): number =>
    props.alerts.filter((alert) => alert.severity === severity).length;
  const waiting = props.alerts.filter((alert) => alert.state === 'new').length;
  return (
    <div class="summary" aria-live="polite">
      {(['critical', 'warning', 'info'] as const).map((severity) => (
        <div key={severity} class="tile" data-severity={severity} data-count={count(severity)}>
          <span class="count">{count(severity)}</span>
          <span class="label">{t.summary[severity]}</span>
        </div>
      ))}
      <div class="tile" data-severity="waiting" data-count={waiting}>
        <span class="count">{waiting}</span>
        <span class="label">{t.summary.unacknowledged}</span>
      </div>
    </div>
  );
}

export function WallView(): preact.JSX.Element {
  const { t, book, registry } = useDashboard();
  const now = useNow(15_000);
  const [typeFilter, setTypeFilter] = useState('');
  const [gridFilter, setGridFilter] = useState('');
  const [stateFilter, setStateFilter] = useState<StateFilter>('open');
  const resolved = useOptional<Alert[]>(
    stateFilter === 'resolved' ? '/api/alerts?state=resolved&limit=100' : undefined,
    10_000,
  );

  // Known shortcoming: filtering and sorting happen here, fine for hundreds of open alerts.
  const open = book.open;
  const source =
    stateFilter === 'resolved'
      ? resolved.status === 'ready'
        ? resolved.value
        : []
      : open.filter((alert) => stateFilter === 'open' || alert.state === stateFilter);
  const shown = source
    .filter((alert) => !typeFilter || alert.type === typeFilter)
    .filter(
      (alert) =>
        !gridFilter ||
        registry.placementOf(alert.subject.kind, alert.subject.id).grid?.id === gridFilter,
    )
    .sort(wallOrder);
  const types = [...new Set([...open.map((alert) => alert.type), 'sos', 'fall'])].sort();

  return (
    <section id="wall" class="wall">
      <Summary alerts={open} />
      <div class="filters" role="search">
        <label>
          <span>{t.filters.type}</span>
          <select
            name="type"
            value={typeFilter}
            onChange={(event) => setTypeFilter(event.currentTarget.value)}
          >
            <option value="">{t.filters.all}</option>
            {types.map((type) => (
              <option key={type} value={type}>
                {typeLabel(t, type)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{t.filters.grid}</span>
          <select
            name="grid"
            value={gridFilter}
            onChange={(event) => setGridFilter(event.currentTarget.value)}
          >
            <option value="">{t.filters.all}</option>
            {[...registry.grids.values()].map((grid) => (
              <option key={grid.id} value={grid.id}>
                {grid.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{t.filters.state}</span>
          <select
            name="state"
            value={stateFilter}
            onChange={(event) => setStateFilter(event.currentTarget.value as StateFilter)}
          >
            <option value="open">{t.filters.open}</option>
            {(['new', 'acknowledged', 'dispatched', 'resolved'] as const).map((state) => (
              <option key={state} value={state}>
                {t.states[state]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div id="calm" class="calm" hidden={shown.length > 0}>
        <p class="calm-title">{t.calm}</p>
        <p class="calm-hint">{t.calmHint}</p>
      </div>
      <ul id="alerts" class="alerts" aria-live="assertive">
        {shown.map((alert) => (
          <AlertCard key={alert.id} alert={alert} now={now} />
        ))}
      </ul>
    </section>
  );
}

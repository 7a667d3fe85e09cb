// One alert in full: what happened, who it concerns (home, grid, contacts),
// the evidence (snapshot, vital signs around the time), escalation and who was
// told, the audit trail, and the nearest camera's live view beside it.
import { useEffect, useState } from 'preact/hooks';
import { fetchAlertDetail, getOptional } from '../api.ts';
import { LineChart } from '../components/line-chart.tsx';
import { VideoPlayer } from '../components/video-player.tsx';
import { useDashboard } from '../context.ts';
import { useOptional } from '../hooks.ts';
import { typeLabel, type Texts } from '../i18n.ts';
import { formatDateTime } from '../time.ts';
import type { Alert, AuditEntry, Camera, Contact } from '../types.ts';
import { fetchVitals, series, type Vitals } from '../vitals.ts';
import { AlertActions } from './alert-actions.tsx';
import { subjectName, whereName } from './subject.ts';

interface Deliveries {
  escalation: { tier: number; phase?: string; policy: string } | null;
  deliveries: {
    id: string;
    recipientKind: string;
    recipientId: string;
    reason: string;
    tier: number;
    channel: string | null;
    status: string;
    updatedAt: string;
  }[];
}

const vitalsWindowMs = 30 * 60_000;

function Evidence(props: { alert: Alert }): preact.JSX.Element | null {
  const { t } = useDashboard();
  const evidence = props.alert.evidence;
  if (!evidence) return null;
  const snapshot = typeof evidence.snapshot === 'string' ? evidence.snapshot : undefined;
  const accessKey = typeof evidence.accessKey === 'string' ? evidence.accessKey : undefined;
  // Edges send snapshots as base64 JPEG (contracts/access.ts); some as data URLs.
  const image = snapshot?.startsWith('data:image/')
    ? snapshot
    : snapshot && /^[A-Za-z0-9+/]+={0,2}$/.test(snapshot)
      ? `data:image/jpeg;base64,${snapshot}`
      : accessKey
        ? `/api/access/${encodeURIComponent(accessKey)}/thumbnail`
        : undefined;
  const facts = Object.entries(evidence).filter(
    ([key, value]) => key !== 'snapshot' && (typeof value !== 'object' || value === null),
  );
  return (
    <div class="evidence">
      {image && <img class="snapshot" src={image} alt={t.detail.snapshot} />}
      <dl class="facts">
        {facts.map(([key, value]) => (
          <div key={key}>
            <dt>{key}</dt>
            <dd>{String(value)}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

function VitalsAround(props: { alert: Alert }): preact.JSX.Element | null {
  const { t } = useDashboard();
  const [vitals, setVitals] = useState<Vitals | 'none' | undefined>();
  const { alert } = props;
  useEffect(() => {
    if (alert.subject.kind !== 'band') return;
    const atMs = Date.parse(alert.raisedAt);
    fetchVitals(alert.subject.id, atMs - vitalsWindowMs, atMs + vitalsWindowMs).then(
      (result) => setVitals(result.missing ? 'none' : result.value),
      () => setVitals('none'),
    );
  }, [alert.subject.kind, alert.subject.id, alert.raisedAt]);
  if (alert.subject.kind !== 'band') return null;
  if (!vitals) return null;
  if (vitals === 'none' || vitals.buckets.length === 0) {
    return <p class="empty-note">{t.detail.noVitals}</p>;
  }
  const markerMs = Date.parse(alert.raisedAt);
  return (
    <div class="charts">
      <LineChart
        label={t.roster.heartRate}
        unit="bpm"
        normal={[55, 100]}
        markerMs={markerMs}
        points={series(vitals.buckets, (bucket) => bucket.heartRateBpm?.mean)}
      />
      <LineChart
        label={t.roster.spo2}
        unit="%"
        normal={[94, 100]}
        markerMs={markerMs}
        points={series(vitals.buckets, (bucket) => bucket.spo2Percent?.mean)}
      />
    </div>
  );
}

// Known shortcoming: no resident photo; the faces API keeps enrolment photos but serves none.
function Who(props: { alert: Alert }): preact.JSX.Element {
  const { t, registry } = useDashboard();
  const placement = registry.placementOf(props.alert.subject.kind, props.alert.subject.id);
  const resident = placement.resident;
  const detail = useOptional<{ contacts: Contact[] }>(
    resident ? `/api/registry/residents/${encodeURIComponent(resident.id)}` : undefined,
  );
  const contacts = detail.status === 'ready' ? detail.value.contacts : [];
  return (
    <dl class="who-detail">
      <div>
        <dt>{t.detail.who}</dt>
        <dd>{resident ? resident.name : t.detail.unknownPerson}</dd>
      </div>
      {(placement.household || placement.place) && (
        <div>
          <dt>{t.detail.household}</dt>
          <dd>
            {placement.household?.name ?? ''} {registry.placeName(placement.place?.id)}
          </dd>
        </div>
      )}
      <div>
        <dt>{t.detail.grid}</dt>
        <dd>{placement.grid?.name ?? '—'}</dd>
      </div>
      {contacts.length > 0 && (
        <div>
          <dt>{t.detail.contacts}</dt>
          <dd>
            <ul class="contacts">
              {contacts.map((contact) => (
                <li key={contact.id}>
                  {contact.name}（{contact.relation}）{contact.phone ?? ''}
                </li>
              ))}
            </ul>
          </dd>
        </div>
      )}
    </dl>
  );
}

function auditLine(t: Texts, entry: AuditEntry): string {
  const detail = entry.detail ?? {};
  const parts = [t.auditActions[entry.action] ?? entry.action];
  if (typeof detail.assignee === 'string') parts.push(`→ ${detail.assignee}`);
  if (typeof detail.note === 'string') parts.push(`“${detail.note}”`);
  return parts.join(' ');
}

function Escalation(props: { alertId: string; version: string }): preact.JSX.Element {
  const { t } = useDashboard();
  const [told, setTold] = useState<Deliveries | 'missing' | undefined>();
  useEffect(() => {
    getOptional<Deliveries>(`/api/notify/alerts/${encodeURIComponent(props.alertId)}/deliveries`)
      .then((result) => setTold(result.missing ? 'missing' : result.value))
      .catch(() => setTold('missing'));
  }, [props.alertId, props.version]);
  if (!told) return <section class="escalation" />;
  if (told === 'missing') {
    return (
      <section class="escalation" data-available="false">
        <h3>{t.detail.deliveries}</h3>
        <p class="empty-note">{t.emptyApi}</p>
      </section>
    );
  }
  // Tier 0 is the first notice; from tier 1 on the alert has been escalated.
  const tier = told.escalation?.tier ?? -1;
  return (
    <section class="escalation" data-tier={tier}>
      <h3>
        {t.detail.deliveries} ·{' '}
        {tier >= 1
          ? `${t.escalation.title} ${t.escalation.tier.replace('{n}', String(tier))}`
          : t.escalation.none}
      </h3>
      <ul class="deliveries">
        {told.deliveries.map((delivery) => (
          <li key={delivery.id} data-status={delivery.status}>
            <span>{delivery.recipientId}</span>
            <span class="muted">
              {delivery.reason} · {delivery.channel ?? '—'} · {delivery.status}
            </span>
            <time>{formatDateTime(delivery.updatedAt)}</time>
          </li>
        ))}
      </ul>
    </section>
  );
}

function NearestCamera(props: { alert: Alert }): preact.JSX.Element | null {
  const { t, registry } = useDashboard();
  const cameras = useOptional<Camera[]>('/api/cameras');
  if (cameras.status !== 'ready' || cameras.value.length === 0) return null;
  const { alert } = props;
  const placeId = registry.placementOf(alert.subject.kind, alert.subject.id).place?.id;
  const camera =
    (alert.subject.kind === 'camera' && cameras.value.find((c) => c.id === alert.subject.id)) ||
    (placeId && cameras.value.find((c) => c.placeId === placeId)) ||
    cameras.value.find((c) => c.site === alert.site) ||
    cameras.value[0]!;
  return (
    <section class="nearest-camera">
      <h3>{t.detail.camera}</h3>
      <VideoPlayer cameraId={camera.id} name={camera.name} />
    </section>
  );
}

export function AlertDetailView(props: { id: string }): preact.JSX.Element {
  const { t, book, registry } = useDashboard();
  const [detail, setDetail] = useState<{ alert: Alert; audit: AuditEntry[] } | 'gone'>();
  const live = book.get(props.id);
  // Refetch the audit trail whenever the live copy of the alert changes.
  const version = live?.updatedAt ?? '';
  const [notes, setNotes] = useState(0);
  useEffect(() => {
    fetchAlertDetail(props.id).then(setDetail, () => setDetail('gone'));
  }, [props.id, version, notes]);

  if (detail === 'gone') return <p class="empty-note">{t.detail.notFound}</p>;
  if (!detail) return <section class="alert-detail loading" />;
  const alert = live && live.updatedAt >= detail.alert.updatedAt ? live : detail.alert;
  const where = whereName(registry, alert);
  return (
    <section
      class="alert-detail"
      data-id={alert.id}
      data-severity={alert.severity}
      data-state={alert.state}
    >
      <header>
        <a class="back" href="#/wall">
          ← {t.nav.wall}
        </a>
        <h2>
          <span class="severity">{t.severities[alert.severity]}</span> {typeLabel(t, alert.type)}
        </h2>
        <span class="state">{t.states[alert.state]}</span>
      </header>
      <div class="detail-grid">
        <div class="detail-main">
          <section>
            <h3>{t.detail.what}</h3>
            <dl class="facts">
              <div>
                <dt>{t.detail.raisedAt}</dt>
                <dd>{formatDateTime(alert.raisedAt)}</dd>
              </div>
              <div>
                <dt>{t.detail.receivedAt}</dt>
                <dd>{formatDateTime(alert.receivedAt)}</dd>
              </div>
              <div>
                <dt>{t.detail.occurrences}</dt>
                <dd>{alert.occurrences}</dd>
              </div>
              <div>
                <dt>{t.subjects[alert.subject.kind] ?? alert.subject.kind}</dt>
                <dd>
                  {subjectName(t, registry, alert)}
                  {where && ` · ${where}`}
                </dd>
              </div>
            </dl>
            <AlertActions alert={alert} onNoted={() => setNotes((count) => count + 1)} />
          </section>
          <section>
            <h3>{t.detail.who}</h3>
            <Who alert={alert} />
          </section>
          <section>
            <h3>{t.detail.evidence}</h3>
            <Evidence alert={alert} />
            <h4>{t.detail.vitalsAround}</h4>
            <VitalsAround alert={alert} />
          </section>
        </div>
        <aside class="detail-side">
          <NearestCamera alert={alert} />
          <Escalation alertId={alert.id} version={version} />
          <section class="audit">
            <h3>{t.detail.audit}</h3>
            <ol class="audit-trail">
              {detail.audit.map((entry) => (
                <li key={entry.id} data-action={entry.action}>
                  <time>{formatDateTime(entry.at)}</time>
                  <span class="actor">{entry.actor}</span>
                  <span class="line">{auditLine(t, entry)}</span>
                </li>
              ))}
            </ol>
          </section>
        </aside>
      </div>
    </section>
  );
}

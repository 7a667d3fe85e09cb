// The elderly roster: every wristband wearer with status (worn, battery, last
// seen, heart rate, blood oxygen, steps today), most worrying first; a row
// opens that wearer's vital signs over a day or a week.
import { useEffect, useState } from 'preact/hooks';
import { LineChart } from '../components/line-chart.tsx';
import { useDashboard } from '../context.ts';
import { useNow, useOptional } from '../hooks.ts';
import { go } from '../route.ts';
import { formatAge } from '../time.ts';
import type { Alert, DeviceState } from '../types.ts';
import { fetchVitals, series, type Vitals } from '../vitals.ts';
import { EmptyState } from './empty.tsx';

const hourMs = 3_600_000;

interface Wearer {
  device: DeviceState;
  name: string | undefined;
  heartRateBpm: number | undefined;
  spo2Percent: number | undefined;
  batteryPercent: number | undefined;
  steps: number | undefined;
  worn: boolean | undefined;
  lastSeenAt: string | null;
  concern: number;
  openAlerts: Alert[];
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** Higher is more worrying; the roster is sorted by it. */
export function concernOf(wearer: Omit<Wearer, 'concern'>, nowMs: number): number {
  let concern = 0;
  for (const alert of wearer.openAlerts) concern += alert.severity === 'critical' ? 1000 : 300;
  if (wearer.device.online === false) concern += 200;
  if (wearer.worn === false) concern += 150;
  const bpm = wearer.heartRateBpm;
  if (bpm !== undefined && (bpm < 50 || bpm > 110)) concern += 120;
  if (wearer.spo2Percent !== undefined && wearer.spo2Percent < 92) concern += 120;
  if (wearer.batteryPercent !== undefined && wearer.batteryPercent < 20) concern += 100;
  if (!wearer.lastSeenAt || nowMs - Date.parse(wearer.lastSeenAt) > hourMs) concern += 80;
  return concern;
}

function WearerVitals(props: { bandId: string }): preact.JSX.Element {
  const { t } = useDashboard();
  const [rangeMs, setRangeMs] = useState(24 * hourMs);
  const [vitals, setVitals] = useState<Vitals | 'none' | undefined>();
  useEffect(() => {
    const now = Date.now();
    fetchVitals(props.bandId, now - rangeMs, now).then(
      (result) => setVitals(result.missing ? 'none' : result.value),
      () => setVitals('none'),
    );
  }, [props.bandId, rangeMs]);
  return (
    <div class="wearer-vitals">
      <div class="segmented" role="group">
        <button
          type="button"
          aria-pressed={rangeMs === 24 * hourMs}
          onClick={() => setRangeMs(24 * hourMs)}
        >
          {t.roster.day}
        </button>
        <button
          type="button"
          aria-pressed={rangeMs === 7 * 24 * hourMs}
          onClick={() => setRangeMs(7 * 24 * hourMs)}
        >
          {t.roster.week}
        </button>
      </div>
      {vitals === 'none' || (vitals && vitals.buckets.length === 0) ? (
        <p class="empty-note">{t.roster.noHistory}</p>
      ) : vitals ? (
        <div class="charts">
          <LineChart
            label={t.roster.heartRate}
            unit="bpm"
            normal={[55, 100]}
            points={series(vitals.buckets, (bucket) => bucket.heartRateBpm?.mean)}
          />
          <LineChart
            label={t.roster.spo2}
            unit="%"
            normal={[94, 100]}
            points={series(vitals.buckets, (bucket) => bucket.spo2Percent?.mean)}
          />
          <LineChart
            label={t.roster.steps}
            unit=""
            points={series(vitals.buckets, (bucket) => bucket.steps)}
          />
        </div>
      ) : null}
    </div>
  );
}

export function RosterView(props: { bandId: string | undefined }): preact.JSX.Element {
  const { t, book, registry } = useDashboard();
  const now = useNow(30_000);
  const devices = useOptional<DeviceState[]>('/api/devices', 15_000);
  const bands =
    devices.status === 'ready' ? devices.value.filter((d) => d.deviceKind === 'band') : [];
  const open = book.open;
  const wearers: Wearer[] = bands
    .map((device) => {
      const telemetry = device.telemetry ?? {};
      const wearer = {
        device,
        name: registry.placementOf('band', device.deviceId).resident?.name,
        heartRateBpm: numberOf(telemetry.heartRateBpm),
        spo2Percent: numberOf(telemetry.spo2Percent),
        batteryPercent: numberOf(telemetry.batteryPercent),
        steps: numberOf(telemetry.steps),
        worn: typeof telemetry.worn === 'boolean' ? telemetry.worn : undefined,
        lastSeenAt: [device.telemetryAt, device.statusAt].filter(Boolean).sort().pop() ?? null,
        openAlerts: open.filter(
          (alert) => alert.subject.kind === 'band' && alert.subject.id === device.deviceId,
        ),
      };
      return { ...wearer, concern: concernOf(wearer, now) };
    })
    .sort((a, b) => b.concern - a.concern || a.device.deviceId.localeCompare(b.device.deviceId));

  return (
    <section class="roster-view">
      <h2>{t.roster.title}</h2>
      {wearers.length === 0 ? (
        <EmptyState loaded={devices} empty={t.roster.empty} />
      ) : (
        <table class="table roster">
          <thead>
            <tr>
              <th>{t.roster.wearer}</th>
              <th>{t.roster.status}</th>
              <th>{t.roster.heartRate}</th>
              <th>{t.roster.spo2}</th>
              <th>{t.roster.steps}</th>
              <th>{t.roster.battery}</th>
              <th>{t.roster.lastSeen}</th>
            </tr>
          </thead>
          <tbody>
            {wearers.map((wearer) => {
              const id = wearer.device.deviceId;
              const selected = props.bandId === id;
              return [
                <tr
                  key={id}
                  data-band={id}
                  data-concern={wearer.concern}
                  class={wearer.concern >= 1000 ? 'critical' : wearer.concern > 0 ? 'watch' : ''}
                  tabIndex={0}
                  onClick={() => go(selected ? '#/roster' : `#/roster/${encodeURIComponent(id)}`)}
                  onKeyDown={(event) => {
                    if (event.key !== 'Enter') return;
                    go(selected ? '#/roster' : `#/roster/${encodeURIComponent(id)}`);
                  }}
                >
                  <td>
                    <strong>{wearer.name ?? id}</strong>
                    {wearer.name && <span class="muted"> {id}</span>}
                  </td>
                  <td>
                    {wearer.device.online === false
                      ? t.roster.offline
                      : wearer.worn === false
                        ? t.roster.notWorn
                        : t.roster.worn}
                  </td>
                  <td>{wearer.heartRateBpm ?? '—'}</td>
                  <td>{wearer.spo2Percent === undefined ? '—' : `${wearer.spo2Percent}%`}</td>
                  <td>{wearer.steps ?? '—'}</td>
                  <td>{wearer.batteryPercent === undefined ? '—' : `${wearer.batteryPercent}%`}</td>
                  <td>{wearer.lastSeenAt ? formatAge(wearer.lastSeenAt, now, t.ago) : '—'}</td>
                </tr>,
                selected && (
                  <tr key={`${id}-vitals`} class="vitals-row">
                    <td colSpan={7}>
                      <WearerVitals bandId={id} />
                    </td>
                  </tr>
                ),
              ];
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

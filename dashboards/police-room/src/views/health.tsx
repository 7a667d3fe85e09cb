// Device and camera health: every device's last status (online/offline from
// its last will) and last report, offline first; cameras and their relays.
import { useDashboard } from '../context.ts';
import { useNow, useOptional } from '../hooks.ts';
import { formatAge } from '../time.ts';
import type { Camera, DeviceState } from '../types.ts';
import { EmptyState } from './empty.tsx';

function rank(device: DeviceState): number {
  return device.online === false ? 0 : device.online === null ? 1 : 2;
}

export function HealthView(): preact.JSX.Element {
  const { t } = useDashboard();
  const now = useNow(30_000);
  const devices = useOptional<DeviceState[]>('/api/devices', 15_000);
  const cameras = useOptional<Camera[]>('/api/cameras', 15_000);
  const rows = (devices.status === 'ready' ? devices.value : [])
    .slice()
    .sort((a, b) => rank(a) - rank(b) || a.deviceId.localeCompare(b.deviceId));
  const status = (online: boolean | null): string =>
    online === true ? t.health.online : online === false ? t.health.offline : t.health.unknown;
  return (
    <section class="health-view">
      <h2>{t.health.title}</h2>
      <h3>{t.health.cameras}</h3>
      {cameras.status === 'ready' && cameras.value.length > 0 ? (
        <table class="table">
          <tbody>
            {cameras.value.map((camera) => {
              const device = rows.find(
                (d) => d.deviceKind === 'camera' && d.deviceId === camera.id,
              );
              const viewers = (camera.streaming ?? []).reduce((sum, s) => sum + s.viewers, 0);
              return (
                <tr key={camera.id} data-camera={camera.id}>
                  <td>
                    <strong>{camera.name}</strong> <span class="muted">{camera.id}</span>
                  </td>
                  <td data-online={String(device?.online ?? null)}>
                    {status(device?.online ?? null)}
                  </td>
                  <td>
                    {t.health.viewers} {viewers}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : (
        <EmptyState loaded={cameras} empty={t.video.empty} />
      )}
      <h3>{t.health.device}</h3>
      {rows.length === 0 ? (
        <EmptyState loaded={devices} empty={t.health.empty} />
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th>{t.health.kind}</th>
              <th>{t.health.device}</th>
              <th />
              <th>{t.health.lastSeen}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((device) => {
              const seen = [device.telemetryAt, device.statusAt].filter(Boolean).sort().pop();
              return (
                <tr key={`${device.deviceKind}:${device.deviceId}`} data-online={device.online}>
                  <td>{t.subjects[device.deviceKind] ?? device.deviceKind}</td>
                  <td>{device.deviceId}</td>
                  <td class="status">{status(device.online)}</td>
                  <td>{seen ? formatAge(seen, now, t.ago) : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

// The community map: the floor plan an administrator uploaded, with buildings,
// grids, cameras, gates and checkpoints placed on it; open alerts light up the
// item where they happen.
import { useDashboard } from '../context.ts';
import { useOptional } from '../hooks.ts';
import { typeLabel } from '../i18n.ts';
import type { RegistryIndex } from '../registry-index.ts';
import { go } from '../route.ts';
import type { Alert, MapItem } from '../types.ts';
import { EmptyState } from './empty.tsx';

export interface MapData {
  floorPlan: { width: number; height: number; uploadedAt: string } | null;
  items: MapItem[];
}

/** Does this alert happen at this item? */
export function alertIsAt(registry: RegistryIndex, alert: Alert, item: MapItem): boolean {
  const { kind, id } = alert.subject;
  if (item.kind === kind && item.refId === id) return true;
  if (item.kind === 'checkpoint' && kind === 'patrol') {
    return alert.evidence?.checkpointId === item.refId;
  }
  const placement = registry.placementOf(kind, id);
  if (item.kind === 'grid') return placement.grid?.id === item.refId;
  if (item.kind === 'building') {
    const seen = new Set<string>();
    let place = placement.place;
    while (place && !seen.has(place.id)) {
      if (place.id === item.refId) return true;
      seen.add(place.id);
      place = place.parentId ? registry.places.get(place.parentId) : undefined;
    }
  }
  return false;
}

export function FloorPlan(props: {
  data: MapData;
  onPlace?: (x: number, y: number) => void;
}): preact.JSX.Element {
  const { t, book, registry } = useDashboard();
  const { floorPlan, items } = props.data;
  if (!floorPlan) return <p class="empty-note">{t.map.noPlan}</p>;
  const open = book.open;
  return (
    <div
      class={props.onPlace ? 'floor-plan placing' : 'floor-plan'}
      style={{ aspectRatio: `${floorPlan.width} / ${floorPlan.height}` }}
      onClick={(event) => {
        if (!props.onPlace) return;
        const box = event.currentTarget.getBoundingClientRect();
        props.onPlace(
          (event.clientX - box.left) / box.width,
          (event.clientY - box.top) / box.height,
        );
      }}
    >
      <img src={`/api/map/floor-plan?v=${encodeURIComponent(floorPlan.uploadedAt)}`} alt="" />
      {items.map((item) => {
        const here = open.filter((alert) => alertIsAt(registry, alert, item));
        const severity = here.some((alert) => alert.severity === 'critical')
          ? 'critical'
          : here.length > 0
            ? 'warning'
            : 'calm';
        const first = here[0];
        return (
          <button
            type="button"
            key={item.id}
            class="map-item"
            data-kind={item.kind}
            data-ref={item.refId}
            data-severity={severity}
            style={{ left: `${item.x * 100}%`, top: `${item.y * 100}%` }}
            title={first ? `${item.label} · ${typeLabel(t, first.type)}` : item.label}
            onClick={(event) => {
              event.stopPropagation();
              if (first) go(`#/alerts/${encodeURIComponent(first.id)}`);
              else if (item.kind === 'camera') go(`#/video/${encodeURIComponent(item.refId)}`);
            }}
          >
            <span class="dot" />
            <span class="label">
              {item.label}
              {here.length > 0 && ` · ${here.length}`}
            </span>
          </button>
        );
      })}
    </div>
  );
}

export function MapView(): preact.JSX.Element {
  const { t } = useDashboard();
  const map = useOptional<MapData>('/api/map', 60_000);
  return (
    <section class="map-view">
      <h2>{t.map.title}</h2>
      {map.status === 'ready' ? (
        <FloorPlan data={map.value} />
      ) : (
        <EmptyState loaded={map} empty={t.map.noPlan} />
      )}
    </section>
  );
}

// Who and where an alert's subject is, joined in the browser from the
// registry's lists (issue 6): device → resident or place → household → grid.
// Without the registry API every lookup answers "unknown" and views still work.
import { getOptional } from './api.ts';
import type { DeviceBinding, Grid, Household, Place, Resident } from './types.ts';

export interface Placement {
  resident: Resident | undefined;
  household: Household | undefined;
  place: Place | undefined;
  grid: Grid | undefined;
}

export class RegistryIndex {
  available = false;
  /** grid id → grid */
  readonly grids = new Map<string, Grid>();
  /** place id → place */
  readonly places = new Map<string, Place>();
  /** household id → household */
  readonly households = new Map<string, Household>();
  /** resident id → resident */
  readonly residents = new Map<string, Resident>();
  /** "kind:id" of a device → its binding */
  readonly bindings = new Map<string, DeviceBinding>();

  async load(): Promise<void> {
    const [grids, places, households, residents, bindings] = await Promise.all([
      getOptional<Grid[]>('/api/registry/grids'),
      getOptional<Place[]>('/api/registry/places'),
      getOptional<Household[]>('/api/registry/households'),
      getOptional<Resident[]>('/api/registry/residents?status=active'),
      getOptional<DeviceBinding[]>('/api/registry/device-bindings'),
    ]).catch(() => []);
    if (!grids || grids.missing) return;
    this.available = true;
    fill(this.grids, grids.value);
    if (places && !places.missing) fill(this.places, places.value);
    if (households && !households.missing) fill(this.households, households.value);
    if (residents && !residents.missing) fill(this.residents, residents.value);
    if (bindings && !bindings.missing) {
      for (const binding of bindings.value) {
        this.bindings.set(`${binding.deviceKind}:${binding.deviceId}`, binding);
      }
    }
  }

  /** Where a device (band, gate, camera…) or a resident sits. */
  placementOf(kind: string, id: string): Placement {
    const binding = this.bindings.get(`${kind}:${id}`);
    const residentId = kind === 'resident' ? id : binding?.residentId;
    const resident = residentId ? this.residents.get(residentId) : undefined;
    const household = resident?.householdId ? this.households.get(resident.householdId) : undefined;
    const placeId = household?.placeId ?? binding?.placeId ?? undefined;
    const place = placeId ? this.places.get(placeId) : undefined;
    return { resident, household, place, grid: this.gridOf(placeId) };
  }

  /** A place's grid, inherited from the nearest ancestor that names one. */
  gridOf(placeId: string | null | undefined): Grid | undefined {
    const seen = new Set<string>();
    let place = placeId ? this.places.get(placeId) : undefined;
    while (place && !seen.has(place.id)) {
      seen.add(place.id);
      if (place.gridId) return this.grids.get(place.gridId);
      place = place.parentId ? this.places.get(place.parentId) : undefined;
    }
    return undefined;
  }

  /** "3号楼 / 2单元 / 501" for a place. */
  placeName(placeId: string | null | undefined): string | undefined {
    const names: string[] = [];
    const seen = new Set<string>();
    let place = placeId ? this.places.get(placeId) : undefined;
    while (place && !seen.has(place.id)) {
      seen.add(place.id);
      if (place.kind !== 'area') names.unshift(place.name);
      place = place.parentId ? this.places.get(place.parentId) : undefined;
    }
    return names.length > 0 ? names.join(' / ') : undefined;
  }
}

function fill<T extends { id: string }>(map: Map<string, T>, entries: T[]): void {
  map.clear();
  for (const entry of entries) map.set(entry.id, entry);
}

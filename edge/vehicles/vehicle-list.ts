// The edge's copy of its site's vehicle list (registered plates, visitor
// passes, watch list), in the edge's SQLite file so that barriers keep
// deciding while the hub is away.
import type { ListedVehicle, VehicleList } from '../../common/contracts/vehicle.ts';
import type { EdgeDatabase } from '../store/database.ts';

// Created here rather than in edge/store/database.ts so that the tables exist
// only on edges with vehicle gates.
const schema = `
  CREATE TABLE IF NOT EXISTS vehicle_list (
    plate TEXT NOT NULL,
    entry TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS vehicle_list_plate ON vehicle_list (plate);
  CREATE TABLE IF NOT EXISTS vehicle_list_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
  );`;

/** What the barrier does with a plate, and why. */
export interface VehicleVerdict {
  decision: 'granted' | 'denied' | 'stranger';
  /** The entry that decided it, when the plate is listed. */
  entry?: ListedVehicle;
}

export class EdgeVehicleList {
  /** plate → its entries (a plate may be registered and watched, or hold passes) */
  #byPlate = new Map<string, ListedVehicle[]>();
  #version = 0;

  constructor(private readonly db: EdgeDatabase) {
    db.exec(schema);
    const state = db.prepare('SELECT version FROM vehicle_list_state WHERE id = 1').get() as
      { version: number } | undefined;
    this.#version = state?.version ?? 0;
    this.#load();
  }

  get version(): number {
    return this.#version;
  }

  get size(): number {
    return this.#byPlate.size;
  }

  /**
   * The watch list wins (the barrier stays shut even for a registered car);
   * then a registered vehicle; then a visitor pass valid at nowMs. A plate
   * whose passes are all outside their time is denied; any other is a stranger.
   */
  verdict(plate: string, nowMs: number): VehicleVerdict {
    const entries = this.#byPlate.get(plate) ?? [];
    const watched = entries.find((entry) => entry.access === 'watch');
    if (watched) return { decision: 'denied', entry: watched };
    const resident = entries.find((entry) => entry.access === 'resident');
    if (resident) return { decision: 'granted', entry: resident };
    const passes = entries.filter((entry) => entry.access === 'visitor');
    const valid = passes.find(
      (pass) => Date.parse(pass.validFrom!) <= nowMs && nowMs < Date.parse(pass.validUntil!),
    );
    if (valid) return { decision: 'granted', entry: valid };
    if (passes.length) return { decision: 'denied', entry: passes[0]! };
    return { decision: 'stranger' };
  }

  /** Replaces the list with what the hub sent, on disk first, then in memory. */
  replace(list: VehicleList): void {
    const insert = this.db.prepare('INSERT INTO vehicle_list (plate, entry) VALUES (?, ?)');
    this.db.transaction(() => {
      this.db.exec('DELETE FROM vehicle_list');
      for (const entry of list.vehicles) insert.run(entry.plate, JSON.stringify(entry));
      this.db
        .prepare(
          `INSERT INTO vehicle_list_state (id, version) VALUES (1, ?)
           ON CONFLICT DO UPDATE SET version = excluded.version`,
        )
        .run(list.version);
    })();
    this.#version = list.version;
    this.#load();
  }

  #load(): void {
    const rows = this.db.prepare('SELECT entry FROM vehicle_list').all() as { entry: string }[];
    const byPlate = new Map<string, ListedVehicle[]>();
    for (const row of rows) {
      const entry = JSON.parse(row.entry) as ListedVehicle;
      byPlate.set(entry.plate, [...(byPlate.get(entry.plate) ?? []), entry]);
    }
    this.#byPlate = byPlate;
  }
}

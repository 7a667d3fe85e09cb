// The vehicle registry at the hub, in the hub's SQLite file. Every change bumps
// the site's list version, so an edge that holds the current list is told
// "unchanged" instead of being sent it again.
import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import type { ListedVehicle, VehicleList } from '../../common/contracts/vehicle.ts';

export interface RegisteredVehicle {
  site: string;
  plate: string;
  householdId: string;
  label: string | null;
  registeredBy: string;
  registeredAt: string;
}

export interface VisitorPass {
  id: string;
  site: string;
  plate: string;
  householdId: string;
  visitorName: string;
  validFrom: string;
  validUntil: string;
  issuedBy: string;
  issuedAt: string;
  revokedAt: string | null;
}

export interface WatchedPlate {
  site: string;
  plate: string;
  reason: string;
  addedBy: string;
  addedAt: string;
}

interface VehicleRow {
  site: string;
  plate: string;
  household_id: string;
  label: string | null;
  registered_by: string;
  registered_at: string;
}

interface PassRow {
  id: string;
  site: string;
  plate: string;
  household_id: string;
  visitor_name: string;
  valid_from: string;
  valid_until: string;
  issued_by: string;
  issued_at: string;
  revoked_at: string | null;
}

interface WatchRow {
  site: string;
  plate: string;
  reason: string;
  added_by: string;
  added_at: string;
}

const toVehicle = (row: VehicleRow): RegisteredVehicle => ({
  site: row.site,
  plate: row.plate,
  householdId: row.household_id,
  label: row.label,
  registeredBy: row.registered_by,
  registeredAt: row.registered_at,
});

const toPass = (row: PassRow): VisitorPass => ({
  id: row.id,
  site: row.site,
  plate: row.plate,
  householdId: row.household_id,
  visitorName: row.visitor_name,
  validFrom: row.valid_from,
  validUntil: row.valid_until,
  issuedBy: row.issued_by,
  issuedAt: row.issued_at,
  revokedAt: row.revoked_at,
});

const toWatched = (row: WatchRow): WatchedPlate => ({
  site: row.site,
  plate: row.plate,
  reason: row.reason,
  addedBy: row.added_by,
  addedAt: row.added_at,
});

export class VehicleStore {
  constructor(private readonly db: Database.Database) {}

  async register(vehicle: Omit<RegisteredVehicle, 'registeredAt'>): Promise<RegisteredVehicle> {
    const registeredAt = new Date().toISOString();
    this.#changing(vehicle.site, () =>
      this.db
        .prepare(
          `INSERT INTO vehicles (site, plate, household_id, label, registered_by, registered_at)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT DO UPDATE SET household_id = excluded.household_id,
             label = excluded.label, registered_by = excluded.registered_by,
             registered_at = excluded.registered_at`,
        )
        .run(
          vehicle.site,
          vehicle.plate,
          vehicle.householdId,
          vehicle.label,
          vehicle.registeredBy,
          registeredAt,
        ),
    );
    return { ...vehicle, registeredAt };
  }

  async remove(site: string, plate: string): Promise<boolean> {
    return this.#changing(site, () =>
      this.db.prepare('DELETE FROM vehicles WHERE site = ? AND plate = ?').run(site, plate),
    );
  }

  async list(filter: { site?: string; householdId?: string }): Promise<RegisteredVehicle[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM vehicles
         WHERE (@site IS NULL OR site = @site)
           AND (@household IS NULL OR household_id = @household)
         ORDER BY site, plate`,
      )
      .all({ site: filter.site ?? null, household: filter.householdId ?? null }) as VehicleRow[];
    return rows.map(toVehicle);
  }

  async issuePass(pass: Omit<VisitorPass, 'id' | 'issuedAt' | 'revokedAt'>): Promise<VisitorPass> {
    const issued: VisitorPass = {
      ...pass,
      id: randomUUID(),
      issuedAt: new Date().toISOString(),
      revokedAt: null,
    };
    this.#changing(pass.site, () =>
      this.db
        .prepare(
          `INSERT INTO visitor_passes (id, site, plate, household_id, visitor_name, valid_from,
             valid_until, issued_by, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          issued.id,
          issued.site,
          issued.plate,
          issued.householdId,
          issued.visitorName,
          issued.validFrom,
          issued.validUntil,
          issued.issuedBy,
          issued.issuedAt,
        ),
    );
    return issued;
  }

  async getPass(id: string): Promise<VisitorPass | undefined> {
    const row = this.db.prepare('SELECT * FROM visitor_passes WHERE id = ?').get(id) as
      PassRow | undefined;
    return row && toPass(row);
  }

  async revokePass(id: string): Promise<VisitorPass | undefined> {
    const pass = await this.getPass(id);
    if (!pass || pass.revokedAt) return pass;
    this.#changing(pass.site, () =>
      this.db
        .prepare('UPDATE visitor_passes SET revoked_at = ? WHERE id = ?')
        .run(new Date().toISOString(), id),
    );
    return this.getPass(id);
  }

  /** Passes not revoked that have not run out at nowIso (current and future ones). */
  async listPasses(filter: { site?: string; nowIso?: string }): Promise<VisitorPass[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM visitor_passes WHERE (@site IS NULL OR site = @site)
           AND (@now IS NULL OR (revoked_at IS NULL AND valid_until > @now))
         ORDER BY valid_from`,
      )
      .all({ site: filter.site ?? null, now: filter.nowIso ?? null }) as PassRow[];
    return rows.map(toPass);
  }

  async watch(entry: Omit<WatchedPlate, 'addedAt'>): Promise<WatchedPlate> {
    const addedAt = new Date().toISOString();
    this.#changing(entry.site, () =>
      this.db
        .prepare(
          `INSERT INTO vehicle_watch_list (site, plate, reason, added_by, added_at)
           VALUES (?, ?, ?, ?, ?)
           ON CONFLICT DO UPDATE SET reason = excluded.reason, added_by = excluded.added_by,
             added_at = excluded.added_at`,
        )
        .run(entry.site, entry.plate, entry.reason, entry.addedBy, addedAt),
    );
    return { ...entry, addedAt };
  }

  async unwatch(site: string, plate: string): Promise<boolean> {
    return this.#changing(site, () =>
      this.db
        .prepare('DELETE FROM vehicle_watch_list WHERE site = ? AND plate = ?')
        .run(site, plate),
    );
  }

  async watchList(site?: string): Promise<WatchedPlate[]> {
    const rows = this.db
      .prepare(
        'SELECT * FROM vehicle_watch_list WHERE (@site IS NULL OR site = @site) ORDER BY plate',
      )
      .all({ site: site ?? null }) as WatchRow[];
    return rows.map(toWatched);
  }

  /** What an edge of the site needs at its barriers; unchanged when it holds `since`. */
  async listFor(site: string, since: number, nowIso: string): Promise<VehicleList> {
    const version = this.#version(site);
    if (since === version && version > 0) {
      return { site, version, unchanged: true, vehicles: [] };
    }
    const vehicles: ListedVehicle[] = [
      ...(await this.list({ site })).map((vehicle) => ({
        plate: vehicle.plate,
        access: 'resident' as const,
        householdId: vehicle.householdId,
      })),
      ...(await this.listPasses({ site, nowIso })).map((pass) => ({
        plate: pass.plate,
        access: 'visitor' as const,
        householdId: pass.householdId,
        passId: pass.id,
        visitorName: pass.visitorName,
        validFrom: pass.validFrom,
        validUntil: pass.validUntil,
      })),
      ...(await this.watchList(site)).map((entry) => ({
        plate: entry.plate,
        access: 'watch' as const,
        reason: entry.reason,
      })),
    ];
    return { site, version, unchanged: false, vehicles };
  }

  #version(site: string): number {
    const row = this.db
      .prepare('SELECT version FROM vehicle_list_versions WHERE site = ?')
      .get(site) as { version: number } | undefined;
    return row?.version ?? 0;
  }

  /** Runs a change and bumps the site's list version when it changed a row. */
  #changing(site: string, change: () => Database.RunResult): boolean {
    return this.db.transaction(() => {
      const result = change();
      if (result.changes === 0) return false;
      this.db
        .prepare(
          `INSERT INTO vehicle_list_versions (site, version) VALUES (?, 1)
           ON CONFLICT DO UPDATE SET version = version + 1`,
        )
        .run(site);
      return true;
    })();
  }
}

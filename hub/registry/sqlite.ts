// The registry on the hub's SQLite database (the tables come from
// registry/migrations.ts, applied by the hub store).
import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import type { AlertSubject } from '../../common/contracts/alert.ts';
import type {
  Consent,
  Contact,
  DeviceBinding,
  Duty,
  Grid,
  Household,
  NewResident,
  Place,
  Resident,
  ResidentChange,
  StaffProfile,
  SubjectPlacement,
} from './schemas.ts';
import type { RegistryStore, ResidentFilter } from './store.ts';

interface ResidentRow {
  id: string;
  household_id: string | null;
  name: string;
  gender: string;
  birth_year: number | null;
  lives_alone: number;
  care_level: string;
  phone: string | null;
  consent_face: number;
  consent_photo: number;
  consent_notify_contacts: number;
  consent_recorded_at: string | null;
  status: string;
  moved_out_at: string | null;
}

interface ContactRow {
  id: string;
  resident_id: string;
  kind: string;
  name: string;
  relation: string;
  phone: string | null;
  username: string | null;
  channels: string;
  notify: string;
}

function toResident(row: ResidentRow): Resident {
  return {
    id: row.id,
    householdId: row.household_id,
    name: row.name,
    gender: row.gender as Resident['gender'],
    birthYear: row.birth_year,
    livesAlone: row.lives_alone === 1,
    careLevel: row.care_level as Resident['careLevel'],
    phone: row.phone,
    consent: {
      face: row.consent_face === 1,
      photo: row.consent_photo === 1,
      notifyContacts: row.consent_notify_contacts === 1,
    },
    consentRecordedAt: row.consent_recorded_at,
    status: row.status as Resident['status'],
    movedOutAt: row.moved_out_at,
  };
}

function toContact(row: ContactRow): Contact {
  return {
    id: row.id,
    residentId: row.resident_id,
    kind: row.kind as Contact['kind'],
    name: row.name,
    relation: row.relation,
    phone: row.phone,
    username: row.username,
    channels: JSON.parse(row.channels) as Contact['channels'],
    notify: row.notify as Contact['notify'],
  };
}

function toProfile(row: {
  username: string;
  phone: string | null;
  duties: string;
  channels: string;
}): StaffProfile {
  return {
    username: row.username,
    phone: row.phone,
    duties: JSON.parse(row.duties) as Duty[],
    channels: JSON.parse(row.channels) as StaffProfile['channels'],
  };
}

/** Every place with the grid it belongs to after inheritance from its ancestors. */
const effectiveGrids = `WITH RECURSIVE effective (id, grid_id, depth) AS (
    SELECT id, grid_id, 0 FROM places WHERE parent_id IS NULL
    UNION ALL
    SELECT p.id, COALESCE(p.grid_id, e.grid_id), e.depth + 1
      FROM places p JOIN effective e ON p.parent_id = e.id WHERE e.depth < 16
  )`;

/** Places are at most this deep (area → building → unit → room, with room to spare). */
const maxPlaceDepth = 16;

export class PlaceCycleError extends Error {}

export class SqliteRegistryStore implements RegistryStore {
  constructor(private readonly db: Database.Database) {}

  async upsertGrid(grid: Grid): Promise<void> {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO grids (id, name, created_at) VALUES (?, ?, ?)
           ON CONFLICT DO UPDATE SET name = excluded.name`,
        )
        .run(grid.id, grid.name, new Date().toISOString());
      this.db.prepare('DELETE FROM grid_workers WHERE grid_id = ?').run(grid.id);
      const addWorker = this.db.prepare(
        'INSERT INTO grid_workers (grid_id, username) VALUES (?, ?)',
      );
      for (const username of new Set(grid.workers)) addWorker.run(grid.id, username);
    })();
  }

  async getGrid(id: string): Promise<Grid | undefined> {
    const row = this.db.prepare('SELECT id, name FROM grids WHERE id = ?').get(id) as
      { id: string; name: string } | undefined;
    if (!row) return undefined;
    return { ...row, workers: this.#workersOf(id) };
  }

  #workersOf(gridId: string): string[] {
    const rows = this.db
      .prepare('SELECT username FROM grid_workers WHERE grid_id = ? ORDER BY username')
      .all(gridId) as { username: string }[];
    return rows.map((row) => row.username);
  }

  async listGrids(): Promise<Grid[]> {
    const rows = this.db.prepare('SELECT id, name FROM grids ORDER BY id').all() as {
      id: string;
      name: string;
    }[];
    return rows.map((row) => ({ ...row, workers: this.#workersOf(row.id) }));
  }

  async gridsOfWorker(username: string): Promise<string[]> {
    const rows = this.db
      .prepare('SELECT grid_id FROM grid_workers WHERE username = ? ORDER BY grid_id')
      .all(username) as { grid_id: string }[];
    return rows.map((row) => row.grid_id);
  }

  async upsertPlace(place: Place): Promise<void> {
    if (place.parentId !== null && this.#ancestors(place.parentId).includes(place.id)) {
      throw new PlaceCycleError(`place ${place.id} cannot sit inside its own descendant`);
    }
    if (place.parentId !== null && this.#ancestors(place.parentId).length >= maxPlaceDepth) {
      throw new PlaceCycleError(`place ${place.id} would be nested deeper than ${maxPlaceDepth}`);
    }
    this.db
      .prepare(
        `INSERT INTO places (id, kind, name, parent_id, grid_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT DO UPDATE SET kind = excluded.kind, name = excluded.name,
           parent_id = excluded.parent_id, grid_id = excluded.grid_id`,
      )
      .run(
        place.id,
        place.kind,
        place.name,
        place.parentId,
        place.gridId,
        new Date().toISOString(),
      );
  }

  /** The place and its ancestors, nearest first. */
  #ancestors(placeId: string): string[] {
    const chain: string[] = [];
    let current: string | null = placeId;
    while (current !== null && chain.length <= maxPlaceDepth) {
      chain.push(current);
      const row = this.db.prepare('SELECT parent_id FROM places WHERE id = ?').get(current) as
        { parent_id: string | null } | undefined;
      current = row?.parent_id ?? null;
    }
    return chain;
  }

  async getPlace(id: string): Promise<Place | undefined> {
    const row = this.db
      .prepare('SELECT id, kind, name, parent_id, grid_id FROM places WHERE id = ?')
      .get(id) as
      | { id: string; kind: string; name: string; parent_id: string | null; grid_id: string | null }
      | undefined;
    if (!row) return undefined;
    return {
      id: row.id,
      kind: row.kind as Place['kind'],
      name: row.name,
      parentId: row.parent_id,
      gridId: row.grid_id,
    };
  }

  async listPlaces(): Promise<Place[]> {
    const rows = this.db
      .prepare('SELECT id, kind, name, parent_id, grid_id FROM places ORDER BY id')
      .all() as {
      id: string;
      kind: string;
      name: string;
      parent_id: string | null;
      grid_id: string | null;
    }[];
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind as Place['kind'],
      name: row.name,
      parentId: row.parent_id,
      gridId: row.grid_id,
    }));
  }

  async gridOfPlace(placeId: string): Promise<string | null> {
    return this.#gridOfPlace(placeId);
  }

  #gridOfPlace(placeId: string): string | null {
    for (const id of this.#ancestors(placeId)) {
      const row = this.db.prepare('SELECT grid_id FROM places WHERE id = ?').get(id) as
        { grid_id: string | null } | undefined;
      if (row?.grid_id) return row.grid_id;
    }
    return null;
  }

  async upsertHousehold(household: Household): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO households (id, place_id, name, phone, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT DO UPDATE SET place_id = excluded.place_id, name = excluded.name,
           phone = excluded.phone`,
      )
      .run(
        household.id,
        household.placeId,
        household.name,
        household.phone,
        new Date().toISOString(),
      );
  }

  async getHousehold(id: string): Promise<Household | undefined> {
    const row = this.db
      .prepare('SELECT id, place_id, name, phone FROM households WHERE id = ?')
      .get(id) as
      { id: string; place_id: string; name: string | null; phone: string | null } | undefined;
    return row && { id: row.id, placeId: row.place_id, name: row.name, phone: row.phone };
  }

  async listHouseholds(): Promise<Household[]> {
    const rows = this.db
      .prepare('SELECT id, place_id, name, phone FROM households ORDER BY id')
      .all() as { id: string; place_id: string; name: string | null; phone: string | null }[];
    return rows.map((row) => ({
      id: row.id,
      placeId: row.place_id,
      name: row.name,
      phone: row.phone,
    }));
  }

  async createResident(resident: NewResident): Promise<Resident> {
    const id = resident.id ?? randomUUID();
    const now = new Date().toISOString();
    const consent = resident.consent;
    this.db
      .prepare(
        `INSERT INTO residents (id, household_id, name, gender, birth_year, lives_alone,
           care_level, phone, consent_face, consent_photo, consent_notify_contacts,
           consent_recorded_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        resident.householdId,
        resident.name,
        resident.gender ?? 'unspecified',
        resident.birthYear,
        resident.livesAlone ? 1 : 0,
        resident.careLevel ?? 'independent',
        resident.phone,
        consent?.face ? 1 : 0,
        consent?.photo ? 1 : 0,
        consent?.notifyContacts === false ? 0 : 1,
        consent ? now : null,
        now,
        now,
      );
    return this.#resident(id)!;
  }

  #resident(id: string): Resident | undefined {
    const row = this.db.prepare('SELECT * FROM residents WHERE id = ?').get(id) as
      ResidentRow | undefined;
    return row && toResident(row);
  }

  async updateResident(id: string, change: ResidentChange): Promise<Resident | undefined> {
    const columns: Record<keyof ResidentChange, string> = {
      householdId: 'household_id',
      name: 'name',
      gender: 'gender',
      birthYear: 'birth_year',
      livesAlone: 'lives_alone',
      careLevel: 'care_level',
      phone: 'phone',
    };
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [key, column] of Object.entries(columns) as [keyof ResidentChange, string][]) {
      if (change[key] === undefined) continue;
      sets.push(`${column} = ?`);
      const value = change[key];
      values.push(typeof value === 'boolean' ? (value ? 1 : 0) : value);
    }
    if (sets.length === 0) return this.#resident(id);
    this.db
      .prepare(`UPDATE residents SET ${sets.join(', ')}, updated_at = ? WHERE id = ?`)
      .run(...values, new Date().toISOString(), id);
    return this.#resident(id);
  }

  async getResident(id: string): Promise<Resident | undefined> {
    return this.#resident(id);
  }

  async listResidents(filter: ResidentFilter): Promise<Resident[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    if (filter.ids) {
      if (filter.ids.length === 0) return [];
      where.push(`r.id IN (${filter.ids.map(() => '?').join(',')})`);
      values.push(...filter.ids);
    }
    if (filter.gridIds) {
      if (filter.gridIds.length === 0) return [];
      where.push(`e.grid_id IN (${filter.gridIds.map(() => '?').join(',')})`);
      values.push(...filter.gridIds);
    }
    if (filter.status) {
      where.push('r.status = ?');
      values.push(filter.status);
    }
    const sql = `${effectiveGrids}
      SELECT r.* FROM residents r
        LEFT JOIN households h ON h.id = r.household_id
        LEFT JOIN effective e ON e.id = h.place_id
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY r.id LIMIT ?`;
    const rows = this.db.prepare(sql).all(...values, filter.limit ?? 1000) as ResidentRow[];
    return rows.map(toResident);
  }

  async setConsent(id: string, consent: Consent): Promise<Resident | undefined> {
    const now = new Date().toISOString();
    this.db
      .prepare(
        `UPDATE residents SET consent_face = ?, consent_photo = ?, consent_notify_contacts = ?,
           consent_recorded_at = ?, updated_at = ? WHERE id = ?`,
      )
      .run(
        consent.face ? 1 : 0,
        consent.photo ? 1 : 0,
        consent.notifyContacts ? 1 : 0,
        now,
        now,
        id,
      );
    return this.#resident(id);
  }

  async markMovedOut(id: string): Promise<Resident | undefined> {
    const now = new Date().toISOString();
    this.db.transaction(() => {
      this.db
        .prepare(
          `UPDATE residents SET status = 'moved_out', moved_out_at = ?, household_id = NULL,
             consent_face = 0, consent_photo = 0, updated_at = ? WHERE id = ?`,
        )
        .run(now, now, id);
      this.db.prepare('DELETE FROM device_bindings WHERE resident_id = ?').run(id);
    })();
    return this.#resident(id);
  }

  async deleteResident(id: string): Promise<boolean> {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM contacts WHERE resident_id = ?').run(id);
      this.db.prepare('DELETE FROM device_bindings WHERE resident_id = ?').run(id);
      return this.db.prepare('DELETE FROM residents WHERE id = ?').run(id).changes > 0;
    })();
  }

  async upsertContact(contact: Contact): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO contacts (id, resident_id, kind, name, relation, phone, username, channels,
           notify, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT DO UPDATE SET resident_id = excluded.resident_id, kind = excluded.kind,
           name = excluded.name, relation = excluded.relation, phone = excluded.phone,
           username = excluded.username, channels = excluded.channels, notify = excluded.notify`,
      )
      .run(
        contact.id,
        contact.residentId,
        contact.kind,
        contact.name,
        contact.relation,
        contact.phone,
        contact.username,
        JSON.stringify(contact.channels),
        contact.notify,
        new Date().toISOString(),
      );
  }

  async getContact(id: string): Promise<Contact | undefined> {
    const row = this.db.prepare('SELECT * FROM contacts WHERE id = ?').get(id) as
      ContactRow | undefined;
    return row && toContact(row);
  }

  async contactsOf(residentId: string): Promise<Contact[]> {
    const rows = this.db
      .prepare('SELECT * FROM contacts WHERE resident_id = ? ORDER BY kind, id')
      .all(residentId) as ContactRow[];
    return rows.map(toContact);
  }

  async deleteContact(id: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM contacts WHERE id = ?').run(id).changes > 0;
  }

  async residentsOfContactUser(username: string): Promise<string[]> {
    const rows = this.db
      .prepare('SELECT DISTINCT resident_id FROM contacts WHERE username = ? ORDER BY 1')
      .all(username) as { resident_id: string }[];
    return rows.map((row) => row.resident_id);
  }

  async bindDevice(binding: DeviceBinding): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO device_bindings (device_kind, device_id, resident_id, place_id, bound_at)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT DO UPDATE SET resident_id = excluded.resident_id,
           place_id = excluded.place_id, bound_at = excluded.bound_at`,
      )
      .run(
        binding.deviceKind,
        binding.deviceId,
        binding.residentId,
        binding.placeId,
        new Date().toISOString(),
      );
  }

  async unbindDevice(deviceKind: string, deviceId: string): Promise<boolean> {
    return (
      this.db
        .prepare('DELETE FROM device_bindings WHERE device_kind = ? AND device_id = ?')
        .run(deviceKind, deviceId).changes > 0
    );
  }

  async listBindings(filter: { residentId?: string }): Promise<DeviceBinding[]> {
    const rows = (
      filter.residentId
        ? this.db
            .prepare('SELECT * FROM device_bindings WHERE resident_id = ? ORDER BY 1, 2')
            .all(filter.residentId)
        : this.db.prepare('SELECT * FROM device_bindings ORDER BY 1, 2').all()
    ) as {
      device_kind: string;
      device_id: string;
      resident_id: string | null;
      place_id: string | null;
    }[];
    return rows.map((row) => ({
      deviceKind: row.device_kind,
      deviceId: row.device_id,
      residentId: row.resident_id,
      placeId: row.place_id,
    }));
  }

  async placementOf(subject: AlertSubject): Promise<SubjectPlacement> {
    let residentId: string | null = null;
    let placeId: string | null = null;
    if (subject.kind === 'resident') {
      residentId = subject.id;
    } else {
      const binding = this.db
        .prepare(
          'SELECT resident_id, place_id FROM device_bindings WHERE device_kind = ? AND device_id = ?',
        )
        .get(subject.kind, subject.id) as
        { resident_id: string | null; place_id: string | null } | undefined;
      residentId = binding?.resident_id ?? null;
      placeId = binding?.place_id ?? null;
    }
    if (residentId !== null) {
      const home = this.db
        .prepare(
          `SELECT h.place_id FROM residents r JOIN households h ON h.id = r.household_id
           WHERE r.id = ?`,
        )
        .get(residentId) as { place_id: string } | undefined;
      placeId = home?.place_id ?? null;
    }
    return { residentId, placeId, gridId: placeId === null ? null : this.#gridOfPlace(placeId) };
  }

  async subjectsIn(scope: { residentIds?: string[]; gridIds?: string[] }): Promise<AlertSubject[]> {
    const residentIds = new Set(scope.residentIds ?? []);
    const subjects: AlertSubject[] = [];
    const gridIds = JSON.stringify(scope.gridIds ?? []);
    if (scope.gridIds?.length) {
      const inGrids = this.db
        .prepare(
          `${effectiveGrids}
           SELECT r.id FROM residents r JOIN households h ON h.id = r.household_id
             JOIN effective e ON e.id = h.place_id
           WHERE e.grid_id IN (SELECT value FROM json_each(?))`,
        )
        .all(gridIds) as { id: string }[];
      for (const row of inGrids) residentIds.add(row.id);
      const atPlaces = this.db
        .prepare(
          `${effectiveGrids}
           SELECT b.device_kind, b.device_id FROM device_bindings b
             JOIN effective e ON e.id = b.place_id
           WHERE e.grid_id IN (SELECT value FROM json_each(?))`,
        )
        .all(gridIds) as { device_kind: string; device_id: string }[];
      for (const row of atPlaces) {
        subjects.push({ kind: row.device_kind as AlertSubject['kind'], id: row.device_id });
      }
    }
    const ids = JSON.stringify([...residentIds]);
    const devices = this.db
      .prepare(
        `SELECT device_kind, device_id FROM device_bindings
         WHERE resident_id IN (SELECT value FROM json_each(?))`,
      )
      .all(ids) as { device_kind: string; device_id: string }[];
    for (const row of devices) {
      subjects.push({ kind: row.device_kind as AlertSubject['kind'], id: row.device_id });
    }
    for (const id of residentIds) subjects.push({ kind: 'resident', id });
    return subjects;
  }

  async upsertStaffProfile(profile: StaffProfile): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO staff_profiles (username, phone, duties, channels) VALUES (?, ?, ?, ?)
         ON CONFLICT DO UPDATE SET phone = excluded.phone, duties = excluded.duties,
           channels = excluded.channels`,
      )
      .run(
        profile.username,
        profile.phone,
        JSON.stringify(profile.duties),
        JSON.stringify(profile.channels),
      );
  }

  async getStaffProfile(username: string): Promise<StaffProfile | undefined> {
    const row = this.db.prepare('SELECT * FROM staff_profiles WHERE username = ?').get(username) as
      Parameters<typeof toProfile>[0] | undefined;
    return row && toProfile(row);
  }

  async staffWithDuty(duty: Duty): Promise<StaffProfile[]> {
    const rows = this.db
      .prepare(
        `SELECT s.* FROM staff_profiles s, json_each(s.duties) d WHERE d.value = ?
         ORDER BY s.username`,
      )
      .all(duty) as Parameters<typeof toProfile>[0][];
    return rows.map(toProfile);
  }
}

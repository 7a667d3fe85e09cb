// Tables of the registry: who lives where, who looks after them, which device
// belongs to whom. Appended to the hub store's migration list, never edited.
export const registryMigration = `
  CREATE TABLE grids (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE grid_workers (
    grid_id TEXT NOT NULL REFERENCES grids (id) ON DELETE CASCADE,
    username TEXT NOT NULL,
    PRIMARY KEY (grid_id, username)
  );
  CREATE INDEX grid_workers_username ON grid_workers (username);
  CREATE TABLE places (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    parent_id TEXT REFERENCES places (id),
    grid_id TEXT REFERENCES grids (id),
    created_at TEXT NOT NULL
  );
  CREATE INDEX places_parent ON places (parent_id);
  CREATE TABLE households (
    id TEXT PRIMARY KEY,
    place_id TEXT NOT NULL REFERENCES places (id),
    name TEXT,
    phone TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX households_place ON households (place_id);
  CREATE TABLE residents (
    id TEXT PRIMARY KEY,
    household_id TEXT REFERENCES households (id),
    name TEXT NOT NULL,
    gender TEXT NOT NULL,
    birth_year INTEGER,
    lives_alone INTEGER NOT NULL DEFAULT 0,
    care_level TEXT NOT NULL,
    phone TEXT,
    consent_face INTEGER NOT NULL DEFAULT 0,
    consent_photo INTEGER NOT NULL DEFAULT 0,
    consent_notify_contacts INTEGER NOT NULL DEFAULT 1,
    consent_recorded_at TEXT,
    status TEXT NOT NULL DEFAULT 'active',
    moved_out_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX residents_household ON residents (household_id);
  CREATE TABLE contacts (
    id TEXT PRIMARY KEY,
    resident_id TEXT NOT NULL REFERENCES residents (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    relation TEXT NOT NULL,
    phone TEXT,
    username TEXT,
    channels TEXT NOT NULL,
    notify TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX contacts_resident ON contacts (resident_id);
  CREATE INDEX contacts_username ON contacts (username);
  CREATE TABLE device_bindings (
    device_kind TEXT NOT NULL,
    device_id TEXT NOT NULL,
    resident_id TEXT REFERENCES residents (id) ON DELETE CASCADE,
    place_id TEXT REFERENCES places (id),
    bound_at TEXT NOT NULL,
    PRIMARY KEY (device_kind, device_id),
    CHECK ((resident_id IS NULL) != (place_id IS NULL))
  );
  CREATE INDEX device_bindings_resident ON device_bindings (resident_id);
  CREATE TABLE staff_profiles (
    username TEXT PRIMARY KEY,
    phone TEXT,
    duties TEXT NOT NULL DEFAULT '[]',
    channels TEXT NOT NULL DEFAULT '["dashboard"]'
  );
`;

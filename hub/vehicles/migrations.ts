// Vehicles: plates registered to households, visitor passes, the watch list;
// and the access log learns vehicle entries. Appended to the hub store's
// migration list, never edited.
export const vehiclesMigration = `
  CREATE TABLE vehicles (
    site TEXT NOT NULL,
    plate TEXT NOT NULL,
    household_id TEXT NOT NULL REFERENCES households (id),
    label TEXT,
    registered_by TEXT NOT NULL,
    registered_at TEXT NOT NULL,
    PRIMARY KEY (site, plate)
  );
  CREATE INDEX vehicles_household ON vehicles (household_id);
  CREATE TABLE visitor_passes (
    id TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    plate TEXT NOT NULL,
    household_id TEXT NOT NULL REFERENCES households (id),
    visitor_name TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    revoked_at TEXT
  );
  CREATE INDEX visitor_passes_site ON visitor_passes (site, valid_until);
  CREATE TABLE vehicle_watch_list (
    site TEXT NOT NULL,
    plate TEXT NOT NULL,
    reason TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (site, plate)
  );
  CREATE TABLE vehicle_list_versions (
    site TEXT PRIMARY KEY,
    version INTEGER NOT NULL
  );
  ALTER TABLE access_events ADD COLUMN kind TEXT NOT NULL DEFAULT 'person';
  ALTER TABLE access_events ADD COLUMN plate TEXT;
  ALTER TABLE access_events ADD COLUMN plate_colour TEXT;
  ALTER TABLE access_events ADD COLUMN plate_confidence REAL;
  ALTER TABLE access_events ADD COLUMN household_id TEXT;
  ALTER TABLE access_events ADD COLUMN visitor_pass_id TEXT;
  CREATE INDEX access_events_plate ON access_events (plate, at);
`;

// Tables of electronic patrol: plans (checkpoints, routes, schedules, guard
// assignments), the scans as made, and each round as planned when it came due.
// Appended to the hub store's migration list, never edited.
export const patrolMigration = `
  CREATE TABLE patrol_checkpoints (
    id TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    name TEXT NOT NULL,
    x_m REAL NOT NULL,
    y_m REAL NOT NULL,
    tag_id TEXT NOT NULL UNIQUE,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE patrol_routes (
    id TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    name TEXT NOT NULL,
    ordered INTEGER NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE patrol_route_stops (
    route_id TEXT NOT NULL REFERENCES patrol_routes (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    checkpoint_id TEXT NOT NULL REFERENCES patrol_checkpoints (id),
    walk_seconds INTEGER NOT NULL,
    PRIMARY KEY (route_id, position)
  );
  CREATE INDEX patrol_route_stops_checkpoint ON patrol_route_stops (checkpoint_id);
  CREATE TABLE patrol_schedules (
    id TEXT PRIMARY KEY,
    route_id TEXT NOT NULL REFERENCES patrol_routes (id),
    name TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    first_round TEXT NOT NULL,
    until TEXT NOT NULL,
    every_minutes INTEGER NOT NULL,
    tolerance_minutes INTEGER NOT NULL,
    active INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE patrol_assignments (
    id TEXT PRIMARY KEY,
    schedule_id TEXT NOT NULL REFERENCES patrol_schedules (id) ON DELETE CASCADE,
    guard TEXT NOT NULL,
    from_date TEXT,
    until_date TEXT
  );
  CREATE TABLE patrol_scans (
    id TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    source TEXT NOT NULL,
    reader TEXT NOT NULL,
    guard TEXT NOT NULL,
    tag TEXT NOT NULL,
    checkpoint_id TEXT,
    scanned_at INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    problem TEXT
  );
  CREATE INDEX patrol_scans_time ON patrol_scans (scanned_at);
  CREATE TABLE patrol_rounds (
    id TEXT PRIMARY KEY,
    schedule_id TEXT NOT NULL,
    shift_date TEXT NOT NULL,
    planned_start INTEGER NOT NULL,
    accept_from INTEGER NOT NULL,
    accept_until INTEGER NOT NULL,
    plan TEXT NOT NULL,
    closed_at INTEGER
  );
  CREATE INDEX patrol_rounds_window ON patrol_rounds (accept_from, accept_until);
  CREATE INDEX patrol_rounds_shift ON patrol_rounds (shift_date);
  CREATE INDEX patrol_rounds_open ON patrol_rounds (closed_at);
  -- Hub-raised alerts are raised once per key, ever: this finds a resolved one too.
  CREATE INDEX alerts_dedup_any ON alerts (dedup_key);
`;

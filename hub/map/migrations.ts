// The community map: one floor-plan image an administrator uploads and the
// things placed on it (buildings, grids, cameras, gates, checkpoints) at
// positions relative to the image. Appended to the hub store's migration list.
export const mapMigration = `
  CREATE TABLE map_floor_plan (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    content_type TEXT NOT NULL,
    image BLOB NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
  );
  CREATE TABLE map_items (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    ref_id TEXT NOT NULL,
    label TEXT NOT NULL,
    x REAL NOT NULL,
    y REAL NOT NULL,
    updated_at TEXT NOT NULL
  );
`;

// The access log: every decision at a face gate, from the edge's recognition
// or from a gate that recognises people itself, with a small thumbnail.
// Appended to the hub store's migration list, never edited.
export const accessMigration = `
  CREATE TABLE access_events (
    key TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    edge_id TEXT NOT NULL,
    gate_id TEXT NOT NULL,
    at TEXT NOT NULL,
    decision TEXT NOT NULL,
    source TEXT NOT NULL,
    resident_id TEXT,
    resident_name TEXT,
    watch_list INTEGER NOT NULL,
    score REAL,
    sightings INTEGER NOT NULL,
    thumbnail BLOB,
    received_at TEXT NOT NULL
  );
  CREATE INDEX access_events_at ON access_events (at);
  CREATE INDEX access_events_resident ON access_events (resident_id, at);
`;

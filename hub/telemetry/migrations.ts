// Telemetry history in the embedded store. The telemetry table is rebuilt with
// ids that are never reused (AUTOINCREMENT), so the export to InfluxDB can
// follow it with a cursor even after rows were deleted, and with the sample
// time in epoch milliseconds (at_ms), because devices send ISO times with
// differing offsets that do not sort as text. Appended to the hub store's
// migration list, never edited.
export const telemetryMigration = `
  CREATE TABLE telemetry_series (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    site TEXT NOT NULL,
    device_id TEXT NOT NULL,
    at TEXT NOT NULL,
    body TEXT NOT NULL,
    at_ms INTEGER GENERATED ALWAYS AS (CAST(unixepoch(at, 'subsec') * 1000 AS INTEGER)) VIRTUAL
  );
  INSERT INTO telemetry_series (site, device_id, at, body)
    SELECT site, device_id, at, body FROM telemetry ORDER BY rowid;
  DROP TABLE telemetry;
  ALTER TABLE telemetry_series RENAME TO telemetry;
  CREATE INDEX telemetry_device ON telemetry (device_id, at);
  CREATE INDEX telemetry_device_time ON telemetry (device_id, at_ms);
  CREATE TABLE series_export (
    name TEXT PRIMARY KEY,
    last_id INTEGER NOT NULL
  );
`;

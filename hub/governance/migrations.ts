// Tables of governance: which face-gallery version each edge has confirmed it
// holds (an edge asking for changes since version N holds everything up to N),
// and each erasure of biometric data with the gallery version that removed it,
// so that "erased on every edge" can be checked rather than assumed.
// Appended to the hub store's migration list, never edited.
export const governanceMigration = `
  CREATE TABLE edge_gallery_seen (
    edge_id TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    version INTEGER NOT NULL,
    at TEXT NOT NULL
  );
  CREATE TABLE biometric_erasures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    resident_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    site TEXT,
    gallery_version INTEGER,
    requested_at TEXT NOT NULL
  );
  CREATE INDEX biometric_erasures_resident ON biometric_erasures (resident_id, id);
`;

// Tables of the face gallery: who may be recognised at which site, their
// embeddings (and photos only when configured to keep them), and per site a
// version that rises with every change so edges can pull what changed.
// Appended to the hub store's migration list, never edited.
export const facesMigration = `
  CREATE TABLE face_residents (
    resident_id TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    name TEXT NOT NULL,
    active INTEGER NOT NULL,
    watch_list INTEGER NOT NULL,
    consent INTEGER NOT NULL,
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX face_residents_site ON face_residents (site, version);
  CREATE TABLE face_embeddings (
    id TEXT PRIMARY KEY,
    resident_id TEXT NOT NULL,
    embedding BLOB NOT NULL,
    photo BLOB,
    face_size_px REAL NOT NULL,
    sharpness REAL NOT NULL,
    enrolled_by TEXT NOT NULL,
    enrolled_at TEXT NOT NULL
  );
  CREATE INDEX face_embeddings_resident ON face_embeddings (resident_id);
  CREATE TABLE face_removals (
    site TEXT NOT NULL,
    resident_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (site, resident_id)
  );
  CREATE TABLE face_gallery_versions (
    site TEXT PRIMARY KEY,
    version INTEGER NOT NULL
  );
`;

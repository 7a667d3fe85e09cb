// Cameras registered at the hub for live viewing: where the hub pulls each
// one's RTSP stream from. Appended to the hub store's migration list, never edited.
export const camerasMigration = `
  CREATE TABLE cameras (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    site TEXT NOT NULL,
    rtsp_url TEXT NOT NULL,
    place_id TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
`;

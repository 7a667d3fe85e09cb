// The hub's camera list, in the hub's SQLite database. The RTSP URL may carry
// the camera's password, so only the relay and administrators read it.
import type Database from 'better-sqlite3';
import { Type, type Static } from '@sinclair/typebox';

export const CameraId = Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' });

export const CameraRegistration = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    site: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
    rtspUrl: Type.String({ pattern: '^rtsps?://', maxLength: 512 }),
    /** The registry place it watches (building, unit), for "nearest camera". */
    placeId: Type.Union([Type.String({ maxLength: 64 }), Type.Null()], { default: null }),
  },
  { additionalProperties: false },
);
export type CameraRegistration = Static<typeof CameraRegistration>;

/** A camera as staff see it: no stream URL. */
export const CameraView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  site: Type.String(),
  placeId: Type.Union([Type.String(), Type.Null()]),
});
export type CameraView = Static<typeof CameraView>;

export interface Camera extends CameraView {
  rtspUrl: string;
}

interface CameraRow {
  id: string;
  name: string;
  site: string;
  rtsp_url: string;
  place_id: string | null;
}

function fromRow(row: CameraRow): Camera {
  return {
    id: row.id,
    name: row.name,
    site: row.site,
    rtspUrl: row.rtsp_url,
    placeId: row.place_id,
  };
}

export class CameraStore {
  constructor(private readonly db: Database.Database) {}

  list(): Camera[] {
    const rows = this.db.prepare('SELECT * FROM cameras ORDER BY site, name').all() as CameraRow[];
    return rows.map(fromRow);
  }

  get(id: string): Camera | undefined {
    const row = this.db.prepare('SELECT * FROM cameras WHERE id = ?').get(id) as
      CameraRow | undefined;
    return row && fromRow(row);
  }

  upsert(id: string, camera: CameraRegistration): Camera {
    const now = new Date().toISOString();
    this.db
      .prepare(
        `INSERT INTO cameras (id, name, site, rtsp_url, place_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, site = excluded.site,
           rtsp_url = excluded.rtsp_url, place_id = excluded.place_id,
           updated_at = excluded.updated_at`,
      )
      .run(id, camera.name, camera.site, camera.rtspUrl, camera.placeId, now, now);
    return { id, ...camera };
  }

  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM cameras WHERE id = ?').run(id).changes > 0;
  }
}

export function cameraView(camera: Camera): CameraView {
  return { id: camera.id, name: camera.name, site: camera.site, placeId: camera.placeId };
}

// The face gallery at the hub: residents known to the gates, with their
// embeddings. Every change raises the site's gallery version; removing a
// resident or withdrawing consent deletes their embeddings and photos and
// leaves only a removal marker (no biometric data) for edges to sync.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { GalleryChanges, GalleryPerson } from '../../common/contracts/gallery.ts';
import { embeddingBytes, embedderName } from '../../models/faces/mobilefacenet.ts';

export interface FaceResident {
  residentId: string;
  site: string;
  name: string;
  active: boolean;
  watchList: boolean;
  /** Consent to face recognition; without it no embedding is kept. */
  consent: boolean;
  /** Enrolled faces. */
  faces: number;
  version: number;
  updatedAt: string;
}

export type FaceResidentInput = Pick<
  FaceResident,
  'site' | 'name' | 'active' | 'watchList' | 'consent'
>;

export interface EnrolledFace {
  embedding: Float32Array;
  faceSizePx: number;
  sharpness: number;
  /** The photo, only when the hub is configured to keep photos. */
  photo?: Buffer;
}

interface ResidentRow {
  resident_id: string;
  site: string;
  name: string;
  active: number;
  watch_list: number;
  consent: number;
  version: number;
  updated_at: string;
  faces: number;
}

const selectResident = `SELECT r.*, (SELECT count(*) FROM face_embeddings e
  WHERE e.resident_id = r.resident_id) AS faces FROM face_residents r`;

function toResident(row: ResidentRow): FaceResident {
  return {
    residentId: row.resident_id,
    site: row.site,
    name: row.name,
    active: row.active === 1,
    watchList: row.watch_list === 1,
    consent: row.consent === 1,
    faces: row.faces,
    version: row.version,
    updatedAt: row.updated_at,
  };
}

// Shares the hub's SQLite file (see hub/store/sqlite.ts); every method is
// async so a PostgreSQL store can stand in for it.
export class FaceGalleryStore {
  constructor(private readonly db: Database.Database) {
    // Deleted embeddings and photos are overwritten on disk, not left in free pages.
    db.pragma('secure_delete = ON');
  }

  async getResident(residentId: string): Promise<FaceResident | undefined> {
    const row = this.db.prepare(`${selectResident} WHERE r.resident_id = ?`).get(residentId) as
      ResidentRow | undefined;
    return row ? toResident(row) : undefined;
  }

  async listResidents(site?: string): Promise<FaceResident[]> {
    const rows = (
      site
        ? this.db.prepare(`${selectResident} WHERE r.site = ? ORDER BY r.name`).all(site)
        : this.db.prepare(`${selectResident} ORDER BY r.site, r.name`).all()
    ) as ResidentRow[];
    return rows.map(toResident);
  }

  /** Creates or changes a resident; withdrawn consent deletes their faces. */
  async putResident(residentId: string, input: FaceResidentInput): Promise<FaceResident> {
    this.db.transaction(() => {
      const before = this.db
        .prepare('SELECT site FROM face_residents WHERE resident_id = ?')
        .get(residentId) as { site: string } | undefined;
      if (before && before.site !== input.site) this.#markRemoved(before.site, residentId);
      if (!input.consent) this.#deleteFaces(residentId);
      const version = this.#bump(input.site);
      this.db
        .prepare(
          `INSERT INTO face_residents (resident_id, site, name, active, watch_list, consent,
             version, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT DO UPDATE SET site = excluded.site, name = excluded.name,
             active = excluded.active, watch_list = excluded.watch_list,
             consent = excluded.consent, version = excluded.version,
             updated_at = excluded.updated_at`,
        )
        .run(
          residentId,
          input.site,
          input.name,
          input.active ? 1 : 0,
          input.watchList ? 1 : 0,
          input.consent ? 1 : 0,
          version,
          new Date().toISOString(),
        );
      this.db
        .prepare('DELETE FROM face_removals WHERE site = ? AND resident_id = ?')
        .run(input.site, residentId);
    })();
    return (await this.getResident(residentId))!;
  }

  async addFaces(residentId: string, faces: EnrolledFace[], by: string): Promise<FaceResident> {
    this.db.transaction(() => {
      const insert = this.db.prepare(
        `INSERT INTO face_embeddings (id, resident_id, embedding, photo, face_size_px, sharpness,
           enrolled_by, enrolled_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const now = new Date().toISOString();
      for (const face of faces) {
        insert.run(
          randomUUID(),
          residentId,
          embeddingBytes(face.embedding),
          face.photo ?? null,
          face.faceSizePx,
          face.sharpness,
          by,
          now,
        );
      }
      this.#touch(residentId);
    })();
    return (await this.getResident(residentId))!;
  }

  /** Deletes a resident's faces (and photos); the resident stays. */
  async clearFaces(residentId: string): Promise<void> {
    this.db.transaction(() => {
      this.#deleteFaces(residentId);
      this.#touch(residentId);
    })();
  }

  /** Deletes the resident and everything biometric about them. */
  async removeResident(residentId: string): Promise<boolean> {
    return this.db.transaction(() => {
      const row = this.db
        .prepare('SELECT site FROM face_residents WHERE resident_id = ?')
        .get(residentId) as { site: string } | undefined;
      if (!row) return false;
      this.#deleteFaces(residentId);
      this.db.prepare('DELETE FROM face_residents WHERE resident_id = ?').run(residentId);
      this.#markRemoved(row.site, residentId);
      return true;
    })();
  }

  /** What an edge of this site needs to catch up from version `since`. */
  async changesSince(site: string, since: number): Promise<GalleryChanges> {
    return this.db.transaction(() => {
      const version = this.#version(site);
      const full = since <= 0 || since > version;
      const from = full ? 0 : since;
      const rows = this.db
        .prepare(`${selectResident} WHERE r.site = ? AND r.version > ? ORDER BY r.version`)
        .all(site, from) as ResidentRow[];
      const embeddingsOf = this.db.prepare(
        'SELECT embedding FROM face_embeddings WHERE resident_id = ? ORDER BY enrolled_at',
      );
      const people: GalleryPerson[] = rows.map((row) => ({
        residentId: row.resident_id,
        name: row.name,
        active: row.active === 1,
        watchList: row.watch_list === 1,
        embeddings: (embeddingsOf.all(row.resident_id) as { embedding: Buffer }[]).map((e) =>
          e.embedding.toString('base64'),
        ),
      }));
      const removed = full
        ? []
        : (
            this.db
              .prepare('SELECT resident_id FROM face_removals WHERE site = ? AND version > ?')
              .all(site, from) as { resident_id: string }[]
          ).map((row) => row.resident_id);
      return { site, version, embedder: embedderName, full, people, removed };
    })();
  }

  #version(site: string): number {
    const row = this.db
      .prepare('SELECT version FROM face_gallery_versions WHERE site = ?')
      .get(site) as { version: number } | undefined;
    return row?.version ?? 0;
  }

  #bump(site: string): number {
    const version = this.#version(site) + 1;
    this.db
      .prepare(
        `INSERT INTO face_gallery_versions (site, version) VALUES (?, ?)
         ON CONFLICT DO UPDATE SET version = excluded.version`,
      )
      .run(site, version);
    return version;
  }

  #touch(residentId: string): void {
    const row = this.db
      .prepare('SELECT site FROM face_residents WHERE resident_id = ?')
      .get(residentId) as { site: string } | undefined;
    if (!row) return;
    this.db
      .prepare('UPDATE face_residents SET version = ?, updated_at = ? WHERE resident_id = ?')
      .run(this.#bump(row.site), new Date().toISOString(), residentId);
  }

  #markRemoved(site: string, residentId: string): void {
    this.db
      .prepare(
        `INSERT INTO face_removals (site, resident_id, version) VALUES (?, ?, ?)
         ON CONFLICT DO UPDATE SET version = excluded.version`,
      )
      .run(site, residentId, this.#bump(site));
  }

  #deleteFaces(residentId: string): void {
    this.db.prepare('DELETE FROM face_embeddings WHERE resident_id = ?').run(residentId);
  }
}

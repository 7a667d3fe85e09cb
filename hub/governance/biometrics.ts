// Biometric and image data under governance: the face gallery (embeddings and
// enrolment photos, hub/faces) and the gate access log's thumbnails
// (hub/access). Erasing a resident's faces removes them from the gallery,
// which tells every edge of the site to drop them on its next sync; each
// erasure records the gallery version that carried the removal, and an edge
// counts as confirmed once it asks for changes from that version or later.
import type Database from 'better-sqlite3';
import { FaceGalleryStore } from '../faces/store.ts';
import type { ErasureResult, PersonalDataHolder, RetentionTarget } from './holders.ts';

type Db = Database.Database;

/** Edges by site, as configured; used to say which edges must confirm. */
export type EdgesOfSite = (site: string) => string[];

export interface ErasureVerification {
  residentId: string;
  reason: string;
  requestedAt: string;
  site: string | null;
  galleryVersion: number | null;
  confirmedEdges: string[];
  pendingEdges: string[];
}

export class BiometricErasures {
  constructor(
    private readonly db: Db,
    private readonly edgesOfSite: EdgesOfSite,
  ) {}

  /** An edge asked the gallery for changes since `version`: it holds up to there. */
  recordEdgeSync(edgeId: string, site: string, version: number): void {
    this.db
      .prepare(
        `INSERT INTO edge_gallery_seen (edge_id, site, version, at) VALUES (?, ?, ?, ?)
         ON CONFLICT DO UPDATE SET site = excluded.site, version = excluded.version,
           at = excluded.at`,
      )
      .run(edgeId, site, version, new Date().toISOString());
  }

  record(residentId: string, reason: string, site: string | null, version: number | null): void {
    this.db
      .prepare(
        `INSERT INTO biometric_erasures (resident_id, reason, site, gallery_version,
           requested_at) VALUES (?, ?, ?, ?, ?)`,
      )
      .run(residentId, reason, site, version, new Date().toISOString());
  }

  /** Every erasure of the resident's biometrics, with which edges confirmed it. */
  verify(residentId: string): ErasureVerification[] {
    const rows = this.db
      .prepare('SELECT * FROM biometric_erasures WHERE resident_id = ? ORDER BY id')
      .all(residentId) as {
      resident_id: string;
      reason: string;
      site: string | null;
      gallery_version: number | null;
      requested_at: string;
    }[];
    return rows.map((row) => {
      const { confirmed, pending } = this.#edgeProgress(row.site, row.gallery_version);
      return {
        residentId: row.resident_id,
        reason: row.reason,
        requestedAt: row.requested_at,
        site: row.site,
        galleryVersion: row.gallery_version,
        confirmedEdges: confirmed,
        pendingEdges: pending,
      };
    });
  }

  #edgeProgress(
    site: string | null,
    version: number | null,
  ): { confirmed: string[]; pending: string[] } {
    if (site === null || version === null) return { confirmed: [], pending: [] };
    const confirmed: string[] = [];
    const pending: string[] = [];
    for (const edgeId of this.edgesOfSite(site)) {
      const seen = this.db
        .prepare('SELECT version FROM edge_gallery_seen WHERE edge_id = ?')
        .get(edgeId) as { version: number } | undefined;
      (seen && seen.version >= version ? confirmed : pending).push(edgeId);
    }
    return { confirmed, pending };
  }

  progress(
    site: string | null,
    version: number | null,
  ): { confirmed: string[]; pending: string[] } {
    return this.#edgeProgress(site, version);
  }
}

export function facesHolder(db: Db, erasures: BiometricErasures): PersonalDataHolder {
  const gallery = new FaceGalleryStore(db);
  return {
    name: 'faces',
    async exportResident(residentId) {
      const resident = await gallery.getResident(residentId);
      const enrolments = db
        .prepare(
          `SELECT id, face_size_px AS faceSizePx, sharpness, enrolled_by AS enrolledBy,
             enrolled_at AS enrolledAt, photo IS NOT NULL AS photoKept
           FROM face_embeddings WHERE resident_id = ? ORDER BY enrolled_at`,
        )
        .all(residentId);
      return {
        galleryEntry: resident ?? null,
        // Templates themselves are not handed out; this says what is held.
        enrolments,
        erasures: erasures.verify(residentId),
      };
    },
    async eraseResident(residentId, extent, reason): Promise<ErasureResult> {
      const before = await gallery.getResident(residentId);
      if (!before) return { removed: 0 };
      if (extent === 'photos') {
        // Embeddings stay (face consent holds); the enrolment photos go.
        const removed = db
          .prepare(
            'UPDATE face_embeddings SET photo = NULL WHERE resident_id = ? AND photo IS NOT NULL',
          )
          .run(residentId).changes;
        return { removed };
      }
      await gallery.removeResident(residentId);
      const removal = db
        .prepare('SELECT version FROM face_removals WHERE site = ? AND resident_id = ?')
        .get(before.site, residentId) as { version: number } | undefined;
      const version = removal?.version ?? null;
      erasures.record(residentId, reason, before.site, version);
      const { confirmed, pending } = erasures.progress(before.site, version);
      return { removed: before.faces, confirmedEdges: confirmed, pendingEdges: pending };
    },
  };
}

export function accessHolder(db: Db): PersonalDataHolder {
  return {
    name: 'access',
    async exportResident(residentId) {
      const rows = db
        .prepare(
          `SELECT key, site, gate_id AS gateId, at, decision, source, score,
             thumbnail FROM access_events WHERE resident_id = ? ORDER BY at`,
        )
        .all(residentId) as { thumbnail: Buffer | null }[];
      return rows.map((row) => ({
        ...row,
        thumbnail: row.thumbnail ? row.thumbnail.toString('base64') : null,
      }));
    },
    async eraseResident(residentId, extent): Promise<ErasureResult> {
      if (extent !== 'everything') {
        const removed = db
          .prepare(
            `UPDATE access_events SET thumbnail = NULL
             WHERE resident_id = ? AND thumbnail IS NOT NULL`,
          )
          .run(residentId).changes;
        return { removed };
      }
      return {
        removed: db.prepare('DELETE FROM access_events WHERE resident_id = ?').run(residentId)
          .changes,
      };
    },
  };
}

function thumbnailRetention(
  db: Db,
  kind: 'strangerSnapshots' | 'accessThumbnails',
): RetentionTarget {
  const whose = kind === 'strangerSnapshots' ? 'resident_id IS NULL' : 'resident_id IS NOT NULL';
  return {
    kind,
    name: kind === 'strangerSnapshots' ? 'stranger gate snapshots' : 'access thumbnails',
    async purgeBefore(cutoff) {
      return db
        .prepare(
          `UPDATE access_events SET thumbnail = NULL
           WHERE ${whose} AND at < ? AND thumbnail IS NOT NULL`,
        )
        .run(cutoff.toISOString()).changes;
    },
  };
}

export function strangerSnapshotRetention(db: Db): RetentionTarget {
  return thumbnailRetention(db, 'strangerSnapshots');
}

export function accessThumbnailRetention(db: Db): RetentionTarget {
  return thumbnailRetention(db, 'accessThumbnails');
}

// The edge's copy of its site's face gallery, in the edge's SQLite file so
// that gates keep deciding while the hub is away. Matching is 1:N over every
// enrolled embedding, held in memory as one packed array.
import type { GalleryChanges } from '../../common/contracts/gallery.ts';
import { embeddingFromBytes, embeddingLength } from '../../models/faces/mobilefacenet.ts';
import type { EdgeDatabase } from '../store/database.ts';

export interface GalleryEntry {
  residentId: string;
  name: string;
  active: boolean;
  watchList: boolean;
}

export interface GalleryMatch {
  entry: GalleryEntry;
  /** Cosine similarity of the best of this resident's embeddings. */
  score: number;
}

interface PersonRow {
  resident_id: string;
  name: string;
  active: number;
  watch_list: number;
  embeddings: Buffer;
}

// Created here rather than in edge/store/database.ts so the gallery's tables
// exist only on edges that recognise faces.
const schema = `
  CREATE TABLE IF NOT EXISTS face_gallery (
    resident_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    active INTEGER NOT NULL,
    watch_list INTEGER NOT NULL,
    embeddings BLOB NOT NULL
  );
  CREATE TABLE IF NOT EXISTS face_gallery_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL,
    embedder TEXT NOT NULL
  );`;

export class FaceGallery {
  /** resident id → entry */
  #entries = new Map<string, GalleryEntry>();
  /** All embeddings, embeddingLength floats each, and whose each one is. */
  #vectors = new Float32Array(0);
  #owners: GalleryEntry[] = [];
  #version = 0;

  constructor(private readonly db: EdgeDatabase) {
    db.exec(schema);
    const state = db.prepare('SELECT version FROM face_gallery_state WHERE id = 1').get() as
      { version: number } | undefined;
    this.#version = state?.version ?? 0;
    this.#load();
  }

  get version(): number {
    return this.#version;
  }

  /** Residents in the gallery, and how many embeddings they have in all. */
  get size(): { residents: number; embeddings: number } {
    return { residents: this.#entries.size, embeddings: this.#owners.length };
  }

  person(residentId: string): GalleryEntry | undefined {
    return this.#entries.get(residentId);
  }

  /** The resident whose embedding is closest, whatever the score. */
  best(embedding: Float32Array): GalleryMatch | undefined {
    let bestScore = -2;
    let bestIndex = -1;
    const vectors = this.#vectors;
    for (let index = 0; index < this.#owners.length; index++) {
      let score = 0;
      const offset = index * embeddingLength;
      for (let k = 0; k < embeddingLength; k++) score += vectors[offset + k]! * embedding[k]!;
      if (score > bestScore) {
        bestScore = score;
        bestIndex = index;
      }
    }
    return bestIndex < 0 ? undefined : { entry: this.#owners[bestIndex]!, score: bestScore };
  }

  /** Applies what the hub sent, on disk first, then in memory. */
  apply(changes: GalleryChanges): void {
    const upsert = this.db.prepare(
      `INSERT INTO face_gallery (resident_id, name, active, watch_list, embeddings)
       VALUES (?, ?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET name = excluded.name, active = excluded.active,
         watch_list = excluded.watch_list, embeddings = excluded.embeddings`,
    );
    const remove = this.db.prepare('DELETE FROM face_gallery WHERE resident_id = ?');
    this.db.transaction(() => {
      if (changes.full) this.db.exec('DELETE FROM face_gallery');
      for (const residentId of changes.removed) remove.run(residentId);
      for (const person of changes.people) {
        // A resident without faces (none enrolled, or consent withdrawn) cannot match.
        if (person.embeddings.length === 0) {
          remove.run(person.residentId);
          continue;
        }
        const packed = Buffer.concat(person.embeddings.map((e) => Buffer.from(e, 'base64')));
        upsert.run(
          person.residentId,
          person.name,
          person.active ? 1 : 0,
          person.watchList ? 1 : 0,
          packed,
        );
      }
      this.db
        .prepare(
          `INSERT INTO face_gallery_state (id, version, embedder) VALUES (1, ?, ?)
           ON CONFLICT DO UPDATE SET version = excluded.version, embedder = excluded.embedder`,
        )
        .run(changes.version, changes.embedder);
    })();
    this.#version = changes.version;
    this.#load();
  }

  #load(): void {
    const rows = this.db.prepare('SELECT * FROM face_gallery').all() as PersonRow[];
    const entries = new Map<string, GalleryEntry>();
    const owners: GalleryEntry[] = [];
    const chunks: Float32Array[] = [];
    for (const row of rows) {
      const entry = {
        residentId: row.resident_id,
        name: row.name,
        active: row.active === 1,
        watchList: row.watch_list === 1,
      };
      entries.set(entry.residentId, entry);
      const stride = embeddingLength * 4;
      for (let offset = 0; offset + stride <= row.embeddings.length; offset += stride) {
        chunks.push(embeddingFromBytes(row.embeddings.subarray(offset, offset + stride)));
        owners.push(entry);
      }
    }
    const vectors = new Float32Array(owners.length * embeddingLength);
    chunks.forEach((chunk, index) => vectors.set(chunk, index * embeddingLength));
    this.#entries = entries;
    this.#owners = owners;
    this.#vectors = vectors;
  }
}

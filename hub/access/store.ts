// The access log at the hub: people at face gates and vehicles at barriers
// (kind "vehicle", with the plate read). record() is synchronous so that an edge's ingest
// stores the event inside its own transaction (see hub/store/sqlite.ts).
import type Database from 'better-sqlite3';
import type { AccessDecision, AccessEvent } from '../../common/contracts/access.ts';

export interface StoredAccessEvent {
  key: string;
  kind: 'person' | 'vehicle';
  site: string;
  edgeId: string;
  gateId: string;
  at: string;
  decision: AccessDecision;
  source: 'edge' | 'gate';
  residentId: string | null;
  residentName: string | null;
  watchList: boolean;
  score: number | null;
  sightings: number;
  hasThumbnail: boolean;
  receivedAt: string;
  plate: string | null;
  plateColour: string | null;
  plateConfidence: number | null;
  householdId: string | null;
  visitorPassId: string | null;
}

export interface AccessFilter {
  kind?: 'person' | 'vehicle';
  plate?: string;
  site?: string;
  gateId?: string;
  residentId?: string;
  decision?: AccessDecision;
  /** Only events before this time (ISO), for paging back. */
  before?: string;
  limit: number;
}

interface AccessRow {
  key: string;
  kind: string;
  plate: string | null;
  plate_colour: string | null;
  plate_confidence: number | null;
  household_id: string | null;
  visitor_pass_id: string | null;
  site: string;
  edge_id: string;
  gate_id: string;
  at: string;
  decision: string;
  source: string;
  resident_id: string | null;
  resident_name: string | null;
  watch_list: number;
  score: number | null;
  sightings: number;
  has_thumbnail: number;
  received_at: string;
}

export function recordAccessEvent(
  db: Database.Database,
  edgeId: string,
  key: string,
  event: AccessEvent,
  receivedAt: string,
): void {
  db.prepare(
    `INSERT OR IGNORE INTO access_events (key, site, edge_id, gate_id, at, decision, source,
       resident_id, resident_name, watch_list, score, sightings, thumbnail, received_at,
       kind, plate, plate_colour, plate_confidence, household_id, visitor_pass_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    key,
    event.site,
    edgeId,
    event.deviceId,
    event.at,
    event.decision,
    event.source,
    event.residentId ?? null,
    event.residentName ?? null,
    event.watchList ? 1 : 0,
    event.score ?? null,
    event.sightings,
    event.thumbnail ? Buffer.from(event.thumbnail, 'base64') : null,
    receivedAt,
    event.kind ?? 'person',
    event.vehicle?.plate ?? null,
    event.vehicle?.colour ?? null,
    event.vehicle?.confidence ?? null,
    event.vehicle?.householdId ?? null,
    event.vehicle?.passId ?? null,
  );
}

export class AccessLog {
  constructor(private readonly db: Database.Database) {}

  async list(filter: AccessFilter): Promise<StoredAccessEvent[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    const conditions: [string, unknown][] = [
      ['kind = ?', filter.kind],
      ['plate = ?', filter.plate],
      ['site = ?', filter.site],
      ['gate_id = ?', filter.gateId],
      ['resident_id = ?', filter.residentId],
      ['decision = ?', filter.decision],
      ['at < ?', filter.before],
    ];
    for (const [condition, value] of conditions) {
      if (value === undefined) continue;
      where.push(condition);
      values.push(value);
    }
    const rows = this.db
      .prepare(
        `SELECT key, site, edge_id, gate_id, at, decision, source, resident_id, resident_name,
           watch_list, score, sightings, thumbnail IS NOT NULL AS has_thumbnail, received_at,
           kind, plate, plate_colour, plate_confidence, household_id, visitor_pass_id
         FROM access_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY at DESC LIMIT ?`,
      )
      .all(...values, filter.limit) as AccessRow[];
    return rows.map((row) => ({
      key: row.key,
      kind: row.kind === 'vehicle' ? 'vehicle' : 'person',
      site: row.site,
      edgeId: row.edge_id,
      gateId: row.gate_id,
      at: row.at,
      decision: row.decision as AccessDecision,
      source: row.source as 'edge' | 'gate',
      residentId: row.resident_id,
      residentName: row.resident_name,
      watchList: row.watch_list === 1,
      score: row.score,
      sightings: row.sightings,
      hasThumbnail: row.has_thumbnail === 1,
      receivedAt: row.received_at,
      plate: row.plate,
      plateColour: row.plate_colour,
      plateConfidence: row.plate_confidence,
      householdId: row.household_id,
      visitorPassId: row.visitor_pass_id,
    }));
  }

  async thumbnail(key: string): Promise<Buffer | undefined> {
    const row = this.db.prepare('SELECT thumbnail FROM access_events WHERE key = ?').get(key) as
      { thumbnail: Buffer | null } | undefined;
    return row?.thumbnail ?? undefined;
  }
}

// The community map in the hub's SQLite database.
import type Database from 'better-sqlite3';
import { Type, type Static } from '@sinclair/typebox';

export const MapItemKind = Type.Union([
  Type.Literal('building'),
  Type.Literal('grid'),
  Type.Literal('camera'),
  Type.Literal('gate'),
  Type.Literal('checkpoint'),
]);

/** Where a thing sits on the plan: x and y are fractions of its width and height. */
export const MapItemPlacement = Type.Object(
  {
    kind: MapItemKind,
    /** The registry place, grid, camera, gate or checkpoint id it stands for. */
    refId: Type.String({ minLength: 1, maxLength: 128 }),
    label: Type.String({ minLength: 1, maxLength: 64 }),
    x: Type.Number({ minimum: 0, maximum: 1 }),
    y: Type.Number({ minimum: 0, maximum: 1 }),
  },
  { additionalProperties: false },
);
export type MapItemPlacement = Static<typeof MapItemPlacement>;

export const MapItem = Type.Composite([Type.Object({ id: Type.String() }), MapItemPlacement]);
export type MapItem = Static<typeof MapItem>;

export const FloorPlanInfo = Type.Object({
  contentType: Type.String(),
  width: Type.Integer(),
  height: Type.Integer(),
  uploadedBy: Type.String(),
  uploadedAt: Type.String(),
});
export type FloorPlanInfo = Static<typeof FloorPlanInfo>;

interface ItemRow {
  id: string;
  kind: MapItem['kind'];
  ref_id: string;
  label: string;
  x: number;
  y: number;
}

interface PlanRow {
  content_type: string;
  width: number;
  height: number;
  uploaded_by: string;
  uploaded_at: string;
  image?: Buffer;
}

function planInfo(row: PlanRow): FloorPlanInfo {
  return {
    contentType: row.content_type,
    width: row.width,
    height: row.height,
    uploadedBy: row.uploaded_by,
    uploadedAt: row.uploaded_at,
  };
}

export class MapStore {
  constructor(private readonly db: Database.Database) {}

  floorPlan(): FloorPlanInfo | undefined {
    const row = this.db
      .prepare(
        `SELECT content_type, width, height, uploaded_by, uploaded_at
         FROM map_floor_plan WHERE id = 1`,
      )
      .get() as PlanRow | undefined;
    return row && planInfo(row);
  }

  floorPlanImage(): { contentType: string; image: Buffer; uploadedAt: string } | undefined {
    const row = this.db
      .prepare('SELECT content_type, image, uploaded_at FROM map_floor_plan WHERE id = 1')
      .get() as PlanRow | undefined;
    return (
      row?.image && {
        contentType: row.content_type,
        image: row.image,
        uploadedAt: row.uploaded_at,
      }
    );
  }

  saveFloorPlan(plan: FloorPlanInfo & { image: Buffer }): void {
    this.db
      .prepare(
        `INSERT INTO map_floor_plan (id, content_type, image, width, height, uploaded_by,
           uploaded_at) VALUES (1, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET content_type = excluded.content_type,
           image = excluded.image, width = excluded.width, height = excluded.height,
           uploaded_by = excluded.uploaded_by, uploaded_at = excluded.uploaded_at`,
      )
      .run(plan.contentType, plan.image, plan.width, plan.height, plan.uploadedBy, plan.uploadedAt);
  }

  items(): MapItem[] {
    const rows = this.db.prepare('SELECT * FROM map_items ORDER BY kind, label').all() as ItemRow[];
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      refId: row.ref_id,
      label: row.label,
      x: row.x,
      y: row.y,
    }));
  }

  placeItem(id: string, item: MapItemPlacement): MapItem {
    this.db
      .prepare(
        `INSERT INTO map_items (id, kind, ref_id, label, x, y, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, ref_id = excluded.ref_id,
           label = excluded.label, x = excluded.x, y = excluded.y,
           updated_at = excluded.updated_at`,
      )
      .run(id, item.kind, item.refId, item.label, item.x, item.y, new Date().toISOString());
    return { id, ...item };
  }

  removeItem(id: string): boolean {
    return this.db.prepare('DELETE FROM map_items WHERE id = ?').run(id).changes > 0;
  }
}

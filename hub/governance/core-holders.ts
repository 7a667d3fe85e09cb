// The hub's own holders of personal data: the registry entry, alerts about the
// resident and their devices, wristband telemetry, notifications sent about
// them, and the audit trail of who did what with their data. Each exports and
// erases its part; the audit trail is kept (it is the record of lawful use).
import type Database from 'better-sqlite3';
import type { RegistryStore } from '../registry/store.ts';
import {
  BiometricErasures,
  accessHolder,
  accessThumbnailRetention,
  facesHolder,
  strangerSnapshotRetention,
} from './biometrics.ts';
import type {
  DataGovernance,
  ErasureResult,
  PersonalDataHolder,
  RetentionTarget,
} from './holders.ts';

type Db = Database.Database;

async function devicesOf(registry: RegistryStore, residentId: string) {
  return registry.listBindings({ residentId });
}

/** Alerts whose subject is the resident or one of their devices, as SQL and values. */
async function alertSubjects(
  registry: RegistryStore,
  residentId: string,
): Promise<{ where: string; values: string[] }> {
  const clauses = [`(subject_kind = 'resident' AND subject_id = ?)`];
  const values = [residentId];
  for (const device of await devicesOf(registry, residentId)) {
    clauses.push('(subject_kind = ? AND subject_id = ?)');
    values.push(device.deviceKind, device.deviceId);
  }
  return { where: clauses.join(' OR '), values };
}

export function registryHolder(registry: RegistryStore): PersonalDataHolder {
  return {
    name: 'registry',
    async exportResident(residentId) {
      const resident = await registry.getResident(residentId);
      const household = resident?.householdId
        ? await registry.getHousehold(resident.householdId)
        : undefined;
      return {
        resident: resident ?? null,
        household: household ?? null,
        contacts: await registry.contactsOf(residentId),
        devices: await devicesOf(registry, residentId),
      };
    },
    async eraseResident(residentId, extent): Promise<ErasureResult> {
      if (extent !== 'everything') return { removed: 0 };
      const contacts = (await registry.contactsOf(residentId)).length;
      const devices = (await devicesOf(registry, residentId)).length;
      const removed = await registry.deleteResident(residentId);
      return { removed: removed ? 1 + contacts + devices : 0 };
    },
  };
}

export function alertsHolder(db: Db, registry: RegistryStore): PersonalDataHolder {
  return {
    name: 'alerts',
    async exportResident(residentId) {
      const { where, values } = await alertSubjects(registry, residentId);
      const alerts = db
        .prepare(`SELECT * FROM alerts WHERE ${where} ORDER BY received_at`)
        .all(...values) as { id: string; evidence: string | null }[];
      return alerts.map((alert) => ({
        ...alert,
        evidence: alert.evidence ? (JSON.parse(alert.evidence) as unknown) : null,
      }));
    },
    async eraseResident(residentId, extent): Promise<ErasureResult> {
      if (extent !== 'everything') return { removed: 0 };
      // The alert itself stays for the police room's record; what it showed goes.
      const { where, values } = await alertSubjects(registry, residentId);
      const result = db
        .prepare(`UPDATE alerts SET evidence = NULL WHERE (${where}) AND evidence IS NOT NULL`)
        .run(...values);
      return { removed: result.changes };
    },
  };
}

export function telemetryHolder(db: Db, registry: RegistryStore): PersonalDataHolder {
  const bandIds = async (residentId: string) =>
    (await devicesOf(registry, residentId))
      .filter((device) => device.deviceKind === 'band')
      .map((device) => device.deviceId);
  return {
    name: 'telemetry',
    async exportResident(residentId) {
      const bands = await bandIds(residentId);
      if (bands.length === 0) return { telemetry: [], events: [] };
      const marks = bands.map(() => '?').join(',');
      const parse = (rows: { body: string }[]) =>
        rows.map((row) => ({ ...row, body: JSON.parse(row.body) as unknown }));
      return {
        telemetry: parse(
          db
            .prepare(`SELECT * FROM telemetry WHERE device_id IN (${marks}) ORDER BY at`)
            .all(...bands) as { body: string }[],
        ),
        events: parse(
          db
            .prepare(
              `SELECT * FROM device_events WHERE device_kind = 'band' AND device_id IN (${marks})
               ORDER BY at`,
            )
            .all(...bands) as { body: string }[],
        ),
      };
    },
    async eraseResident(residentId, extent): Promise<ErasureResult> {
      if (extent !== 'everything') return { removed: 0 };
      const bands = await bandIds(residentId);
      if (bands.length === 0) return { removed: 0 };
      const marks = bands.map(() => '?').join(',');
      return db.transaction(() => {
        const telemetry = db
          .prepare(`DELETE FROM telemetry WHERE device_id IN (${marks})`)
          .run(...bands).changes;
        const events = db
          .prepare(
            `DELETE FROM device_events WHERE device_kind = 'band' AND device_id IN (${marks})`,
          )
          .run(...bands).changes;
        const state = db
          .prepare(
            `UPDATE device_state SET telemetry = NULL, telemetry_at = NULL
             WHERE device_kind = 'band' AND device_id IN (${marks})`,
          )
          .run(...bands).changes;
        return { removed: telemetry + events + state };
      })();
    },
  };
}

export function notificationsHolder(db: Db, registry: RegistryStore): PersonalDataHolder {
  return {
    name: 'notifications',
    async exportResident(residentId) {
      const { where, values } = await alertSubjects(registry, residentId);
      return db
        .prepare(
          `SELECT d.* FROM deliveries d WHERE d.alert_id IN (SELECT id FROM alerts WHERE ${where})
           ORDER BY d.created_at`,
        )
        .all(...values);
    },
    async eraseResident(): Promise<ErasureResult> {
      // Deliveries stay as the record of who was told; they name no health data.
      return { removed: 0 };
    },
  };
}

export function auditHolder(db: Db): PersonalDataHolder {
  return {
    name: 'audit',
    async exportResident(residentId) {
      // Direct entries, and list reads whose detail names this resident.
      return db
        .prepare(
          `SELECT * FROM audit WHERE target = ?
             OR (target = 'residents' AND detail LIKE ?) ORDER BY id`,
        )
        .all(`resident:${residentId}`, `%${JSON.stringify(residentId)}%`);
    },
    async eraseResident(): Promise<ErasureResult> {
      return { removed: 0 };
    },
  };
}

export function telemetryRetention(db: Db): RetentionTarget {
  return {
    kind: 'telemetry',
    name: 'telemetry rows and band events',
    async purgeBefore(cutoff) {
      const before = cutoff.toISOString();
      return db.transaction(() => {
        const rows = db.prepare('DELETE FROM telemetry WHERE at < ?').run(before).changes;
        const events = db.prepare('DELETE FROM device_events WHERE at < ?').run(before).changes;
        return rows + events;
      })();
    },
  };
}

export function alertEvidenceRetention(db: Db): RetentionTarget {
  return {
    kind: 'alertEvidence',
    name: 'evidence of resolved alerts',
    async purgeBefore(cutoff) {
      return db
        .prepare(
          `UPDATE alerts SET evidence = NULL
           WHERE state = 'resolved' AND updated_at < ? AND evidence IS NOT NULL`,
        )
        .run(cutoff.toISOString()).changes;
    },
  };
}

/** The hub's own holders and retention targets; the registry first, so it is erased last. */
export function registerCoreHolders(
  governance: DataGovernance,
  db: Db,
  registry: RegistryStore,
  edges: { id: string; site: string }[],
): void {
  const erasures = new BiometricErasures(db, (site) =>
    edges.filter((edge) => edge.site === site).map((edge) => edge.id),
  );
  governance.biometricErasures = erasures;
  governance.registerHolder(registryHolder(registry));
  governance.registerHolder(alertsHolder(db, registry));
  governance.registerHolder(telemetryHolder(db, registry));
  governance.registerHolder(notificationsHolder(db, registry));
  governance.registerHolder(auditHolder(db));
  governance.registerHolder(facesHolder(db, erasures));
  governance.registerHolder(accessHolder(db));
  governance.registerRetention(telemetryRetention(db));
  governance.registerRetention(alertEvidenceRetention(db));
  governance.registerRetention(strangerSnapshotRetention(db));
  governance.registerRetention(accessThumbnailRetention(db));
}

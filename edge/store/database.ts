// The edge's own SQLite file: outbox, standing conditions and counters that
// must survive a restart. WAL with synchronous=FULL: a committed alarm is on
// disk before the device is told it was received.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type EdgeDatabase = Database.Database;

const migrations: string[] = [
  `CREATE TABLE outbox (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     key TEXT NOT NULL UNIQUE,
     priority INTEGER NOT NULL,
     kind TEXT NOT NULL,
     body TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE INDEX outbox_order ON outbox (priority, id);
   CREATE TABLE conditions (
     dedup_key TEXT PRIMARY KEY,
     raised_at INTEGER NOT NULL
   );`,
  // Elderly-care rules: per band and rule, what must outlive a restart (since
  // when a band is off the wrist, how long its wearer has not moved, ...).
  `CREATE TABLE care_state (
     rule TEXT NOT NULL,
     band_id TEXT NOT NULL,
     state TEXT NOT NULL,
     PRIMARY KEY (rule, band_id)
   );`,
  `CREATE TABLE dead_letter (
     key TEXT PRIMARY KEY,
     kind TEXT NOT NULL,
     body TEXT NOT NULL,
     reason TEXT NOT NULL,
     set_aside_at INTEGER NOT NULL
   );`,
  `CREATE TABLE device_commands (
     id TEXT PRIMARY KEY,
     device_id TEXT NOT NULL,
     payload TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     delivered_at INTEGER
   );
   CREATE INDEX device_commands_pending ON device_commands (device_id, delivered_at);`,
];

export function openEdgeDatabase(dataDir: string): EdgeDatabase {
  mkdirSync(dataDir, { recursive: true });
  const database = new Database(join(dataDir, 'edge.sqlite'));
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('busy_timeout = 5000');
  migrate(database);
  return database;
}

function migrate(database: EdgeDatabase): void {
  const current = database.pragma('user_version', { simple: true }) as number;
  for (let version = current; version < migrations.length; version++) {
    database.transaction(() => {
      database.exec(migrations[version]!);
      database.pragma(`user_version = ${version + 1}`);
    })();
  }
}

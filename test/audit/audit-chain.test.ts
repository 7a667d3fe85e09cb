import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteHubStore } from '../../hub/store/sqlite.ts';
import { temporaryFolder } from '../support/spine.ts';

const havenBin = fileURLToPath(new URL('../../bin/haven', import.meta.url));

interface Verdict {
  entries: number;
  head: string;
  firstBreak: { id: number; action: string; problem: string } | null;
}

/** Runs `haven audit verify` on a copy of the database, changed by `tamper` first. */
function verifyCopy(source: string, folder: string, tamper?: (db: Database.Database) => void) {
  const dataDir = `${folder}/${Math.random().toString(36).slice(2)}`;
  mkdirSync(dataDir);
  copyFileSync(source, `${dataDir}/hub.sqlite`);
  if (tamper) {
    const db = new Database(`${dataDir}/hub.sqlite`);
    tamper(db);
    db.close();
  }
  const config = `${dataDir}/hub.json`;
  writeFileSync(config, JSON.stringify({ dataDir }));
  const run = spawnSync(havenBin, ['audit', 'verify', '--config', config], { encoding: 'utf8' });
  return { status: run.status, verdict: JSON.parse(run.stdout) as Verdict, stderr: run.stderr };
}

describe('the tamper-evident audit log', () => {
  const folder = temporaryFolder('audit');
  let database: string;

  beforeAll(async () => {
    const store = new SqliteHubStore(`${folder.path}/hub`);
    for (let step = 1; step <= 8; step++) {
      await store.audit('registrar', 'personal_data_read', `resident:r-${step}`, { step });
    }
    await store.close();
    database = `${folder.path}/hub/hub.sqlite`;
  });

  afterAll(() => folder.remove());

  it('verifies an untouched log and prints the head to keep', () => {
    const { status, verdict, stderr } = verifyCopy(database, folder.path);
    expect(status, stderr).toBe(0);
    expect(verdict.entries).toBe(8);
    expect(verdict.firstBreak).toBeNull();
    expect(verdict.head).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names the first entry whose content was changed', () => {
    const { status, verdict } = verifyCopy(database, folder.path, (db) => {
      db.prepare(`UPDATE audit SET actor = 'someone-else' WHERE id = 3`).run();
    });
    expect(status, 'a broken chain exits non-zero').toBe(1);
    expect(verdict.firstBreak).toMatchObject({ id: 3, problem: /content/ });
  });

  it('names the entry after one that was removed', () => {
    const { status, verdict } = verifyCopy(database, folder.path, (db) => {
      db.prepare('DELETE FROM audit WHERE id = 5').run();
    });
    expect(status).toBe(1);
    expect(verdict.firstBreak).toMatchObject({ id: 6, problem: /does not chain/ });
  });
});

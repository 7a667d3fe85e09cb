// `haven audit verify`: opens the hub's database read-only and checks the
// audit chain, so it can run beside a live hub.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { verifyAuditChain, type ChainReport } from './chain.ts';

export function verifyHubAudit(dataDir: string): ChainReport & { database: string } {
  const database = join(dataDir, 'hub.sqlite');
  if (!existsSync(database)) {
    throw new Error(`no hub database at ${database}; is dataDir in the config right?`);
  }
  const db = new Database(database, { readonly: true, fileMustExist: true });
  try {
    return { database, ...verifyAuditChain(db) };
  } finally {
    db.close();
  }
}

// The audit log becomes a hash chain: each entry stores the hash of the entry
// before it and its own hash over both (hub/audit/chain.ts). Entries written
// before this migration have no hash and are counted as unchained.
// Appended to the hub store's migration list, never edited.
export const auditChainMigration = `
  ALTER TABLE audit ADD COLUMN prev_hash TEXT;
  ALTER TABLE audit ADD COLUMN hash TEXT;
`;

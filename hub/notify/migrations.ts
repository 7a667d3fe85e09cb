// Tables of notification: who was told about which alert, on which channel, how
// far each alert's escalation has gone, and where phones receive Web Push.
// Appended to the hub store's migration list, never edited.
export const notifyMigration = `
  CREATE TABLE escalations (
    alert_id TEXT PRIMARY KEY,
    policy TEXT NOT NULL,
    tier INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    next_tier_at INTEGER,
    next_reminder_at INTEGER,
    reminders INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL,
    ended_at INTEGER
  );
  CREATE INDEX escalations_running ON escalations (state);
  CREATE TABLE deliveries (
    id TEXT PRIMARY KEY,
    alert_id TEXT NOT NULL,
    recipient_kind TEXT NOT NULL,
    recipient_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    tier INTEGER NOT NULL,
    reminder INTEGER NOT NULL DEFAULT 0,
    channel TEXT,
    status TEXT NOT NULL,
    attempts TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX deliveries_alert ON deliveries (alert_id, created_at);
  CREATE TABLE push_subscriptions (
    endpoint TEXT PRIMARY KEY,
    recipient_kind TEXT NOT NULL,
    recipient_id TEXT NOT NULL,
    keys TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX push_subscriptions_recipient ON push_subscriptions (recipient_kind, recipient_id);
`;

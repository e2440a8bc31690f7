import type { Database } from 'better-sqlite3';
import { ROLLUP_MIGRATION_SQL } from './rollup.js';

// The ledger's schema, versioned with PRAGMA user_version: migration N brings a
// database from version N-1 to N. Append new migrations; never edit a shipped one.

export interface Migration {
  version: number;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE requests (
        id                 INTEGER PRIMARY KEY,
        ts                 INTEGER NOT NULL,  -- ms since epoch, request arrival
        request_id         TEXT,
        session_id         TEXT,
        project            TEXT,
        port               INTEGER,
        provider           TEXT,
        requested_model    TEXT NOT NULL,
        upstream_model     TEXT,
        scenario           TEXT,
        strategy           TEXT,
        attempts           INTEGER NOT NULL DEFAULT 0,
        fallback_path      TEXT,
        status             INTEGER NOT NULL,
        error_type         TEXT,
        input_tokens       INTEGER,
        output_tokens      INTEGER,
        cache_read_tokens  INTEGER,
        cache_write_tokens INTEGER,
        cost_usd           REAL,              -- NULL: price unknown (never 0 for unknown)
        provider_cost_usd  REAL,
        cost_drift         REAL,
        latency_ms         REAL,
        ttft_ms            REAL,
        stream             INTEGER NOT NULL DEFAULT 0
      );
      -- Every usage query is a time range. Measured on 1M rows: (ts, provider, ...)
      -- style composites are not chosen by the planner for GROUP BY (the sums need
      -- the table row anyway) and cost ~1 µs per insert each, so ranges use (ts);
      -- session and project drill-downs ("what did this session cost") get their
      -- own (x, ts) index: 66 ms -> <0.1 ms.
      CREATE INDEX requests_ts ON requests (ts);
      CREATE INDEX requests_session_ts ON requests (session_id, ts);
      CREATE INDEX requests_project_ts ON requests (project, ts);
    `,
  },
  {
    version: 2,
    // What the same tokens would have cost at Anthropic's list price for the
    // requested tier: savings = reference − cost, summed where both are known.
    sql: `ALTER TABLE requests ADD COLUMN reference_cost_usd REAL;`,
  },
  {
    version: 3,
    // The hourly rollup the usage API reads (rollup.ts), filled from existing rows.
    sql: ROLLUP_MIGRATION_SQL,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/**
 * WAL + synchronous=NORMAL: a commit appends its frames to the -wal file with
 * write(2) but does not fsync; the WAL is fsynced at checkpoints. Once write()
 * returns the bytes belong to the kernel, so a killed process (SIGKILL, a crash)
 * loses nothing it committed, and the next open replays the WAL up to the last
 * complete commit frame (frames are checksummed: a torn tail is ignored, never
 * half-applied). Only an OS crash or power loss can drop the commits since the
 * last checkpoint, and even then the file stays consistent. That meets "lose at
 * most the last batch window" for process crashes without paying an fsync per
 * batch (synchronous=FULL).
 */
export function applyPragmas(db: Database, busyTimeoutMs = 5000): void {
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (String(mode).toLowerCase() !== 'wal') throw new Error(`usage ledger: cannot switch ${db.name} to WAL (journal_mode is ${String(mode)})`);
  db.pragma('synchronous = NORMAL');
  // Another process (a second gateway, a reporting tool) may hold the write lock briefly.
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  // Truncate the WAL back to this size after checkpoints instead of letting it keep its peak size.
  db.pragma('journal_size_limit = 67108864');
  // Sorts and the batch fold's temp table (rollup.ts) stay in memory: they are small and per batch.
  db.pragma('temp_store = MEMORY');
}

export function schemaVersion(db: Database): number {
  return Number(db.pragma('user_version', { simple: true }));
}

/**
 * Brings the database to SCHEMA_VERSION. Runs under BEGIN IMMEDIATE and re-reads
 * the version inside it, so two processes opening the same file at once migrate
 * it once. A database from a newer Switchboard is refused rather than written to.
 * Returns the versions applied.
 */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const latest = migrations.length ? migrations[migrations.length - 1].version : 0;
  const run = db.transaction((): number[] => {
    const current = schemaVersion(db);
    if (current > latest) {
      throw new Error(`usage ledger ${db.name} has schema version ${current}, newer than this Switchboard understands (${latest}); upgrade Switchboard or move the file aside`);
    }
    const applied: number[] = [];
    for (const m of migrations) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      // user_version lives in the header page, so it commits (or rolls back) with the migration.
      db.pragma(`user_version = ${m.version}`);
      applied.push(m.version);
    }
    return applied;
  });
  return run.immediate();
}

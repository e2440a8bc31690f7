import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultLedgerPath } from './location.js';
import { UsageLedger } from './ledger.js';
import { COLUMNS } from './row.js';
import { applyPragmas, migrate, MIGRATIONS, SCHEMA_VERSION, schemaVersion, type Migration } from './schema.js';

describe('ledger schema', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-ledger-schema-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('migrates an empty file to the latest version: WAL, NORMAL sync, the requests table and its indexes', () => {
    const path = join(dir, 'usage.db');
    const ledger = UsageLedger.open(path);
    const db = ledger.db;
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    const cols = (db.pragma('table_info(requests)') as { name: string }[]).map((c) => c.name);
    expect(cols).toEqual(['id', ...COLUMNS]);
    const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'requests'").all() as { name: string }[]).map((r) => r.name);
    expect(indexes.sort()).toEqual(['requests_project_ts', 'requests_session_ts', 'requests_ts']);
    // Time-range queries use the ts index.
    const plan = db.prepare('EXPLAIN QUERY PLAN SELECT provider, sum(cost_usd) FROM requests WHERE ts BETWEEN 1 AND 2 GROUP BY provider').all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/INDEX requests_ts/);
    ledger.close();
  });

  it('reopening is idempotent and keeps the data', () => {
    const path = join(dir, 'usage.db');
    const a = UsageLedger.open(path, { retentionDays: null });
    a.record({ ts: 1, port: 1, requestedModel: 'm', attempts: 1, status: 200, stream: false });
    a.close();
    const db = new Database(path);
    expect(migrate(db)).toEqual([]);
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    db.close();
    const b = UsageLedger.open(path, { retentionDays: null });
    expect(b.db.prepare('SELECT count(*) AS n FROM requests').get()).toEqual({ n: 1 });
    b.close();
  });

  it('applies only the migrations a database lacks, each with its version', () => {
    const db = new Database(join(dir, 'v.db'));
    applyPragmas(db);
    expect(migrate(db, MIGRATIONS.slice(0, 1))).toEqual([1]);
    const next: Migration[] = [...MIGRATIONS.slice(0, 1), { version: 2, sql: 'ALTER TABLE requests ADD COLUMN extra TEXT' }];
    expect(migrate(db, next)).toEqual([2]);
    expect(schemaVersion(db)).toBe(2);
    expect(migrate(db, next)).toEqual([]);
    db.close();
  });

  it('a failing migration rolls back whole, version included', () => {
    const db = new Database(join(dir, 'f.db'));
    const bad: Migration[] = [...MIGRATIONS, { version: SCHEMA_VERSION + 1, sql: 'CREATE TABLE t2 (a); CREATE TABLE requests (x)' }];
    expect(() => migrate(db, bad)).toThrow(/already exists/);
    expect(schemaVersion(db)).toBe(0);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name IN ('requests', 't2')").get()).toEqual({ n: 0 });
    db.close();
  });

  it('refuses a database written by a newer Switchboard', () => {
    const path = join(dir, 'new.db');
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => UsageLedger.open(path)).toThrow(/newer than this Switchboard understands/);
  });

  it('a second connection to a file another one already migrated applies nothing', () => {
    const path = join(dir, 'race.db');
    const a = new Database(path);
    const b = new Database(path);
    applyPragmas(a);
    applyPragmas(b);
    expect(migrate(a)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(migrate(b)).toEqual([]);
    a.close();
    b.close();
  });
});

describe('defaultLedgerPath', () => {
  it('uses $XDG_DATA_HOME, else ~/.local/share; a relative XDG_DATA_HOME is ignored', () => {
    expect(defaultLedgerPath({ XDG_DATA_HOME: '/x/data', HOME: '/home/u' })).toBe(join('/x/data', 'switchboard', 'usage.db'));
    expect(defaultLedgerPath({ HOME: '/home/u' })).toBe(join('/home/u', '.local', 'share', 'switchboard', 'usage.db'));
    expect(defaultLedgerPath({ XDG_DATA_HOME: 'rel/data', HOME: '/home/u' })).toBe(join('/home/u', '.local', 'share', 'switchboard', 'usage.db'));
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageLedger } from './ledger.js';
import { ROLLUP_METRICS, ROLLUP_TABLES, rollupKeys } from './rollup.js';
import type { UsageRow } from './row.js';
import { applyPragmas, migrate, MIGRATIONS } from './schema.js';

// usage_hourly and usage_daily must always equal the GROUP BY of `requests` they stand for,
// through inserts, deletes (retention) and updates, and after migrating a
// database that already holds rows.

const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 20);

/** Deterministic rows with every nullable field sometimes null. */
function rows(n: number, seed = 1): UsageRow[] {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const maybe = <T>(v: T): T | null => (rnd() < 0.2 ? null : v);
  return Array.from({ length: n }, () => {
    const failed = rnd() < 0.1;
    const cost = maybe(rnd() / 100);
    const providerCost = cost !== null && rnd() < 0.3 ? cost * (1 + (rnd() - 0.5) / 10) : null;
    return {
      ts: T0 + Math.floor(rnd() * 30 * H),
      sessionId: maybe(pick(['s1', 's2', 's3'])),
      project: maybe(pick(['/a', '/b'])),
      port: pick([8080, 8092]),
      provider: maybe(pick(['oa', 'or'])),
      requestedModel: pick(['claude-sonnet-5-5', 'claude-haiku-5-5']),
      upstreamModel: maybe(pick(['m1', 'm2'])),
      attempts: 1,
      status: failed ? pick([429, 500, 499]) : 200,
      inputTokens: failed ? null : maybe(Math.floor(rnd() * 5000)),
      outputTokens: failed ? null : maybe(Math.floor(rnd() * 500)),
      cacheReadTokens: maybe(Math.floor(rnd() * 9000)),
      cacheWriteTokens: maybe(Math.floor(rnd() * 100)),
      costUsd: failed ? null : cost,
      providerCostUsd: providerCost,
      costDrift: providerCost !== null && cost !== null ? providerCost - cost : null,
      referenceCostUsd: maybe(rnd() / 20),
      latencyMs: maybe(rnd() * 3000),
      ttftMs: maybe(rnd() * 500),
      stream: rnd() < 0.5,
    };
  });
}

type Agg = Record<string, number | string>;

function fromRollup(db: Database.Database, table: string, keyCols: string[]): Agg[] {
  return db.prepare(`SELECT ${keyCols.join(', ')}, ${ROLLUP_METRICS.map(([c]) => c).join(', ')} FROM ${table} ORDER BY ${keyCols.join(', ')}`).all() as Agg[];
}

/** The same aggregate straight from `requests`. */
function fromRequests(db: Database.Database, keys: ReadonlyArray<readonly [string, string]>): Agg[] {
  const q = (e: string) => e.replaceAll('R.', 'q.');
  return db
    .prepare(
      `SELECT ${keys.map(([c, e]) => `${q(e)} AS ${c}`).join(', ')}, ${ROLLUP_METRICS.map(([c, e]) => `sum(${q(e)}) AS ${c}`).join(', ')}
       FROM requests AS q GROUP BY ${keys.map((_, i) => i + 1).join(', ')} ORDER BY ${keys.map(([c]) => c).join(', ')}`,
    )
    .all() as Agg[];
}

function expectSame(db: Database.Database): void {
  for (const t of ROLLUP_TABLES) {
    const keys = rollupKeys(t.periodMs, t.sessions);
    const a = fromRollup(db, t.name, keys.map(([c]) => c));
    const b = fromRequests(db, keys);
    expect(a.length, t.name).toBe(b.length);
    for (let i = 0; i < a.length; i++) {
      for (const k of Object.keys(b[i])) {
        // REAL sums: a delete subtracts what an insert added, leaving residues like 1e-18.
        if (typeof b[i][k] === 'number' && (!Number.isInteger(b[i][k]) || !Number.isInteger(a[i][k]))) expect(a[i][k] as number).toBeCloseTo(b[i][k] as number, 9);
        else expect(a[i][k], `${t.name}.${k}`).toBe(b[i][k]);
      }
    }
  }
}

describe('usage rollups', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-rollup-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('one request becomes one rollup row with its figures', () => {
    const ledger = UsageLedger.open(join(dir, 'u.db'), { retentionDays: null });
    ledger.record({ ts: T0 + 90 * 60_000, port: 8080, provider: 'oa', requestedModel: 'claude-sonnet-5-5', upstreamModel: 'm', attempts: 1, status: 200, inputTokens: 10, outputTokens: 2, costUsd: 0.5, referenceCostUsd: 2, providerCostUsd: 0.6, costDrift: 0.1, latencyMs: 40, stream: false });
    ledger.flush();
    const one = {
      provider: 'oa', model: 'm', requested_model: 'claude-sonnet-5-5', port: 8080, session_id: '', project: '',
      requests: 1, errors: 0, input_tokens: 10, output_tokens: 2, cache_read_tokens: 0, cache_write_tokens: 0,
      cost_usd: 0.5, unknown_cost: 0, provider_cost_usd: 0.6, provider_cost_requests: 1, drift_usd: 0.1, drift_requests: 1,
      reference_usd: 2, savings_usd: 1.5, latency_ms_sum: 40, latency_count: 1, ttft_ms_sum: 0, ttft_count: 0,
      first_ts: T0 + 90 * 60_000, last_ts: T0 + 90 * 60_000,
    };
    expect(ledger.db.prepare('SELECT * FROM usage_hourly').all()).toEqual([{ period_start: T0 + H, ...one }]);
    expect(ledger.db.prepare('SELECT * FROM usage_daily').all()).toEqual([{ period_start: T0, ...one }]);
    const { session_id: _s, project: _p, ...lean } = one;
    expect(ledger.db.prepare('SELECT * FROM usage_hourly_lean').all()).toEqual([{ period_start: T0 + H, ...lean }]);
    ledger.close();
  });
  
  it('follows inserts, retention deletes and updates exactly', () => {
    const ledger = UsageLedger.open(join(dir, 'u.db'), { retentionDays: null, now: () => T0 + 40 * H });
    for (const r of rows(3000)) ledger.record(r);
    ledger.flush();
    expectSame(ledger.db);
    const before = (ledger.db.prepare('SELECT count(*) AS n FROM usage_hourly').get() as { n: number }).n;

    // Retention at 1 day drops the first 16 hours: their rollup rows go, none left at zero.
    expect(ledger.prune(1)).toBeGreaterThan(0);
    expectSame(ledger.db);
    for (const t of ROLLUP_TABLES) expect(ledger.db.prepare(`SELECT count(*) AS n FROM ${t.name} WHERE requests <= 0`).get()).toEqual({ n: 0 });
    expect((ledger.db.prepare('SELECT count(*) AS n FROM usage_hourly').get() as { n: number }).n).toBeLessThan(before);

    ledger.db.prepare("UPDATE requests SET cost_usd = NULL, provider = 'changed', ts = ts + 3600000 WHERE id % 7 = 0").run();
    expectSame(ledger.db);
    ledger.close();
  });

  it('migration 3 fills the rollup from the rows a version-2 ledger already holds', () => {
    const path = join(dir, 'old.db');
    const old = UsageLedger.open(path, { retentionDays: null });
    for (const r of rows(500, 7)) old.record(r);
    old.close();
    // Make it a version-2 ledger again: no rollups, no triggers.
    const db = new Database(path);
    db.exec('DROP TRIGGER requests_rollup_delete; DROP TRIGGER requests_rollup_update; DROP TABLE usage_hourly; DROP TABLE usage_daily; DROP TABLE usage_hourly_lean; PRAGMA user_version = 2;');
    applyPragmas(db);
    expect(migrate(db, MIGRATIONS)).toEqual([3]);
    expectSame(db);
    db.close();
  });
});

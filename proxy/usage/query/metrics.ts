import type Database from 'better-sqlite3';
import { ROLLUP_METRICS } from '../ledger/rollup.js';
import { roundUsd } from '../cost.js';
import type { UsageTotals } from './wire.js';

// The figures every usage answer reports for a set of requests (a range, a
// bucket, a group), and the SQL that sums them from the rollup and raw rows alike.

export type { UsageTotals } from './wire.js';

export const METRIC_COLUMNS = ROLLUP_METRICS.map(([c]) => c);

/** A rollup table's metric columns plus first/last seen, as an inner select list. */
export function rollupSelect(alias: string): string {
  return [...METRIC_COLUMNS, 'first_ts', 'last_ts'].map((c) => `${alias}.${c} AS ${c}`).join(', ');
}

/** The same columns computed from one `requests` row aliased `q`. */
export const RAW_SELECT = [...ROLLUP_METRICS.map(([c, e]) => `${e.replaceAll('R.', 'q.')} AS ${c}`), 'q.ts AS first_ts', 'q.ts AS last_ts'].join(', ');

/** The outer aggregate over either. */
export const SUMS = [...METRIC_COLUMNS.map((c) => `sum(${c}) AS ${c}`), 'min(first_ts) AS first_ts', 'max(last_ts) AS last_ts'].join(', ');

export type SumsRow = Record<string, number | string | null>;

/** Nano-dollar rounding (cost.ts): sums of floats must not show 0.30000000000000004. */
const usd = roundUsd;
const n = (v: unknown): number => (typeof v === 'number' ? v : 0);

export function emptyTotals(): UsageTotals {
  return toTotals({});
}

/** A row of SUMS (or the sum of several) as totals. */
export function toTotals(r: SumsRow): UsageTotals {
  const latencyCount = n(r.latency_count);
  const ttftCount = n(r.ttft_count);
  return {
    requests: n(r.requests),
    errors: n(r.errors),
    inputTokens: n(r.input_tokens),
    outputTokens: n(r.output_tokens),
    cacheReadTokens: n(r.cache_read_tokens),
    cacheWriteTokens: n(r.cache_write_tokens),
    costUsd: usd(n(r.cost_usd)),
    unknownCostRequests: n(r.unknown_cost),
    providerCostUsd: usd(n(r.provider_cost_usd)),
    providerCostRequests: n(r.provider_cost_requests),
    driftUsd: usd(n(r.drift_usd)),
    driftRequests: n(r.drift_requests),
    referenceCostUsd: usd(n(r.reference_usd)),
    savingsUsd: usd(n(r.savings_usd)),
    avgLatencyMs: latencyCount ? Math.round((n(r.latency_ms_sum) / latencyCount) * 10) / 10 : null,
    avgTtftMs: ttftCount ? Math.round((n(r.ttft_ms_sum) / ttftCount) * 10) / 10 : null,
  };
}

/** Adds one SUMS row into an accumulator (for buckets assembled from several slots). */
export function addSums(into: SumsRow, r: SumsRow): void {
  for (const c of METRIC_COLUMNS) into[c] = n(into[c]) + n(r[c]);
  if (typeof r.first_ts === 'number') into.first_ts = typeof into.first_ts === 'number' ? Math.min(into.first_ts, r.first_ts) : r.first_ts;
  if (typeof r.last_ts === 'number') into.last_ts = typeof into.last_ts === 'number' ? Math.max(into.last_ts, r.last_ts) : r.last_ts;
}

// Usage SQL is built from a few whitelisted fragments, so the set of distinct
// statements is small: prepare each once per database.
const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();

export function stmt(db: Database.Database, sql: string): Database.Statement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let s = cache.get(sql);
  if (!s) {
    if (cache.size >= 500) cache.clear();
    s = db.prepare(sql);
    cache.set(sql, s);
  }
  return s;
}

import type Database from 'better-sqlite3';
import { filterSql, type Filters, type SqlValue } from './dims.js';
import { addSums, stmt, SUMS, toTotals, type SumsRow, type UsageTotals } from './metrics.js';
import type { AggregateQuery, Range } from './params.js';
import { sourceParts } from './source.js';
import type { LatencyPercentiles, RangeOut } from './wire.js';

// GET /api/usage/summary: totals over a range, plus latency percentiles from a
// bounded sample (an exact percentile over a month of rows costs a full sort).

/** Percentiles are taken over at most this many of the newest successful requests in the range. */
export const LATENCY_SAMPLE = 10_000;

export type { LatencyPercentiles, RangeOut };

export interface SummaryResult {
  range: RangeOut;
  filters: Filters;
  totals: UsageTotals;
  latency: LatencyPercentiles;
}

export function rangeOut(r: Range, tz: string): RangeOut {
  return { from: r.from, to: r.to, fromIso: new Date(r.from).toISOString(), toIso: new Date(r.to).toISOString(), tz };
}

/** Totals over [from, to) with filters: each tier summed on its own, added here (no UNION to copy rows through). */
export function totals(db: Database.Database, range: Range, filters: Filters): UsageTotals {
  const acc: SumsRow = {};
  for (const p of sourceParts({ spans: [[range.from, range.to]], filters, groupBy: null })) addSums(acc, stmt(db, `SELECT ${SUMS} FROM (${p.sql})`).get(...p.params) as SumsRow);
  return toTotals(acc);
}

export function summary(db: Database.Database, q: AggregateQuery): SummaryResult {
  return { range: rangeOut(q.range, q.zone.name), filters: q.filters, totals: totals(db, q.range, q.filters), latency: latency(db, q.range, q.filters) };
}

export function latency(db: Database.Database, range: Range, filters: Filters): LatencyPercentiles {
  const f = filterSql(filters, 'raw');
  const params: SqlValue[] = [range.from, range.to, ...f.params, LATENCY_SAMPLE];
  const rows = stmt(db, `SELECT q.latency_ms AS l, q.ttft_ms AS t FROM requests AS q WHERE q.ts >= ? AND q.ts < ? AND q.status < 400 AND q.latency_ms IS NOT NULL${f.sql} ORDER BY q.ts DESC LIMIT ?`).raw().all(...params) as Array<[number, number | null]>;
  const lat = Float64Array.from(rows, (r) => r[0]).sort();
  const ttft = Float64Array.from(rows.filter((r) => r[1] !== null), (r) => r[1] as number).sort();
  return { sample: rows.length, p50Ms: pct(lat, 0.5), p95Ms: pct(lat, 0.95), p99Ms: pct(lat, 0.99), ttftP50Ms: pct(ttft, 0.5), ttftP95Ms: pct(ttft, 0.95) };
}

/** Nearest-rank percentile of sorted values. */
export function pct(sorted: Float64Array, p: number): number | null {
  if (sorted.length === 0) return null;
  const v = sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
  return Math.round(v * 10) / 10;
}

import type Database from 'better-sqlite3';
import { keyOut, type Filters, type GroupBy } from './dims.js';
import { stmt, SUMS, toTotals, type SumsRow, type UsageTotals } from './metrics.js';
import type { BreakdownQuery, SortKey } from './params.js';
import { source } from './source.js';
import { rangeOut, type RangeOut } from './summary.js';

// GET /api/usage/breakdown: per-group totals over a range, sorted and paginated
// in SQL (sessions and projects run to thousands of groups).

export interface BreakdownRow {
  /** The group's value; null when unknown (a request without a session id, ...). */
  key: string | number | null;
  totals: UsageTotals;
  /** First and last request of the group in the range, ms since the epoch. */
  firstTs: number | null;
  lastTs: number | null;
  /** groupBy=session only: the session's project, when all its requests name the same one. */
  project?: string | null;
}

export interface BreakdownResult {
  range: RangeOut;
  groupBy: GroupBy;
  filters: Filters;
  sort: SortKey;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
  /** Groups in the range (all pages). */
  totalGroups: number;
  rows: BreakdownRow[];
}

/** Whitelisted ORDER BY expressions over the aggregated columns. */
const SORT_SQL: Record<SortKey, string> = {
  cost: 'sum(cost_usd)',
  requests: 'sum(requests)',
  tokens: 'sum(input_tokens) + sum(output_tokens) + sum(cache_read_tokens) + sum(cache_write_tokens)',
  errors: 'sum(errors)',
  savings: 'sum(savings_usd)',
  latency: 'sum(latency_ms_sum) / nullif(sum(latency_count), 0)',
  lastSeen: 'max(last_ts)',
  key: 'g',
};

export function breakdown(db: Database.Database, q: BreakdownQuery): BreakdownResult {
  const src = source({ spans: [[q.range.from, q.range.to]], filters: q.filters, groupBy: q.groupBy });
  const session = q.groupBy === 'session';
  const projectCol = session ? ", CASE WHEN min(project) = max(project) THEN min(project) END AS one_project" : '';
  const dir = q.order === 'asc' ? 'ASC' : 'DESC';
  // The key breaks ties so pages never overlap or skip.
  const sql = `SELECT g, ${SUMS}, count(*) OVER () AS group_count${projectCol} FROM (${src.sql}) GROUP BY g ORDER BY ${SORT_SQL[q.sort]} ${dir}, g ${dir} LIMIT ? OFFSET ?`;
  const rows = stmt(db, sql).all(...src.params, q.limit, q.offset) as SumsRow[];
  let totalGroups = rows.length ? Number(rows[0].group_count) : 0;
  if (!rows.length && q.offset > 0) {
    totalGroups = (stmt(db, `SELECT count(*) AS n FROM (SELECT g FROM (${src.sql}) GROUP BY g)`).get(...src.params) as { n: number }).n;
  }
  return {
    range: rangeOut(q.range, q.zone.name),
    groupBy: q.groupBy,
    filters: q.filters,
    sort: q.sort,
    order: q.order,
    limit: q.limit,
    offset: q.offset,
    totalGroups,
    rows: rows.map((r) => {
      const row: BreakdownRow = { key: keyOut(q.groupBy, r.g), totals: toTotals(r), firstTs: num(r.first_ts), lastTs: num(r.last_ts) };
      if (session) row.project = typeof r.one_project === 'string' && r.one_project !== '' ? r.one_project : null;
      return row;
    }),
  };
}

const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

import type Database from 'better-sqlite3';
import { invalidRequest } from '../../protocol/anthropic/errors.js';
import { keyOut, type Filters, type GroupBy } from './dims.js';
import { addSums, stmt, SUMS, toTotals, type SumsRow, type UsageTotals } from './metrics.js';
import { MAX_BUCKETS, type SeriesQuery } from './params.js';
import { source, sourceParts, type Span } from './source.js';
import { rangeOut, type RangeOut } from './summary.js';
import { bucketEdges, bucketLabel, type Bucket } from './zone.js';

// GET /api/usage/series: totals per calendar bucket, optionally split by a
// dimension. Charts stack a handful of series, so only the `top` groups (by cost,
// then requests, over the whole range) get their own; the rest are folded into
// `other`. SQL returns one row per (hour or quarter-hour slot, group); the slots
// are placed into buckets here, because bucket edges follow the caller's calendar
// (DST, half-hour zones) which SQL has no notion of.

export interface SeriesGroup {
  /** The group's value (provider id, model, port, ...); null when unknown (e.g. no session id). */
  key: string | number | null;
  totals: UsageTotals;
}

export interface SeriesBucket {
  /** [start, end) in ms since the epoch. */
  start: number;
  end: number;
  /** The bucket's start on the caller's clock: "2026-11-21" (day, week) or "2026-11-21T14:00" (hour). */
  label: string;
  totals: UsageTotals;
  /** Aligned with SeriesResult.groups; null where the group had no requests in this bucket. */
  groups: Array<UsageTotals | null>;
  /** The groups beyond `top`, together; null when none had requests here. */
  other: UsageTotals | null;
}

export interface SeriesResult {
  range: RangeOut;
  bucket: Bucket;
  groupBy: GroupBy | null;
  filters: Filters;
  /** The top groups, largest first: the order to stack them in. */
  groups: SeriesGroup[];
  /** Everything beyond the top groups: how many groups, and their totals over the range. Null when there are none. */
  other: { groups: number; totals: UsageTotals } | null;
  buckets: SeriesBucket[];
}

const ORDER = 'sum(cost_usd) DESC, sum(requests) DESC, g';

export function series(db: Database.Database, q: SeriesQuery): SeriesResult {
  const { from, to } = q.range;
  const edges = bucketEdges(q.zone, q.bucket, from, to, MAX_BUCKETS);
  if (!edges) {
    const finer = q.bucket === 'hour' ? 'day' : 'week';
    throw invalidRequest(`range too large for ${q.bucket} buckets: at most ${MAX_BUCKETS} buckets per series; use bucket=${finer} or a shorter range`);
  }

  let top: SeriesGroup[] = [];
  let groupCount = 0;
  let topKeys: Array<string | number> = [];
  if (q.groupBy) {
    const src = source({ spans: [[from, to]], filters: q.filters, groupBy: q.groupBy });
    const rows = stmt(db, `SELECT g, ${SUMS}, count(*) OVER () AS group_count FROM (${src.sql}) GROUP BY g ORDER BY ${ORDER} LIMIT ?`).all(...src.params, q.top) as SumsRow[];
    groupCount = rows.length ? Number(rows[0].group_count) : 0;
    topKeys = rows.map((r) => r.g as string | number);
    top = rows.map((r) => ({ key: keyOut(q.groupBy as GroupBy, r.g), totals: toTotals(r) }));
  }

  // One span per bucket, so a bucket edge inside an hour or a day is respected; each
  // tier is its own statement and the rows meet here, in their buckets.
  const spans: Span[] = [];
  for (let b = 0; b + 1 < edges.length; b++) spans.push([Math.max(from, edges[b]), Math.min(to, edges[b + 1])]);
  // NULL marks "other": stored keys are never NULL ('' or 0 when unknown).
  const gg = q.groupBy ? 'CASE WHEN g IN (SELECT value FROM json_each(?)) THEN g END' : 'NULL';
  const rows: SumsRow[] = [];
  for (const p of sourceParts({ spans, filters: q.filters, groupBy: q.groupBy })) {
    const params = q.groupBy ? [JSON.stringify(topKeys), ...p.params] : p.params;
    for (const r of stmt(db, `SELECT slot, ${gg} AS gg, ${SUMS} FROM (${p.sql}) GROUP BY slot, gg`).all(...params) as SumsRow[]) rows.push(r);
  }

  const n = edges.length - 1;
  const index = new Map(topKeys.map((k, i) => [k, i]));
  const totalSums: SumsRow[] = Array.from({ length: n }, () => ({}));
  const groupSums: Array<Array<SumsRow | null>> = Array.from({ length: n }, () => topKeys.map(() => null));
  const otherSums: Array<SumsRow | null> = Array.from({ length: n }, () => null);
  const otherAll: SumsRow = {};
  for (const r of rows) {
    const b = bucketOf(edges, r.slot as number);
    addSums(totalSums[b], r);
    if (!q.groupBy) continue;
    const i = r.gg === null ? undefined : index.get(r.gg as string | number);
    if (i === undefined) {
      addSums((otherSums[b] ??= {}), r);
      addSums(otherAll, r);
    } else {
      addSums((groupSums[b][i] ??= {}), r);
    }
  }

  const buckets: SeriesBucket[] = [];
  for (let b = 0; b < n; b++) {
    const o = otherSums[b];
    buckets.push({
      start: edges[b],
      end: edges[b + 1],
      label: bucketLabel(q.zone, q.bucket, edges[b]),
      totals: toTotals(totalSums[b]),
      groups: groupSums[b].map((s) => (s ? toTotals(s) : null)),
      other: o ? toTotals(o) : null,
    });
  }
  const other = groupCount > top.length ? { groups: groupCount - top.length, totals: toTotals(otherAll) } : null;
  return { range: rangeOut(q.range, q.zone.name), bucket: q.bucket, groupBy: q.groupBy, filters: q.filters, groups: top, other, buckets };
}

/** The bucket holding a slot: the last edge ≤ slot (a slot starts inside the bucket by construction). */
function bucketOf(edges: number[], slot: number): number {
  let lo = 0;
  let hi = edges.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (edges[mid] <= slot) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

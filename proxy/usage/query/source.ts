import { filterSql, groupExpr, type Filters, type GroupBy, type SqlValue } from './dims.js';
import { RAW_SELECT, rollupSelect } from './metrics.js';

// Where a usage aggregate reads its rows. Each requested span is cut into whole
// UTC days (usage_daily), the whole hours left over (usage_hourly, or
// usage_hourly_lean when sessions and projects are not involved), and the
// partial hours at the edges (`requests`, through its ts index). The answer is
// exact for any span, and the expensive raw part stays small: at most two
// partial hours per span. A series passes one span per bucket, so a bucket edge
// inside an hour (half-hour zones) is read from raw rows too.

export const HOUR = 3_600_000;
export const DAY = 86_400_000;
/** Raw rows are slotted by quarter hour: every real UTC offset is a multiple of 15 min. */
export const RAW_SLOT = 900_000;

export type Span = readonly [from: number, to: number];

export interface Tiers {
  days: Span[];
  hours: Span[];
  raw: Span[];
}

/** Cuts disjoint, ascending spans into tiers; adjacent pieces of a tier are merged. */
export function tiers(spans: readonly Span[]): Tiers {
  const t: Tiers = { days: [], hours: [], raw: [] };
  const push = (list: Span[], a: number, b: number) => {
    if (a >= b) return;
    const last = list[list.length - 1];
    if (last && last[1] === a) list[list.length - 1] = [last[0], b];
    else list.push([a, b]);
  };
  const hoursAndRaw = (a: number, b: number) => {
    const h0 = Math.ceil(a / HOUR) * HOUR;
    const h1 = Math.floor(b / HOUR) * HOUR;
    if (h0 >= h1) return push(t.raw, a, b);
    push(t.raw, a, h0);
    push(t.hours, h0, h1);
    push(t.raw, h1, b);
  };
  for (const [a, b] of spans) {
    const d0 = Math.ceil(a / DAY) * DAY;
    const d1 = Math.floor(b / DAY) * DAY;
    if (d0 >= d1) {
      hoursAndRaw(a, b);
      continue;
    }
    hoursAndRaw(a, d0);
    push(t.days, d0, d1);
    hoursAndRaw(d1, b);
  }
  return t;
}

export interface SourceSpec {
  spans: readonly Span[];
  filters: Filters;
  groupBy: GroupBy | null;
}

/** A SELECT with columns: slot, g, project, the metric columns, first_ts, last_ts. */
export interface Part {
  sql: string;
  params: SqlValue[];
}

/**
 * One select per non-empty tier. `slot` is the period start (day, hour, or the raw
 * row's quarter hour), for series; `g` the group key (NULL without groupBy);
 * `project` lets a session breakdown name its project. Spans are bound as JSON and
 * joined, so each is a primary-key (or ts index) range search.
 */
export function sourceParts(spec: SourceSpec): Part[] {
  const t = tiers(spec.spans);
  const parts: Part[] = [];
  const fu = filterSql(spec.filters, 'rollup');
  const fq = filterSql(spec.filters, 'raw');
  const g = (side: 'rollup' | 'raw') => (spec.groupBy ? groupExpr(spec.groupBy, side) : 'NULL');
  // Without sessions or projects in play, hours come from the lean rollup (a quarter of the rows).
  const sessions = spec.groupBy === 'session' || spec.groupBy === 'project' || spec.filters.session !== undefined || spec.filters.project !== undefined;
  // CROSS JOIN keeps the spans as the outer loop: otherwise SQLite may scan the whole
  // rollup in key order (to skip a sort) and test every row against every span.
  const rollup = (table: string, spans: Span[], hasProject: boolean) => {
    if (!spans.length) return;
    parts.push({
      sql: `SELECT u.period_start AS slot, ${g('rollup')} AS g, ${hasProject ? 'u.project' : "''"} AS project, ${rollupSelect('u')}
        FROM json_each(?) AS r CROSS JOIN ${table} AS u ON u.period_start >= r.value ->> 0 AND u.period_start < r.value ->> 1
        WHERE 1${fu.sql}`,
      params: [JSON.stringify(spans), ...fu.params],
    });
  };
  rollup('usage_daily', t.days, true);
  rollup(sessions ? 'usage_hourly' : 'usage_hourly_lean', t.hours, sessions);
  if (t.raw.length) {
    parts.push({
      sql: `SELECT q.ts - q.ts % ${RAW_SLOT} AS slot, ${g('raw')} AS g, coalesce(q.project, '') AS project, ${RAW_SELECT}
        FROM json_each(?) AS r CROSS JOIN requests AS q ON q.ts >= r.value ->> 0 AND q.ts < r.value ->> 1
        WHERE 1${fq.sql}`,
      params: [JSON.stringify(t.raw), ...fq.params],
    });
  }
  return parts;
}

/** All parts as one UNION ALL (for aggregates that sort and paginate in SQL). */
export function source(spec: SourceSpec): Part {
  const parts = sourceParts(spec);
  return { sql: parts.map((p) => p.sql).join('\n      UNION ALL\n      '), params: parts.flatMap((p) => p.params) };
}

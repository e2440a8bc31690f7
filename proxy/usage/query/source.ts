import { filterSql, groupExpr, type Filters, type GroupBy, type SqlValue } from './dims.js';
import { RAW_SELECT, ROLLUP_SELECT } from './metrics.js';

// Where a usage aggregate reads its rows. Whole UTC hours inside the range come
// from the hourly rollup; the partial hours at either end, and any hour a bucket
// edge cuts through (half-hour time zones), come from `requests` via its ts index.
// The answer is exact for any range, and the raw part stays small (≤ 2 hours plus
// the cut hours).

export const HOUR = 3_600_000;
/** Raw rows are slotted by quarter hour: every real UTC offset is a multiple of 15 min. */
export const RAW_SLOT = 900_000;

export interface SourceSpec {
  from: number;
  to: number;
  filters: Filters;
  groupBy: GroupBy | null;
  /** Hours (UTC hour starts) that must be read from raw rows (a bucket edge falls inside them). */
  splitHours?: readonly number[];
}

export interface Source {
  /** A UNION ALL of rollup and raw selects with columns: slot, g, project, the metric columns, first_ts, last_ts. */
  sql: string;
  params: SqlValue[];
}

/**
 * `slot` is the rollup hour (or the raw row's quarter hour), for series; `g` the
 * group key (NULL without groupBy); `project` lets a session breakdown name its project.
 */
export function source(spec: SourceSpec): Source {
  const { from, to, groupBy } = spec;
  const fromHour = Math.ceil(from / HOUR) * HOUR;
  const toHour = Math.floor(to / HOUR) * HOUR;
  const raw: Array<[number, number]> = [];
  let rollupFrom = 0;
  let rollupTo = 0;
  const split: number[] = [];
  if (fromHour < toHour) {
    rollupFrom = fromHour;
    rollupTo = toHour;
    if (from < fromHour) raw.push([from, fromHour]);
    for (const h of new Set(spec.splitHours ?? [])) {
      if (h >= fromHour && h < toHour) {
        split.push(h);
        raw.push([h, h + HOUR]);
      }
    }
    if (toHour < to) raw.push([toHour, to]);
  } else {
    raw.push([from, to]);
  }
  const fr = filterSql(spec.filters, 'rollup');
  const fq = filterSql(spec.filters, 'raw');
  const g = (side: 'rollup' | 'raw') => (groupBy ? groupExpr(groupBy, side) : 'NULL');
  const sql = `
    SELECT hour AS slot, ${g('rollup')} AS g, project, ${ROLLUP_SELECT}
      FROM usage_hourly
      WHERE hour >= ? AND hour < ?${split.length ? ' AND hour NOT IN (SELECT value FROM json_each(?))' : ''}${fr.sql}
    UNION ALL
    SELECT q.ts - q.ts % ${RAW_SLOT} AS slot, ${g('raw')} AS g, coalesce(q.project, '') AS project, ${RAW_SELECT}
      FROM json_each(?) AS r JOIN requests AS q ON q.ts >= r.value ->> 0 AND q.ts < r.value ->> 1
      WHERE 1${fq.sql}`;
  const params: SqlValue[] = [rollupFrom, rollupTo];
  if (split.length) params.push(JSON.stringify(split));
  params.push(...fr.params, JSON.stringify(raw), ...fq.params);
  return { sql, params };
}

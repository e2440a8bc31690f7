// The dimensions usage can be grouped and filtered by. Column names come only
// from this table (never from the query string); values are always bound.

export const GROUP_BYS = ['provider', 'model', 'requestedModel', 'port', 'session', 'project'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

interface Dim {
  /** Column of the rollup tables, aliased `u` (NOT NULL: '' or 0 for unknown). */
  rollup: string;
  /** Column of requests (nullable). */
  raw: string;
  numeric: boolean;
}

const DIMS: Record<GroupBy, Dim> = {
  provider: { rollup: 'provider', raw: 'provider', numeric: false },
  /** The upstream model (what was billed). */
  model: { rollup: 'model', raw: 'upstream_model', numeric: false },
  /** The Claude name the client asked for. */
  requestedModel: { rollup: 'requested_model', raw: 'requested_model', numeric: false },
  port: { rollup: 'port', raw: 'port', numeric: true },
  session: { rollup: 'session_id', raw: 'session_id', numeric: false },
  project: { rollup: 'project', raw: 'project', numeric: false },
};

/** Exact-match filters; every one given must match. */
export type Filters = Partial<Record<Exclude<GroupBy, 'port'>, string>> & { port?: number };

export type Side = 'rollup' | 'raw';
export type SqlValue = string | number | null;

/** The group key as SQL: raw rows are coalesced the way the rollup stores them, so both sides group alike. */
export function groupExpr(g: GroupBy, side: Side): string {
  const d = DIMS[g];
  return side === 'rollup' ? `u.${d.rollup}` : `coalesce(q.${d.raw}, ${d.numeric ? '0' : "''"})`;
}

/** `AND col = ? ...` for the given filters, and their values. */
export function filterSql(f: Filters, side: Side): { sql: string; params: SqlValue[] } {
  let sql = '';
  const params: SqlValue[] = [];
  for (const g of GROUP_BYS) {
    const v = f[g];
    if (v === undefined) continue;
    sql += side === 'rollup' ? ` AND u.${DIMS[g].rollup} = ?` : ` AND q.${DIMS[g].raw} = ?`;
    params.push(v);
  }
  return { sql, params };
}

/** A stored group key as the API shows it: unknown ('' / port 0) is null. */
export function keyOut(g: GroupBy, v: unknown): string | number | null {
  if (DIMS[g].numeric) return typeof v === 'number' && v !== 0 ? v : null;
  return typeof v === 'string' && v !== '' ? v : null;
}

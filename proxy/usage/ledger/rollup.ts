import type Database from 'better-sqlite3';

// Migration 3: rollups of `requests` per UTC hour and per UTC day, kept exact:
// the ledger folds each written batch into them in the same transaction (one
// grouped upsert per table per batch, foldIntoRollups), and triggers follow
// deletes and updates. The usage API reads whole days from usage_daily, the remaining
// whole hours from usage_hourly (or usage_hourly_lean), and only the partial
// hours at the edges from `requests` (usage/query/source.ts). On 1M rows over
// 30 days a GROUP BY on `requests` took 220-430 ms; over the rollups it takes a
// few ms to a few tens. A per-row insert trigger cost ~9 µs per row (three
// upserts of 19 sums each); folding per batch costs ~1-2 µs per row (measured
// in usage/query/perf.test.ts). Rows inserted other than through the ledger must
// be folded with foldIntoRollups.
//
// One rollup row per (period, provider, upstream model, requested model, port,
// session, project). Key columns are NOT NULL (unknown = '' or port 0) because
// SQLite's UNIQUE treats NULLs as distinct, which would defeat the upsert.
// Metric columns are plain sums, so any set of rollup rows adds up like the
// request rows they cover; `first_ts`/`last_ts` follow inserts only (a deleted
// row, e.g. pruned by retention, leaves them as they were).
//
// This text is a shipped migration once released: change it only by appending a
// new migration.

/**
 * `sessions: false`: keyed without session and project, for the many queries that
 * neither group nor filter by them (a month of hourly rows: ~14k instead of ~57k
 * in the perf test's shape, so series by provider or model read 4× less).
 */
export const ROLLUP_TABLES = [
  { name: 'usage_hourly', periodMs: 3_600_000, sessions: true },
  { name: 'usage_daily', periodMs: 86_400_000, sessions: true },
  { name: 'usage_hourly_lean', periodMs: 3_600_000, sessions: false },
] as const;

/** Metric columns, each the SQL sum of a per-request expression over `R` (a row of `requests`). */
export const ROLLUP_METRICS: ReadonlyArray<readonly [column: string, perRow: string]> = [
  ['requests', '1'],
  ['errors', '(R.status >= 400)'],
  ['input_tokens', 'coalesce(R.input_tokens, 0)'],
  ['output_tokens', 'coalesce(R.output_tokens, 0)'],
  ['cache_read_tokens', 'coalesce(R.cache_read_tokens, 0)'],
  ['cache_write_tokens', 'coalesce(R.cache_write_tokens, 0)'],
  // Known costs only; a NULL cost is counted in unknown_cost instead (never as 0).
  ['cost_usd', 'coalesce(R.cost_usd, 0)'],
  // Unpriced: it used tokens (or succeeded) and we could not price it. A failure without usage is not unknown.
  ['unknown_cost', '(R.cost_usd IS NULL AND (R.input_tokens IS NOT NULL OR R.output_tokens IS NOT NULL OR R.status < 400))'],
  ['provider_cost_usd', 'coalesce(R.provider_cost_usd, 0)'],
  ['provider_cost_requests', '(R.provider_cost_usd IS NOT NULL)'],
  ['drift_usd', 'coalesce(R.cost_drift, 0)'],
  // The same tolerance as cost.ts computeCost's `drift` flag.
  ['drift_requests', '(R.cost_drift IS NOT NULL AND abs(R.cost_drift) > max(1e-6, 0.02 * abs(coalesce(R.provider_cost_usd, 0))))'],
  // Savings compare like with like: both figures known.
  ['reference_usd', '(CASE WHEN R.cost_usd IS NOT NULL AND R.reference_cost_usd IS NOT NULL THEN R.reference_cost_usd ELSE 0 END)'],
  ['savings_usd', 'coalesce(R.reference_cost_usd - R.cost_usd, 0)'],
  ['latency_ms_sum', 'coalesce(R.latency_ms, 0)'],
  ['latency_count', '(R.latency_ms IS NOT NULL)'],
  ['ttft_ms_sum', 'coalesce(R.ttft_ms, 0)'],
  ['ttft_count', '(R.ttft_ms IS NOT NULL)'],
];

/** Dimension key columns after `period_start`, and the per-request expression each comes from. */
export const ROLLUP_DIMENSIONS: ReadonlyArray<readonly [column: string, perRow: string]> = [
  ['provider', "coalesce(R.provider, '')"],
  ['model', "coalesce(R.upstream_model, '')"],
  ['requested_model', 'R.requested_model'],
  ['port', 'coalesce(R.port, 0)'],
  ['session_id', "coalesce(R.session_id, '')"],
  ['project', "coalesce(R.project, '')"],
];

const SESSION_DIMENSIONS = new Set(['session_id', 'project']);

/** Every key column of a rollup with its per-request expression: the period start, then the dimensions. */
export function rollupKeys(periodMs: number, sessions = true): ReadonlyArray<readonly [column: string, perRow: string]> {
  return [['period_start', `(R.ts - R.ts % ${periodMs})`], ...ROLLUP_DIMENSIONS.filter(([c]) => sessions || !SESSION_DIMENSIONS.has(c))];
}

const on = (r: string, s: string) => s.replaceAll('R.', `${r}.`);
const metricCols = ROLLUP_METRICS.map(([c]) => c).join(', ');

function tableSql(table: string, periodMs: number, sessions: boolean): { create: string; insert: (r: string) => string; remove: (r: string) => string; backfill: string } {
  const keys = rollupKeys(periodMs, sessions);
  const keyCols = keys.map(([c]) => c).join(', ');
  const keyMatch = (r: string) => keys.map(([c, e]) => `${c} = ${on(r, e)}`).join(' AND ');
  return {
    create: `CREATE TABLE ${table} (
      ${keys.map(([c]) => `${c} ${c === 'period_start' || c === 'port' ? 'INTEGER' : 'TEXT'} NOT NULL`).join(', ')},
      ${ROLLUP_METRICS.map(([c]) => `${c} ${/usd|_sum$/.test(c) ? 'REAL' : 'INTEGER'} NOT NULL`).join(', ')},
      first_ts INTEGER NOT NULL, last_ts INTEGER NOT NULL,
      PRIMARY KEY (${keyCols})
    ) WITHOUT ROWID;`,
    insert: (r) => `
    INSERT INTO ${table} (${keyCols}, ${metricCols}, first_ts, last_ts)
    VALUES (${keys.map(([, e]) => on(r, e)).join(', ')}, ${ROLLUP_METRICS.map(([, e]) => on(r, e)).join(', ')}, ${r}.ts, ${r}.ts)
    ON CONFLICT DO UPDATE SET ${ROLLUP_METRICS.map(([c]) => `${c} = ${c} + excluded.${c}`).join(', ')},
      first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts);`,
    remove: (r) => `
    UPDATE ${table} SET ${ROLLUP_METRICS.map(([c, e]) => `${c} = ${c} - ${on(r, e)}`).join(', ')} WHERE ${keyMatch(r)};
    DELETE FROM ${table} WHERE ${keyMatch(r)} AND requests <= 0;`,
    backfill: `
    INSERT INTO ${table} (${keyCols}, ${metricCols}, first_ts, last_ts)
      SELECT ${keys.map(([, e]) => on('q', e)).join(', ')}, ${ROLLUP_METRICS.map(([, e]) => `sum(${on('q', e)})`).join(', ')}, min(q.ts), max(q.ts)
      FROM requests AS q GROUP BY ${keys.map((_, i) => i + 1).join(', ')};`,
  };
}

const tables = ROLLUP_TABLES.map((t) => tableSql(t.name, t.periodMs, t.sessions));

export const ROLLUP_MIGRATION_SQL = `
  ${tables.map((t) => t.create).join('\n  ')}
  CREATE TRIGGER requests_rollup_delete AFTER DELETE ON requests BEGIN${tables.map((t) => t.remove('OLD')).join('')}
  END;
  CREATE TRIGGER requests_rollup_update AFTER UPDATE ON requests BEGIN${tables.map((t) => t.remove('OLD') + t.insert('NEW')).join('')}
  END;
  ${tables.map((t) => t.backfill).join('\n  ')}
`;

// Folding a batch: its rows are summed once, by the finest key (hour, every
// dimension), into a connection-local temp table; each rollup then adds those
// few sums regrouped by its own key. The 19 per-request expressions are thus
// evaluated once per row rather than once per rollup.
const BATCH = 'temp.rollup_batch';
const FINEST = rollupKeys(3_600_000, true);
if (!ROLLUP_TABLES.every((t) => t.periodMs % 3_600_000 === 0)) throw new Error('rollup periods must be whole hours');

const batchSql = {
  create: `CREATE TEMP TABLE IF NOT EXISTS rollup_batch (
    ${FINEST.map(([c]) => c).join(', ')}, ${metricCols}, first_ts, last_ts)`,
  fill: `INSERT INTO ${BATCH}
    SELECT ${FINEST.map(([, e]) => on('q', e)).join(', ')}, ${ROLLUP_METRICS.map(([, e]) => `sum(${on('q', e)})`).join(', ')}, min(q.ts), max(q.ts)
    FROM requests AS q WHERE q.id BETWEEN ? AND ? GROUP BY ${FINEST.map((_, i) => i + 1).join(', ')}`,
  clear: `DELETE FROM ${BATCH}`,
};

function foldSql(table: string, periodMs: number, sessions: boolean): string {
  const keys = rollupKeys(periodMs, sessions);
  const keyCols = keys.map(([c]) => c).join(', ');
  const fromBatch = keys.map(([c]) => (c === 'period_start' ? `(b.period_start - b.period_start % ${periodMs})` : `b.${c}`)).join(', ');
  return `INSERT INTO ${table} (${keyCols}, ${metricCols}, first_ts, last_ts)
    SELECT ${fromBatch}, ${ROLLUP_METRICS.map(([c]) => `sum(b.${c})`).join(', ')}, min(b.first_ts), max(b.last_ts)
    FROM ${BATCH} AS b WHERE true GROUP BY ${keys.map((_, i) => i + 1).join(', ')}
    ON CONFLICT DO UPDATE SET ${ROLLUP_METRICS.map(([c]) => `${c} = ${c} + excluded.${c}`).join(', ')},
      first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts)`;
}

const folders = new WeakMap<Database.Database, (firstId: number, lastId: number) => void>();

/**
 * Adds the request rows with ids in [firstId, lastId] (just inserted, not yet
 * folded) to every rollup. The ledger calls it inside each batch's transaction.
 */
export function foldIntoRollups(db: Database.Database, firstId: number, lastId: number): void {
  let fold = folders.get(db);
  if (!fold) {
    db.exec(batchSql.create);
    const fill = db.prepare(batchSql.fill);
    const folds = ROLLUP_TABLES.map((t) => db.prepare(foldSql(t.name, t.periodMs, t.sessions)));
    const clear = db.prepare(batchSql.clear);
    fold = (a, b) => {
      fill.run(a, b);
      for (const st of folds) st.run();
      clear.run();
    };
    folders.set(db, fold);
  }
  fold(firstId, lastId);
}

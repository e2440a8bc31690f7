import type Database from 'better-sqlite3';
import { GatewayError, invalidRequest } from '../../protocol/anthropic/errors.js';
import { savingsUsd } from '../cost.js';
import { fromDbRow, type UsageRow } from '../ledger/row.js';
import { filterSql, type SqlValue } from './dims.js';
import { stmt } from './metrics.js';
import type { RequestsQuery, RowsQuery } from './params.js';

// GET /api/usage/requests and /api/usage/requests/:id: ledger rows, newest first.
// Order is (ts, id) descending, which the (ts) index gives directly (it ends in
// the rowid), so every page is an index walk of `limit` rows, whatever the range.
// Rows hold no keys, prompts or headers: nothing here needs redacting.

/** One request as the API shows it. */
export type RequestRow = { id: number; time: string } & Required<UsageRow> & {
    /** referenceCostUsd − costUsd when both are known. */
    savingsUsd: number | null;
  };

export interface RequestDetail extends RequestRow {
  /** Every attempt in order, from fallbackPath (empty when the first attempt answered). */
  attemptsPath: Array<{ provider: string; status: number | null }>;
}

export interface RequestsResult {
  rows: RequestRow[];
  /** More rows exist beyond this page (before/none: older rows; after: more new rows than returned, so reload). */
  hasMore: boolean;
  /** Pass as `before` for the next (older) page; null when there is none. */
  nextBefore: number | null;
  /** The highest id in the ledger: pass as `after` to poll for rows written since. */
  newestId: number | null;
}

const MAX_TS = 8.64e15;

export function toRequestRow(r: Record<string, unknown>): RequestRow {
  const row = fromDbRow(r);
  return { id: r.id as number, time: new Date(row.ts).toISOString(), ...row, savingsUsd: savingsUsd(row.referenceCostUsd, row.costUsd) };
}

/** `AND …` for a row listing's filters and status, and their values. */
export function rowFilters(q: RowsQuery): { sql: string; params: SqlValue[] } {
  const f = filterSql(q.filters, 'raw');
  const status = q.status === 'ok' ? ' AND q.status < 400' : q.status === 'error' ? ' AND q.status >= 400' : '';
  return { sql: f.sql + status, params: f.params };
}

export function listRequests(db: Database.Database, q: RequestsQuery): RequestsResult {
  const f = rowFilters(q);
  const from = q.from ?? 0;
  let to = q.to ?? MAX_TS;
  let sql: string;
  let params: SqlValue[];
  if (q.after !== null) {
    // New writes since `after`: a rowid range, then a sort of those few rows. NOT INDEXED keeps the
    // planner off the ts index, which it prefers for the ORDER BY and would walk the whole range (30 ms on 1M rows).
    sql = `SELECT * FROM requests AS q NOT INDEXED WHERE q.id > ? AND q.ts >= ? AND q.ts < ?${f.sql} ORDER BY q.ts DESC, q.id DESC LIMIT ?`;
    params = [q.after, from, to, ...f.params, q.limit + 1];
  } else if (q.before !== null) {
    const cursor = stmt(db, 'SELECT ts FROM requests WHERE id = ?').get(q.before) as { ts: number } | undefined;
    if (!cursor) throw invalidRequest(`before: no request with id ${q.before} (it may have been pruned); start again without before`);
    to = Math.min(to, cursor.ts + 1);
    sql = `SELECT * FROM requests AS q WHERE q.ts >= ? AND q.ts < ? AND (q.ts < ? OR q.id < ?)${f.sql} ORDER BY q.ts DESC, q.id DESC LIMIT ?`;
    params = [from, to, cursor.ts, q.before, ...f.params, q.limit + 1];
  } else {
    sql = `SELECT * FROM requests AS q WHERE q.ts >= ? AND q.ts < ?${f.sql} ORDER BY q.ts DESC, q.id DESC LIMIT ?`;
    params = [from, to, ...f.params, q.limit + 1];
  }
  const raw = stmt(db, sql).all(...params) as Array<Record<string, unknown>>;
  const hasMore = raw.length > q.limit;
  const rows = raw.slice(0, q.limit).map(toRequestRow);
  const newest = stmt(db, 'SELECT max(id) AS id FROM requests').get() as { id: number | null };
  return { rows, hasMore, nextBefore: hasMore && q.after === null ? rows[rows.length - 1].id : null, newestId: newest.id };
}

export function requestDetail(db: Database.Database, id: number): RequestDetail {
  const r = stmt(db, 'SELECT * FROM requests WHERE id = ?').get(id) as Record<string, unknown> | undefined;
  if (!r) throw new GatewayError(404, `no request with id ${id} in the usage ledger`, { retryable: false });
  const row = toRequestRow(r);
  const attemptsPath = (row.fallbackPath ?? '')
    .split(',')
    .filter(Boolean)
    .map((part) => {
      const at = part.lastIndexOf(':');
      const status = Number(part.slice(at + 1));
      return { provider: at === -1 ? part : part.slice(0, at), status: at !== -1 && Number.isFinite(status) ? status : null };
    });
  return { ...row, attemptsPath };
}

import type Database from 'better-sqlite3';
import { savingsUsd } from '../cost.js';
import { COLUMNS } from '../ledger/row.js';
import { csvLine } from './csv.js';
import type { SqlValue } from './dims.js';
import { stmt } from './metrics.js';
import type { ExportQuery } from './params.js';
import { rowFilters, toRequestRow } from './requests.js';

// GET /api/usage/export: every matching row, oldest first, as CSV or a JSON
// array, produced page by page. Each page is a keyset query on (ts, id) run to
// completion, so no statement stays open across awaits (the ledger's writes go
// on between pages) and memory holds one page, whatever the row count. Rows
// written while an export runs may or may not be in it.

export const EXPORT_PAGE = 2000;

/** CSV header: the ledger's column names, plus `time` (ISO 8601 UTC) and `savings_usd`. */
export const CSV_HEADER = ['id', 'time', ...COLUMNS, 'savings_usd'] as const;

export interface ExportPlan {
  format: 'csv' | 'json';
  contentType: string;
  filename: string;
  chunks: AsyncGenerator<string>;
}

export function exportUsage(db: Database.Database, q: ExportQuery, now = Date.now(), pageSize = EXPORT_PAGE): ExportPlan {
  // Fixed at the start, so an export of "everything" ends even while requests keep arriving.
  const from = q.from ?? 0;
  const to = q.to ?? now + 1;
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  const name = `switchboard-usage-${q.from === null ? 'all' : day(from)}-to-${day(Math.max(from, to - 1))}.${q.format}`;
  return {
    format: q.format,
    contentType: q.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
    filename: name,
    chunks: q.format === 'csv' ? csvChunks(db, q, from, to, pageSize) : jsonChunks(db, q, from, to, pageSize),
  };
}

/** Pages of raw rows ([id, ...COLUMNS] arrays), oldest first. */
async function* pages(db: Database.Database, q: ExportQuery, from: number, to: number, pageSize: number): AsyncGenerator<unknown[][]> {
  const f = rowFilters(q);
  const sql = `SELECT q.id, ${COLUMNS.map((c) => `q.${c}`).join(', ')} FROM requests AS q WHERE q.ts >= ? AND q.ts < ? AND (q.ts > ? OR q.id > ?)${f.sql} ORDER BY q.ts, q.id LIMIT ?`;
  const s = stmt(db, sql);
  let cursorTs = -1;
  let cursorId = 0;
  for (;;) {
    const params: SqlValue[] = [Math.max(from, cursorTs), to, cursorTs, cursorId, ...f.params, pageSize];
    const rows = s.raw(true).all(...params) as unknown[][];
    s.raw(false);
    if (rows.length) yield rows;
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1];
    cursorId = last[0] as number;
    cursorTs = last[1] as number;
    // Let requests (and the ledger's own writes) run between pages.
    await new Promise((r) => setImmediate(r));
  }
}

const TS = 1; // index of ts in a raw row
const COST = 1 + COLUMNS.indexOf('cost_usd');
const REFERENCE = 1 + COLUMNS.indexOf('reference_cost_usd');

async function* csvChunks(db: Database.Database, q: ExportQuery, from: number, to: number, pageSize: number): AsyncGenerator<string> {
  yield csvLine(CSV_HEADER);
  for await (const rows of pages(db, q, from, to, pageSize)) {
    let out = '';
    for (const r of rows) {
      const savings = savingsUsd(r[REFERENCE] as number | null, r[COST] as number | null);
      out += csvLine([r[0], new Date(r[TS] as number).toISOString(), ...r.slice(1), savings]);
    }
    yield out;
  }
}

async function* jsonChunks(db: Database.Database, q: ExportQuery, from: number, to: number, pageSize: number): AsyncGenerator<string> {
  yield '[';
  let first = true;
  const names = ['id', ...COLUMNS];
  for await (const rows of pages(db, q, from, to, pageSize)) {
    let out = '';
    for (const r of rows) {
      const obj: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) obj[names[i]] = r[i];
      out += (first ? '\n' : ',\n') + JSON.stringify(toRequestRow(obj));
      first = false;
    }
    yield out;
  }
  yield first ? ']\n' : '\n]\n';
}

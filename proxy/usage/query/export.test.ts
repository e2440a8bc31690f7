import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handRows, HOUR, parseCsv, T0 } from '../../test/usage-data.js';
import { UsageLedger } from '../ledger/index.js';
import { COLUMNS } from '../ledger/row.js';
import { CSV_HEADER, exportUsage, parseExportQuery } from './index.js';

const NOW = T0 + 72 * HOUR;

async function collect(chunks: AsyncGenerator<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const c of chunks) out.push(c);
  return out;
}

describe('usage export', () => {
  let dir: string;
  let ledger: UsageLedger;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-usage-export-'));
    ledger = UsageLedger.open(join(dir, 'usage.db'), { retentionDays: null });
    const rows = handRows();
    rows[0].project = '=HYPERLINK("http://evil","click")';
    rows[1].project = '/home/dev/a "quoted", project\nwith a newline';
    rows[2].sessionId = '-1+1';
    for (const r of rows) ledger.record(r);
    ledger.flush();
  });
  afterEach(() => {
    ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('CSV: one query per page, oldest first, every column, parsed back exactly', async () => {
    const plan = exportUsage(ledger.db, parseExportQuery({}, NOW), NOW, 2);
    expect(plan).toMatchObject({ format: 'csv', contentType: 'text/csv; charset=utf-8', filename: 'switchboard-usage-all-to-2026-11-23.csv' });
    const chunks = await collect(plan.chunks);
    // Header, then pages of 2, 2, 2, 1: never the whole export in one piece.
    expect(chunks).toHaveLength(5);
    const records = parseCsv(chunks.join(''));
    expect(records[0]).toEqual([...CSV_HEADER]);
    const body = records.slice(1);
    const db = ledger.db.prepare(`SELECT id, ${COLUMNS.join(', ')} FROM requests ORDER BY ts, id`).raw().all() as unknown[][];
    expect(body.map((r) => Number(r[0]))).toEqual(db.map((r) => r[0]));
    expect(body.map((r) => r[0])).toEqual(['1', '2', '3', '4', '6', '7', '5']);
    const col = (name: string) => CSV_HEADER.indexOf(name as (typeof CSV_HEADER)[number]);
    const first = body[0];
    expect(first[col('time')]).toBe('2026-11-20T00:10:00.000Z');
    expect(first[col('project')]).toBe(`'=HYPERLINK("http://evil","click")`);
    expect(body[1][col('project')]).toBe('/home/dev/a "quoted", project\nwith a newline');
    expect(body[2][col('session_id')]).toBe("'-1+1");
    expect(first[col('cost_usd')]).toBe('0.002');
    expect(first[col('savings_usd')]).toBe('0.008');
    expect(body[2][col('cost_usd')]).toBe(''); // unknown stays empty, never 0
    expect(body[2][col('savings_usd')]).toBe('');
    expect(first[col('stream')]).toBe('1');
  });

  it('JSON: an array of the same rows as /api/usage/requests, with range and filters', async () => {
    const plan = exportUsage(ledger.db, parseExportQuery({ format: 'json', provider: 'oa', from: String(T0 + HOUR), tz: 'UTC' }, NOW), NOW, 2);
    expect(plan.filename).toBe('switchboard-usage-2026-11-20-to-2026-11-23.json');
    const rows = JSON.parse((await collect(plan.chunks)).join(''));
    expect(rows.map((r: { id: number }) => r.id)).toEqual([4, 6, 7]);
    expect(rows[0]).toMatchObject({ id: 4, provider: 'oa', status: 429, errorType: 'rate_limit_error', costUsd: null, savingsUsd: null, time: '2026-11-20T02:10:00.000Z' });
    const empty = exportUsage(ledger.db, parseExportQuery({ format: 'json', provider: 'nobody' }, NOW), NOW);
    expect(JSON.parse((await collect(empty.chunks)).join(''))).toEqual([]);
  });
});

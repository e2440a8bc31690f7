import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageLedger, type FlushInfo, type LedgerOptions } from './ledger.js';
import { fromDbRow, type UsageRow } from './row.js';

const posix = process.platform !== 'win32';
const DAY = 86_400_000;

function row(over: Partial<UsageRow> = {}): UsageRow {
  return { ts: Date.now(), port: 3456, requestedModel: 'claude-sonnet-4-5', attempts: 1, status: 200, stream: true, ...over };
}

const count = (l: UsageLedger): number => (l.db.prepare('SELECT count(*) AS n FROM requests').get() as { n: number }).n;
const turn = (): Promise<void> => new Promise((r) => setImmediate(r));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('UsageLedger', () => {
  let dir: string;
  const open: UsageLedger[] = [];
  const ledger = (opts: LedgerOptions = {}, name = 'usage.db'): UsageLedger => {
    const l = UsageLedger.open(join(dir, name), opts);
    open.push(l);
    return l;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-ledger-'));
  });
  afterEach(() => {
    for (const l of open.splice(0)) l.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates its directory 0700 and file 0600', () => {
    const path = join(dir, 'a', 'b', 'usage.db');
    open.push(UsageLedger.open(path));
    if (posix) {
      expect(statSync(join(dir, 'a', 'b')).mode & 0o777).toBe(0o700);
      expect(statSync(path).mode & 0o777).toBe(0o600);
    }
  });

  it('record() does no I/O; the window timer writes the batch in one transaction', async () => {
    const l = ledger({ flushIntervalMs: 40 });
    const seen: FlushInfo[] = [];
    l.onFlush((i) => seen.push(i));
    for (let i = 0; i < 3; i++) l.record(row());
    expect(count(l)).toBe(0);
    expect(l.pending).toBe(3);
    await sleep(10);
    expect(count(l)).toBe(0);
    await until(() => seen.length > 0);
    expect(seen).toEqual([{ batchId: 1, rows: 3, ms: expect.any(Number) }]);
    expect(count(l)).toBe(3);
    expect(l.pending).toBe(0);
  });

  it('a full batch is written at the next turn of the event loop, not inside record()', async () => {
    const l = ledger({ flushIntervalMs: 1000, batchSize: 10 });
    const seen: FlushInfo[] = [];
    l.onFlush((i) => seen.push(i));
    for (let i = 0; i < 25; i++) l.record(row());
    expect(count(l)).toBe(0);
    await turn();
    expect(seen.map((s) => s.rows)).toEqual([25]);
    expect(count(l)).toBe(25);
    // The window timer was disarmed with the batch: nothing more happens.
    await sleep(20);
    expect(seen).toHaveLength(1);
  });

  it('flush() acknowledges with an incrementing batch id; an empty flush writes nothing', () => {
    const l = ledger();
    expect(l.flush()).toEqual({ batchId: 0, rows: 0 });
    l.record(row());
    l.record(row());
    expect(l.flush()).toEqual({ batchId: 1, rows: 2 });
    expect(l.flush()).toEqual({ batchId: 1, rows: 0 });
    l.record(row());
    expect(l.flush()).toEqual({ batchId: 2, rows: 1 });
    expect(count(l)).toBe(3);
  });

  it('rows round-trip; unknown values stay null (an unknown cost is never 0)', () => {
    const l = ledger();
    const full: Required<UsageRow> = {
      ts: 1_700_000_000_123, requestId: 'msg_01', sessionId: 'sess-1', project: '/home/u/proj', port: 3456,
      provider: 'deepseek', requestedModel: 'claude-sonnet-4-5', upstreamModel: 'deepseek-chat', scenario: 'think',
      strategy: 'cheapest', attempts: 2, fallbackPath: 'openai:429,deepseek:200', status: 200, errorType: null,
      inputTokens: 1200, outputTokens: 345, cacheReadTokens: 1000, cacheWriteTokens: 0, costUsd: 0.000123,
      providerCostUsd: 0.00013, costDrift: 0.000007, latencyMs: 1234.5, ttftMs: 210.25, stream: true, referenceCostUsd: 0.0081,
    };
    l.record(full);
    l.record({ ts: 5, port: 3457, requestedModel: 'x', attempts: 1, status: 529, errorType: 'overloaded_error', stream: false, costUsd: Number.NaN, inputTokens: 0 });
    l.record({ ...row(), costUsd: 0, provider: 'ollama' });
    l.flush();
    const rows = (l.db.prepare('SELECT * FROM requests ORDER BY id').all() as Record<string, unknown>[]).map(fromDbRow);
    expect(rows[0]).toEqual(full);
    expect(rows[1]).toEqual({
      ts: 5, requestId: null, sessionId: null, project: null, port: 3457, provider: null, requestedModel: 'x', upstreamModel: null,
      scenario: null, strategy: null, attempts: 1, fallbackPath: null, status: 529, errorType: 'overloaded_error',
      inputTokens: 0, outputTokens: null, cacheReadTokens: null, cacheWriteTokens: null, costUsd: null, providerCostUsd: null,
      costDrift: null, latencyMs: null, ttftMs: null, stream: false, referenceCostUsd: null,
    });
    expect(rows[2].costUsd).toBe(0);
    // SQL sees the difference too: SUM skips unknown costs, and they can be counted.
    expect(l.db.prepare('SELECT count(*) - count(cost_usd) AS unknown FROM requests').get()).toEqual({ unknown: 1 });
  });

  it('prunes rows older than the retention at open and on demand', () => {
    const now = 1_800_000_000_000;
    const a = UsageLedger.open(join(dir, 'p.db'), { retentionDays: null, now: () => now });
    for (const age of [200, 91, 89, 10, 0]) a.record(row({ ts: now - age * DAY, requestId: `age-${age}` }));
    a.close();
    const l = ledger({ now: () => now }, 'p.db'); // default retention: 90 days
    const ids = () => (l.db.prepare('SELECT request_id FROM requests ORDER BY ts').all() as { request_id: string }[]).map((r) => r.request_id);
    expect(ids()).toEqual(['age-89', 'age-10', 'age-0']);
    expect(l.prune(30)).toBe(1);
    expect(ids()).toEqual(['age-10', 'age-0']);
    expect(l.prune(0)).toBe(1);
    expect(() => l.prune(-1)).toThrow(RangeError);
  });

  it('close() writes what is queued; later rows are counted as dropped', () => {
    const path = join(dir, 'c.db');
    const l = UsageLedger.open(path, { flushIntervalMs: 1000 });
    l.record(row());
    l.record(row());
    l.close();
    l.close();
    l.record(row());
    expect(l.dropped).toBe(1);
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM requests').get()).toEqual({ n: 2 });
    db.close();
  });

  it('a batch the database refuses stays queued, in order, and is written later', async () => {
    const l = ledger({ flushIntervalMs: 30, busyTimeoutMs: 0 });
    const errors: Error[] = [];
    l.onError((e) => errors.push(e));
    const other = new Database(l.path);
    other.exec('BEGIN IMMEDIATE'); // another writer holds the lock
    l.record(row({ requestId: '1' }));
    expect(() => l.flush()).toThrow(/locked|busy/i);
    l.record(row({ requestId: '2' }));
    // Polled, not a fixed sleep: the flush timer fires late when the suite loads the machine.
    await until(() => errors.length > 0);
    expect(errors.length).toBeGreaterThan(0);
    expect(l.lastError).toBe(errors[0]);
    expect(l.pending).toBe(2);
    other.exec('COMMIT');
    other.close();
    await until(() => l.pending === 0);
    expect(l.pending).toBe(0);
    expect((l.db.prepare('SELECT request_id FROM requests ORDER BY id').all() as { request_id: string }[]).map((r) => r.request_id)).toEqual(['1', '2']);
  });

  it('keeps at most maxPending rows while writes fail, dropping the oldest', () => {
    const l = ledger({ batchSize: 2, maxPending: 3, busyTimeoutMs: 0 });
    const other = new Database(l.path);
    other.exec('BEGIN IMMEDIATE');
    for (let i = 0; i < 5; i++) l.record(row({ requestId: String(i) }));
    expect(() => l.flush()).toThrow();
    expect(l.pending).toBe(3);
    expect(l.dropped).toBe(2);
    other.exec('COMMIT');
    other.close();
    expect(l.flush().rows).toBe(3);
  });

  it('a throwing onFlush observer does not fail the committed batch', () => {
    const l = ledger();
    l.onFlush(() => {
      throw new Error('observer bug');
    });
    const off = l.onFlush(() => undefined);
    off();
    l.record(row());
    expect(l.flush()).toEqual({ batchId: 1, rows: 1 });
  });
});

/** Waits (bounded, 5 s) until `cond` holds; the assertions after it report what went wrong. */
async function until(cond: () => boolean): Promise<void> {
  for (let waited = 0; waited < 5000 && !cond(); waited += 10) await new Promise((r) => setTimeout(r, 10));
}

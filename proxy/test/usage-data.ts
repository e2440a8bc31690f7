import type Database from 'better-sqlite3';
import { foldIntoRollups } from '../usage/ledger/rollup.js';
import type { UsageRow } from '../usage/ledger/row.js';

// Usage-ledger data for the usage API's tests: a small hand-made set whose
// totals are worked out by hand in the tests, a synthetic million rows made
// inside SQLite, and an RFC 4180 parser to read exports back.

/** 2026-11-20 00:00 UTC, a Friday. */
export const T0 = Date.UTC(2026, 10, 20);
export const MIN = 60_000;
export const HOUR = 3_600_000;

const base = { requestedModel: 'claude-sonnet-5-5', attempts: 1, stream: true, scenario: 'default', strategy: 'priority' } as const;

/**
 * Seven requests over two days. Two of them (6 and 7) sit in the same UTC hour
 * on either side of midnight in Asia/Kolkata (18:30 UTC), so a rollup-only
 * answer would put them in the same IST day.
 */
export function handRows(): UsageRow[] {
  return [
    { ...base, ts: T0 + 10 * MIN, provider: 'oa', upstreamModel: 'gpt-x', port: 8080, sessionId: 's1', project: '/p1', status: 200, inputTokens: 1000, outputTokens: 100, cacheReadTokens: 400, cacheWriteTokens: 0, costUsd: 0.002, referenceCostUsd: 0.01, latencyMs: 500, ttftMs: 100 },
    { ...base, ts: T0 + 50 * MIN, provider: 'oa', upstreamModel: 'gpt-x', port: 8080, sessionId: 's1', project: '/p1', status: 200, inputTokens: 2000, outputTokens: 200, cacheReadTokens: 0, cacheWriteTokens: 50, costUsd: 0.004, referenceCostUsd: 0.02, latencyMs: 700, ttftMs: null, stream: false },
    { ...base, ts: T0 + 70 * MIN, provider: 'an', upstreamModel: 'claude-opus-5-5', requestedModel: 'claude-opus-5-5', port: 8094, sessionId: 's2', project: '/p2', status: 200, inputTokens: 300, outputTokens: 40, cacheReadTokens: 2000, cacheWriteTokens: 100, costUsd: null, referenceCostUsd: 0.05, latencyMs: 1000, ttftMs: 200 },
    { ...base, ts: T0 + 130 * MIN, provider: 'oa', upstreamModel: 'gpt-x-mini', requestedModel: 'claude-haiku-5-5', port: 8080, sessionId: null, project: null, status: 429, errorType: 'rate_limit_error', costUsd: null, latencyMs: 50, stream: false },
    { ...base, ts: T0 + 25 * HOUR, provider: 'or', upstreamModel: 'or-model', port: 8093, sessionId: 's2', project: '/p2', status: 200, attempts: 2, fallbackPath: 'oa:429,or:200', inputTokens: 500, outputTokens: 50, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.001, providerCostUsd: 0.0012, costDrift: 0.0002, referenceCostUsd: 0.004, latencyMs: 300, ttftMs: 80 },
    { ...base, ts: T0 + 18 * HOUR + 10 * MIN, provider: 'oa', upstreamModel: 'gpt-x', port: 8080, sessionId: 's3', project: '/p1', status: 200, inputTokens: 10, outputTokens: 1, costUsd: 0.0001, referenceCostUsd: 0.001, latencyMs: 100, stream: false },
    { ...base, ts: T0 + 18 * HOUR + 40 * MIN, provider: 'oa', upstreamModel: 'gpt-x', port: 8080, sessionId: 's3', project: '/p1', status: 200, inputTokens: 20, outputTokens: 2, costUsd: 0.0002, referenceCostUsd: 0.001, latencyMs: 200, stream: false },
  ];
}

/**
 * `n` requests spread evenly over [end − spanMs, end), inserted by one INSERT … SELECT
 * and then folded into the rollups (when the ledger has them), as the ledger does for each batch. Shaped like Claude Code
 * traffic: 50 sessions at a time, each on one provider and port for ~14 h, a main and a
 * background model, 2 % rate-limited, one provider in five without a known price.
 */
export function insertSynthetic(db: Database.Database, n: number, end: number, spanMs: number): void {
  const maxId = () => (db.prepare('SELECT coalesce(max(id), 0) AS m FROM requests').get() as { m: number }).m;
  const before = maxId();
  db.prepare(
    `WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ?),
     g AS (SELECT i, (i % 50) + 50 * (i / 20000) AS s FROM seq)
     INSERT INTO requests (ts, request_id, session_id, project, port, provider, requested_model, upstream_model, scenario, strategy, attempts,
       status, error_type, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, latency_ms, ttft_ms, stream, reference_cost_usd)
     SELECT ? - ? + (i * ? / ?), 'msg_' || i, 'sess-' || s, '/home/dev/project-' || (s % 40),
       CASE WHEN s % 3 = 0 THEN 8080 ELSE 8092 + s % 5 END, 'prov' || (s % 5),
       CASE WHEN i % 4 = 0 THEN 'claude-haiku-5-5' ELSE 'claude-sonnet-5-5' END,
       'model-' || (s % 5) || CASE WHEN i % 4 = 0 THEN '-mini' ELSE '' END, 'default', 'intelligent', 1,
       CASE WHEN i % 50 = 7 THEN 429 ELSE 200 END, CASE WHEN i % 50 = 7 THEN 'rate_limit_error' END,
       CASE WHEN i % 50 = 7 THEN NULL ELSE 1000 + i % 977 END, CASE WHEN i % 50 = 7 THEN NULL ELSE 100 + i % 131 END,
       CASE WHEN i % 50 = 7 THEN NULL ELSE i % 3000 END, CASE WHEN i % 50 = 7 THEN NULL ELSE i % 211 END,
       CASE WHEN i % 50 = 7 OR s % 5 = 4 THEN NULL ELSE (i % 1000) * 1e-6 END,
       200 + i % 5000, 50 + i % 400, i % 2, CASE WHEN i % 50 = 7 THEN NULL ELSE (i % 1000) * 3e-6 END
     FROM g`,
  ).run(n - 1, end, spanMs, spanMs, n);
  // A ledger from before migration 3 has no rollups (its migration fills them).
  const hasRollups = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'usage_hourly'").get() !== undefined;
  if (hasRollups) foldIntoRollups(db, before + 1, maxId());
}

/** RFC 4180: quoted fields, doubled quotes, CRLF records, line breaks inside quotes. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else if (c === '"' || c === '\n' || c === '\r') throw new Error(`not RFC 4180: bare ${JSON.stringify(c)} at ${i}`);
    else field += c;
    i++;
  }
  if (quoted) throw new Error('not RFC 4180: unterminated quote');
  if (field !== '' || record.length) throw new Error('not RFC 4180: last record without CRLF');
  return records;
}

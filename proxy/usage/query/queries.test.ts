import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../../protocol/anthropic/errors.js';
import { HOUR, handRows, MIN, T0 } from '../../test/usage-data.js';
import { UsageLedger } from '../ledger/index.js';
import { breakdown, listRequests, parseBreakdownQuery, parseRequestsQuery, parseSeriesQuery, parseSummaryQuery, requestDetail, series, summary } from './index.js';

// The query modules over a ledger holding handRows(); every expected figure is
// worked out by hand from those seven rows.

const DAY = 24 * HOUR;
const NOW = T0 + 3 * DAY;

describe('usage queries', () => {
  let ledger: UsageLedger;
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-usage-query-'));
    ledger = UsageLedger.open(join(dir, 'usage.db'), { retentionDays: null });
    for (const r of handRows()) ledger.record(r);
    ledger.flush();
  });
  afterEach(() => {
    ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const q = (s: Record<string, string>) => ({ tz: 'UTC', from: String(T0), to: String(T0 + 2 * DAY), ...s });

  it('summary: totals, unknown costs, provider cost and drift, savings, latency', () => {
    const s = summary(ledger.db, parseSummaryQuery(q({}), NOW));
    expect(s.range).toEqual({ from: T0, to: T0 + 2 * DAY, fromIso: '2026-11-20T00:00:00.000Z', toIso: '2026-11-22T00:00:00.000Z', tz: 'UTC' });
    expect(s.totals).toEqual({
      requests: 7,
      errors: 1,
      inputTokens: 3830,
      outputTokens: 393,
      cacheReadTokens: 2400,
      cacheWriteTokens: 150,
      costUsd: 0.0073,
      // Row 3 used tokens at an unknown price; the 429 without usage is not "unknown".
      unknownCostRequests: 1,
      providerCostUsd: 0.0012,
      providerCostRequests: 1,
      driftUsd: 0.0002,
      driftRequests: 1,
      // Rows with both figures: 0.01 + 0.02 + 0.004 + 0.001 + 0.001 (row 3's reference has no cost beside it).
      referenceCostUsd: 0.036,
      savingsUsd: 0.0287,
      avgLatencyMs: 407.1, // (500 + 700 + 1000 + 50 + 300 + 100 + 200) / 7
      avgTtftMs: 126.7, // (100 + 200 + 80) / 3
    });
    // Successful latencies 100, 200, 300, 500, 700, 1000 (nearest rank).
    expect(s.latency).toEqual({ sample: 6, p50Ms: 300, p95Ms: 1000, p99Ms: 1000, ttftP50Ms: 100, ttftP95Ms: 200 });
  });

  it('summary over a range that cuts hours: raw rows at the edges, the rollup in between', () => {
    // [00:30, +26h): row 2 from the raw edge, rows 3, 4, 5, 6, 7 from whole hours.
    const s = summary(ledger.db, parseSummaryQuery(q({ from: String(T0 + 30 * MIN), to: String(T0 + 26 * HOUR) }), NOW));
    expect(s.totals).toMatchObject({ requests: 6, errors: 1, inputTokens: 2830, costUsd: 0.0053, unknownCostRequests: 1 });
    // Inside one hour: raw only.
    const inner = summary(ledger.db, parseSummaryQuery(q({ from: String(T0 + 30 * MIN), to: String(T0 + 55 * MIN) }), NOW));
    expect(inner.totals).toMatchObject({ requests: 1, costUsd: 0.004 });
  });

  it('summary with filters', () => {
    expect(summary(ledger.db, parseSummaryQuery(q({ provider: 'oa' }), NOW)).totals).toMatchObject({ requests: 5, errors: 1, costUsd: 0.0063 });
    expect(summary(ledger.db, parseSummaryQuery(q({ session: 's2', port: '8093' }), NOW)).totals).toMatchObject({ requests: 1, costUsd: 0.001 });
    expect(summary(ledger.db, parseSummaryQuery(q({ requestedModel: 'claude-haiku-5-5' }), NOW)).totals).toMatchObject({ requests: 1, errors: 1 });
    expect(summary(ledger.db, parseSummaryQuery(q({ project: '/nowhere' }), NOW)).totals).toMatchObject({ requests: 0, costUsd: 0, avgLatencyMs: null });
  });

  it('series by UTC hour', () => {
    const s = series(ledger.db, parseSeriesQuery(q({ to: String(T0 + 3 * HOUR), bucket: 'hour' }), NOW));
    expect(s.buckets.map((b) => [b.label, b.totals.requests, b.totals.costUsd])).toEqual([
      ['2026-11-20T00:00', 2, 0.006],
      ['2026-11-20T01:00', 1, 0],
      ['2026-11-20T02:00', 1, 0],
    ]);
    expect(s.buckets[0]).toMatchObject({ start: T0, end: T0 + HOUR });
    expect(s.groups).toEqual([]);
    expect(s.other).toBeNull();
  });

  it('series by day in Asia/Kolkata (+05:30) splits the UTC hour that holds IST midnight', () => {
    const s = series(ledger.db, parseSeriesQuery(q({ tz: 'Asia/Kolkata', bucket: 'day', groupBy: 'provider', top: '2' }), NOW));
    expect(s.range.tz).toBe('Asia/Kolkata');
    expect(s.buckets.map((b) => [b.label, b.start, b.end])).toEqual([
      ['2026-11-20', T0 - 5.5 * HOUR, T0 + 18.5 * HOUR],
      ['2026-11-21', T0 + 18.5 * HOUR, T0 + 42.5 * HOUR],
      ['2026-11-22', T0 + 42.5 * HOUR, T0 + 66.5 * HOUR],
    ]);
    // Top 2 by cost: oa (0.0063), or (0.001); an (cost unknown) is "other".
    expect(s.groups.map((g) => [g.key, g.totals.requests, g.totals.costUsd])).toEqual([
      ['oa', 5, 0.0063],
      ['or', 1, 0.001],
    ]);
    expect(s.other).toMatchObject({ groups: 1, totals: { requests: 1, unknownCostRequests: 1 } });
    const [d0, d1, d2] = s.buckets;
    // Day 0: rows 1, 2, 3, 4 and 6 (18:10 UTC = 23:40 IST). Row 7 (18:40 UTC = 00:10 IST) is the next day.
    expect(d0.totals).toMatchObject({ requests: 5, costUsd: 0.0061 });
    expect(d0.groups.map((g) => g && [g.requests, g.costUsd])).toEqual([[4, 0.0061], null]);
    expect(d0.other).toMatchObject({ requests: 1, costUsd: 0 });
    expect(d1.totals).toMatchObject({ requests: 2, costUsd: 0.0012 });
    expect(d1.groups.map((g) => g && [g.requests, g.costUsd])).toEqual([[1, 0.0002], [1, 0.001]]);
    expect(d1.other).toBeNull();
    expect(d2.totals.requests).toBe(0);
  });

  it('series by week starts weeks on Monday; by hour in a fixed +05:30 offset', () => {
    const w = series(ledger.db, parseSeriesQuery(q({ bucket: 'week' }), NOW));
    expect(w.buckets.map((b) => [b.label, b.totals.requests])).toEqual([['2026-11-16', 7]]);
    const h = series(ledger.db, parseSeriesQuery(q({ tz: '+05:30', bucket: 'hour', from: String(T0), to: String(T0 + 2 * HOUR) }), NOW));
    // Local hours run from :30 UTC: [23:30, 00:30) holds row 1 (00:10), [00:30, 01:30) rows 2 (00:50) and 3 (01:10).
    expect(h.buckets.map((b) => [b.label, b.totals.requests])).toEqual([
      ['2026-11-20T05:00', 1],
      ['2026-11-20T06:00', 2],
      ['2026-11-20T07:00', 0],
    ]);
  });

  it('series refuses too many buckets', () => {
    expect(() => series(ledger.db, parseSeriesQuery(q({ bucket: 'hour', from: String(T0), to: String(T0 + 60 * DAY) }), NOW))).toThrow(/range too large for hour buckets.*bucket=day/);
  });

  it('breakdown by session: sorted, paginated, with first/last seen and the project', () => {
    const page1 = breakdown(ledger.db, parseBreakdownQuery(q({ groupBy: 'session', limit: '2' }), NOW));
    expect(page1.totalGroups).toBe(4);
    expect(page1.rows.map((r) => [r.key, r.totals.costUsd, r.project])).toEqual([
      ['s1', 0.006, '/p1'],
      ['s2', 0.001, '/p2'],
    ]);
    expect(page1.rows[1]).toMatchObject({ firstTs: T0 + 70 * MIN, lastTs: T0 + 25 * HOUR });
    const page2 = breakdown(ledger.db, parseBreakdownQuery(q({ groupBy: 'session', limit: '2', offset: '2' }), NOW));
    expect(page2.rows.map((r) => [r.key, r.totals.requests, r.project])).toEqual([
      ['s3', 2, '/p1'],
      [null, 1, null],
    ]);
    const past = breakdown(ledger.db, parseBreakdownQuery(q({ groupBy: 'session', offset: '10' }), NOW));
    expect(past).toMatchObject({ totalGroups: 4, rows: [] });
    const byKey = breakdown(ledger.db, parseBreakdownQuery(q({ groupBy: 'session', sort: 'key', order: 'asc' }), NOW));
    expect(byKey.rows.map((r) => r.key)).toEqual([null, 's1', 's2', 's3']);
  });

  it('breakdown by port, model and requested model', () => {
    const ports = breakdown(ledger.db, parseBreakdownQuery(q({ groupBy: 'port', sort: 'requests' }), NOW));
    expect(ports.rows.map((r) => [r.key, r.totals.requests])).toEqual([
      [8080, 5],
      [8094, 1],
      [8093, 1],
    ].sort((a, b) => b[1] - a[1] || b[0] - a[0]));
    const models = breakdown(ledger.db, parseBreakdownQuery(q({ groupBy: 'model' }), NOW));
    expect(models.rows.map((r) => [r.key, r.totals.costUsd])).toEqual([
      ['gpt-x', 0.0063],
      ['or-model', 0.001],
      ['gpt-x-mini', 0],
      ['claude-opus-5-5', 0],
    ]);
    expect(models.rows[0]).not.toHaveProperty('project');
    const requested = breakdown(ledger.db, parseBreakdownQuery(q({ groupBy: 'requestedModel', sort: 'errors' }), NOW));
    expect(requested.rows[0]).toMatchObject({ key: 'claude-haiku-5-5', totals: { errors: 1 } });
  });

  it('requests: newest first by (ts, id), keyset pages, filters, and polling with after', () => {
    // Inserted in handRows order, so ids 1-7; by time: 5 (25 h), 7, 6, 4, 3, 2, 1.
    const p1 = listRequests(ledger.db, parseRequestsQuery({ limit: '3' }, NOW));
    expect(p1.rows.map((r) => r.id)).toEqual([5, 7, 6]);
    expect(p1).toMatchObject({ hasMore: true, nextBefore: 6, newestId: 7 });
    const p2 = listRequests(ledger.db, parseRequestsQuery({ limit: '3', before: '6' }, NOW));
    expect(p2.rows.map((r) => r.id)).toEqual([4, 3, 2]);
    const p3 = listRequests(ledger.db, parseRequestsQuery({ limit: '3', before: '2' }, NOW));
    expect(p3).toMatchObject({ hasMore: false, nextBefore: null });
    expect(p3.rows.map((r) => r.id)).toEqual([1]);
    expect(listRequests(ledger.db, parseRequestsQuery({ provider: 'oa' }, NOW)).rows.map((r) => r.id)).toEqual([7, 6, 4, 2, 1]);
    expect(listRequests(ledger.db, parseRequestsQuery({ status: 'error' }, NOW)).rows.map((r) => r.id)).toEqual([4]);
    expect(listRequests(ledger.db, parseRequestsQuery({ from: String(T0 + HOUR), to: String(T0 + DAY), tz: 'UTC' }, NOW)).rows.map((r) => r.id)).toEqual([7, 6, 4, 3]);

    expect(listRequests(ledger.db, parseRequestsQuery({ after: '7' }, NOW)).rows).toEqual([]);
    ledger.record({ ...handRows()[0], ts: T0 + 5 * MIN });
    ledger.flush();
    const polled = listRequests(ledger.db, parseRequestsQuery({ after: '7' }, NOW));
    expect(polled).toMatchObject({ hasMore: false, nextBefore: null, newestId: 8 });
    expect(polled.rows.map((r) => r.id)).toEqual([8]);
    expect(() => listRequests(ledger.db, parseRequestsQuery({ before: '999' }, NOW))).toThrow(/before: no request with id 999/);
  });

  it('request rows: every ledger field, ISO time, savings; detail adds the attempts', () => {
    const [row] = listRequests(ledger.db, parseRequestsQuery({ limit: '1' }, NOW)).rows;
    expect(row).toEqual({
      id: 5,
      time: '2026-11-21T01:00:00.000Z',
      ts: T0 + 25 * HOUR,
      requestId: null,
      sessionId: 's2',
      project: '/p2',
      port: 8093,
      provider: 'or',
      requestedModel: 'claude-sonnet-5-5',
      upstreamModel: 'or-model',
      scenario: 'default',
      strategy: 'priority',
      attempts: 2,
      fallbackPath: 'oa:429,or:200',
      status: 200,
      errorType: null,
      inputTokens: 500,
      outputTokens: 50,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      costUsd: 0.001,
      providerCostUsd: 0.0012,
      costDrift: 0.0002,
      referenceCostUsd: 0.004,
      savingsUsd: 0.003,
      latencyMs: 300,
      ttftMs: 80,
      stream: true,
    });
    const detail = requestDetail(ledger.db, 5);
    expect(detail.attemptsPath).toEqual([
      { provider: 'oa', status: 429 },
      { provider: 'or', status: 200 },
    ]);
    expect(requestDetail(ledger.db, 1).attemptsPath).toEqual([]);
    expect(requestDetail(ledger.db, 3).savingsUsd).toBeNull();
    let err: unknown;
    try {
      requestDetail(ledger.db, 99);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).status).toBe(404);
  });
});

import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { ExecuteResult } from '../router/execute.js';
import type { UsageRow } from '../usage/ledger/row.js';
import { Scrape } from '../test/prometheus.js';
import { DURATION_BUCKETS, MAX_MODELS, RequestMetrics, TTFT_BUCKETS } from './request-metrics.js';

function row(extra: Partial<UsageRow> = {}): UsageRow {
  return {
    ts: Date.now(),
    port: 8080,
    provider: 'oa',
    requestedModel: 'claude-sonnet-5-5',
    upstreamModel: 'up-model',
    attempts: 1,
    status: 200,
    inputTokens: 100,
    outputTokens: 20,
    cacheReadTokens: 50,
    cacheWriteTokens: 5,
    costUsd: 0.002,
    referenceCostUsd: 0.005,
    latencyMs: 300,
    ttftMs: 120,
    stream: true,
    ...extra,
  };
}

/** An ExecuteResult with these attempts ("provider:status"); only `attempts` is read. */
function result(...attempts: string[]): ExecuteResult {
  return {
    target: null,
    error: null,
    outcome: {},
    attempts: attempts.map((a) => {
      const [provider, status] = a.split(':');
      return { provider, model: 'm', status: Number(status) };
    }),
  };
}

async function setup() {
  const registry = new Registry();
  const m = new RequestMetrics(registry);
  return { m, scrape: async () => Scrape.parse(await registry.metrics()) };
}

describe('RequestMetrics', () => {
  it('counts requests by port, provider, upstream model and status', async () => {
    const { m, scrape } = await setup();
    m.record(row(), result('oa:200'));
    m.record(row(), result('oa:200'));
    m.record(row({ port: 8092, status: 429, inputTokens: null, outputTokens: null, cacheReadTokens: null, cacheWriteTokens: null, costUsd: null, referenceCostUsd: null }), result('oa:429'));
    m.record(row({ provider: null, upstreamModel: null, status: 503, attempts: 0 }), result());
    const s = await scrape();
    expect(s.family('switchboard_requests_total').type).toBe('counter');
    expect(s.value('switchboard_requests_total', { port: '8080', provider: 'oa', model: 'up-model', status: '200' })).toBe(2);
    expect(s.value('switchboard_requests_total', { port: '8092', provider: 'oa', model: 'up-model', status: '429' })).toBe(1);
    expect(s.value('switchboard_requests_total', { port: '8080', provider: 'none', model: 'none', status: '503' })).toBe(1);
    expect(s.sum('switchboard_requests_total')).toBe(4);
  });

  it('adds tokens by type, cost, unpriced requests, reference cost and savings (which may go negative)', async () => {
    const { m, scrape } = await setup();
    m.record(row(), result('oa:200'));
    m.record(row({ inputTokens: 10, outputTokens: 1, cacheReadTokens: null, cacheWriteTokens: null, costUsd: 0.001, referenceCostUsd: null }), result('oa:200'));
    // A provider dearer than Anthropic's list price: negative savings.
    m.record(row({ provider: 'pricey', upstreamModel: 'big', costUsd: 0.01, referenceCostUsd: 0.004 }), result('pricey:200'));
    // Usage known but no price: unpriced, cost unknown (not zero), no savings.
    m.record(row({ provider: 'free', upstreamModel: 'mystery', costUsd: null, referenceCostUsd: 0.004 }), result('free:200'));
    const s = await scrape();
    const oa = { provider: 'oa', model: 'up-model' };
    expect(s.value('switchboard_tokens_total', { ...oa, type: 'input' })).toBe(110);
    expect(s.value('switchboard_tokens_total', { ...oa, type: 'output' })).toBe(21);
    expect(s.value('switchboard_tokens_total', { ...oa, type: 'cache_read' })).toBe(50);
    expect(s.value('switchboard_tokens_total', { ...oa, type: 'cache_write' })).toBe(5);
    expect(s.value('switchboard_cost_usd_total', oa)).toBeCloseTo(0.003, 12);
    expect(s.value('switchboard_reference_cost_usd_total', oa)).toBeCloseTo(0.005, 12);
    expect(s.value('switchboard_savings_usd', oa)).toBeCloseTo(0.003, 12);
    expect(s.family('switchboard_savings_usd').type).toBe('gauge');
    expect(s.value('switchboard_savings_usd', { provider: 'pricey', model: 'big' })).toBeCloseTo(-0.006, 12);
    expect(s.value('switchboard_unpriced_requests_total', { provider: 'free', model: 'mystery' })).toBe(1);
    expect(s.value('switchboard_cost_usd_total', { provider: 'free', model: 'mystery' })).toBe(0);
    expect(s.value('switchboard_savings_usd', { provider: 'free', model: 'mystery' })).toBe(0);
    expect(s.sum('switchboard_unpriced_requests_total')).toBe(1);
    expect(s.value('switchboard_tokens_total', { provider: 'free', model: 'mystery', type: 'input' })).toBe(100);
  });

  it('counts a success without usage as unpriced and a failure without usage as nothing, as the usage API does', async () => {
    const { m, scrape } = await setup();
    const noUsage = { inputTokens: null, outputTokens: null, cacheReadTokens: null, cacheWriteTokens: null, costUsd: null, referenceCostUsd: null };
    m.record(row({ ...noUsage, provider: 'quiet', upstreamModel: 'm' }), result('quiet:200'));
    m.record(row({ ...noUsage, provider: 'broken', upstreamModel: 'm', status: 503 }), result('broken:503'));
    const s = await scrape();
    expect(s.value('switchboard_unpriced_requests_total', { provider: 'quiet', model: 'm' })).toBe(1);
    expect(s.sum('switchboard_unpriced_requests_total')).toBe(1);
  });

  it('observes duration for every request and time to first token for streams only, in seconds', async () => {
    const { m, scrape } = await setup();
    m.record(row({ latencyMs: 300, ttftMs: 120 }), result('oa:200'));
    m.record(row({ latencyMs: 7000, ttftMs: 40, stream: true }), result('oa:200'));
    m.record(row({ latencyMs: 80, ttftMs: 79, stream: false }), result('oa:200'));
    m.record(row({ latencyMs: 20, ttftMs: null, status: 502 }), result('oa:502'));
    const s = await scrape();
    const d = s.histogram('switchboard_request_duration_seconds', { provider: 'oa' });
    expect(d.count).toBe(4);
    expect(d.sum).toBeCloseTo(7.4, 9);
    expect([...d.buckets.keys()]).toEqual([...DURATION_BUCKETS, Infinity]);
    expect(d.buckets.get(0.05)).toBe(1);
    expect(d.buckets.get(0.1)).toBe(2);
    expect(d.buckets.get(0.5)).toBe(3);
    expect(d.buckets.get(5)).toBe(3);
    expect(d.buckets.get(10)).toBe(4);
    const t = s.histogram('switchboard_time_to_first_token_seconds', { provider: 'oa' });
    expect(t.count).toBe(2);
    expect(t.sum).toBeCloseTo(0.16, 9);
    expect([...t.buckets.keys()]).toEqual([...TTFT_BUCKETS, Infinity]);
    expect(t.buckets.get(0.05)).toBe(1);
    expect(t.buckets.get(0.25)).toBe(2);
  });

  it('counts upstream attempts, fallbacks (not same-provider retries) and circuit skips', async () => {
    const { m, scrape } = await setup();
    m.record(row({ provider: 'b' }), result('a:429', 'b:200'));
    m.record(row({ provider: 'b' }), result('a:500', 'a:502', 'b:200'));
    // b skipped (circuit open): the move is a → c.
    m.record(row({ provider: 'c' }), result('a:529', 'b:0', 'c:200'));
    // Everything failed: a → b still fell back.
    m.record(row({ provider: 'b', status: 529 }), result('a:529', 'b:529'));
    m.record(row({ provider: 'a', status: 499 }), result('a:499'));
    const s = await scrape();
    expect(s.value('switchboard_fallbacks_total', { from: 'a', to: 'b' })).toBe(3);
    expect(s.value('switchboard_fallbacks_total', { from: 'a', to: 'c' })).toBe(1);
    expect(s.sum('switchboard_fallbacks_total')).toBe(4);
    expect(s.value('switchboard_upstream_attempts_total', { provider: 'a', status: '529' })).toBe(2);
    expect(s.value('switchboard_upstream_attempts_total', { provider: 'a', status: '500' })).toBe(1);
    expect(s.value('switchboard_upstream_attempts_total', { provider: 'a', status: '502' })).toBe(1);
    expect(s.value('switchboard_upstream_attempts_total', { provider: 'a', status: '499' })).toBe(1);
    expect(s.value('switchboard_upstream_attempts_total', { provider: 'b', status: '200' })).toBe(2);
    expect(s.value('switchboard_upstream_attempts_total', { provider: 'b', status: '0' })).toBeUndefined();
    expect(s.sum('switchboard_upstream_attempts_total')).toBe(10);
    expect(s.value('switchboard_circuit_skips_total', { provider: 'b' })).toBe(1);
  });

  it('keeps the model label bounded and escapes odd model names', async () => {
    const { m, scrape } = await setup();
    for (let i = 0; i < MAX_MODELS + 5; i++) m.record(row({ upstreamModel: `model-${i}` }), null);
    m.record(row({ upstreamModel: 'we"ird\\name\nx' }), null);
    const s = await scrape();
    const models = new Set(s.samples('switchboard_requests_total').map((x) => x.labels.model));
    expect(models.size).toBe(MAX_MODELS + 1);
    expect(s.value('switchboard_requests_total', { port: '8080', provider: 'oa', model: 'other', status: '200' })).toBe(6);
    expect(s.value('switchboard_requests_total', { port: '8080', provider: 'oa', model: 'model-0', status: '200' })).toBe(1);
  });

  it('ignores NaN and negative figures instead of poisoning a counter or failing the scrape', async () => {
    const { m, scrape } = await setup();
    m.record(row({ inputTokens: -50, outputTokens: Number.NaN, costUsd: Number.NaN, referenceCostUsd: 0.01, latencyMs: Number.NaN, ttftMs: -1 }), result('oa:200'));
    m.record(row(), result('oa:200'));
    const s = await scrape();
    expect(s.value('switchboard_tokens_total', { provider: 'oa', model: 'up-model', type: 'input' })).toBe(100);
    expect(s.value('switchboard_tokens_total', { provider: 'oa', model: 'up-model', type: 'output' })).toBe(20);
    expect(s.value('switchboard_cost_usd_total', { provider: 'oa', model: 'up-model' })).toBeCloseTo(0.002, 12);
    expect(s.histogram('switchboard_request_duration_seconds', { provider: 'oa' }).count).toBe(2);
    expect(s.value('switchboard_requests_total', { port: '8080', provider: 'oa', model: 'up-model', status: '200' })).toBe(2);
    expect(s.value('switchboard_unpriced_requests_total', { provider: 'oa', model: 'up-model' })).toBe(1); // a NaN cost is not free
    expect(s.value('switchboard_savings_usd', { provider: 'oa', model: 'up-model' })).toBeCloseTo(0.003, 12);
  });

  it('escapes label values so the exposition stays parseable', async () => {
    const { m, scrape } = await setup();
    m.record(row({ upstreamModel: 'we"ird\\name\nx' }), null);
    const s = await scrape();
    expect(s.value('switchboard_requests_total', { port: '8080', provider: 'oa', model: 'we"ird\\name\nx', status: '200' })).toBe(1);
  });

  it('costs at most a few µs of CPU per request (the recorder listener)', () => {
    const m = new RequestMetrics(new Registry());
    const rows = [row(), row({ stream: false, status: 429, inputTokens: null, outputTokens: null, costUsd: null }), row({ provider: 'b', upstreamModel: 'b-model' })];
    const results = [result('oa:200'), result('oa:429'), result('a:500', 'b:200')];
    for (let i = 0; i < 5000; i++) m.record(rows[i % 3], results[i % 3]); // warm up
    const n = 100_000;
    const t = process.cpuUsage();
    for (let i = 0; i < n; i++) m.record(rows[i % 3], results[i % 3]);
    const used = process.cpuUsage(t);
    const perRowUs = (used.user + used.system) / n;
    if (process.env.SWITCHBOARD_METRICS_COST) console.log(`metrics listener: ${perRowUs.toFixed(3)} µs CPU per row`);
    // Budget 5 µs; measured about 0.5-1 µs on the 2-core VM (see README).
    expect(perRowUs).toBeLessThan(5);
  });
});

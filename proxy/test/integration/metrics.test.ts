// GET /metrics over real sockets: real requests through the gateway (successful,
// failing, streamed, failed over, circuit opened), the exposition parsed by a
// strict Prometheus text parser, exact figures checked, and checked against the
// usage ledger's rows for the same requests.
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromDbRow } from '../../usage/ledger/index.js';
import { VERSION } from '../../version.js';
import { startGateway, type RunningGateway } from '../gateway.js';
import { raw } from '../http.js';
import { Scrape } from '../prometheus.js';
import { chunk, completion, json, openaiStream, ScriptedUpstream, sse, usageChunk } from '../upstream.js';
import { expectAnthropicError, messagesBody, post, readSse } from './_helpers.js';

const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
const okJson = (prompt: number, out: number) => (_req: unknown, res: ServerResponse) =>
  json(res, 200, completion({ content: 'ok' }, 'stop', { prompt_tokens: prompt, completion_tokens: out, total_tokens: prompt + out }));
const okStream = (prompt: number, out: number, cached = 0) => (_req: unknown, res: ServerResponse) =>
  sse(res, openaiStream([chunk({ role: 'assistant', content: '' }), chunk({ content: 'streamed' }), chunk({}, 'stop'), usageChunk(prompt, out, cached)]));
const fail = (status: number) => (_req: unknown, res: ServerResponse) => json(res, status, { error: { message: `upstream ${status}` } });

describe('GET /metrics', () => {
  let a: ScriptedUpstream;
  let b: ScriptedUpstream;
  let gw: RunningGateway;
  let token: string;

  beforeAll(async () => {
    [a, b] = await Promise.all([ScriptedUpstream.start(), ScriptedUpstream.start()]);
    gw = await startGateway({
      // The client key is on, to show /metrics takes the admin token instead (as the admin API does).
      server: { clientApiKey: 'client-key' },
      providers: {
        a: { type: 'openai-compatible', baseUrl: a.url, models: { sonnet: 'a-model' }, modelInfo: { 'a-model': { price: { inputPerM: 1, outputPerM: 2 } } } },
        b: { type: 'openai-compatible', baseUrl: b.url, models: { sonnet: 'b-model' } }, // no price: unpriced
      },
      // A scenario route puts a first even while its circuit is open, so the attempt loop skips it.
      router: { order: ['a', 'b'], strategy: 'priority', scenarios: { think: 'a,a-model' } },
    });
    token = gw.gateway.admin!.token.value;
  });
  afterAll(async () => {
    await gw.close();
    await Promise.all([a.close(), b.close()]);
  });

  const getMetrics = (base: string, headers: Record<string, string> = {}) => fetch(base + '/metrics', { headers });
  async function scrape(base = gw.url('router')): Promise<Scrape> {
    const res = await getMetrics(base, { authorization: `Bearer ${token}` });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(res.headers.get('content-type')).toBe(CONTENT_TYPE);
    return Scrape.parse(text);
  }
  const portOf = (use: string) => String(gw.ports.find((p) => p.use === use)!.port);

  it('counts a successful, a streamed and a failing request exactly, with tokens and cost', async () => {
    a.next(okJson(100, 20)).next(okStream(300, 40, 100)).next(fail(400));
    expect((await post(gw.url('a'), messagesBody())).status).toBe(200);
    await readSse(await post(gw.url('a'), messagesBody({ stream: true })));
    await expectAnthropicError(await post(gw.url('a'), messagesBody()), 400, 'invalid_request_error');

    const s = await scrape();
    const series = { port: portOf('a'), provider: 'a', model: 'a-model' };
    expect(s.value('switchboard_requests_total', { ...series, status: '200' })).toBe(2);
    expect(s.value('switchboard_requests_total', { ...series, status: '400' })).toBe(1);
    expect(s.sum('switchboard_requests_total')).toBe(3);
    const am = { provider: 'a', model: 'a-model' };
    expect(s.value('switchboard_tokens_total', { ...am, type: 'input' })).toBe(100 + 200); // cached prompt tokens split out
    expect(s.value('switchboard_tokens_total', { ...am, type: 'cache_read' })).toBe(100);
    expect(s.value('switchboard_tokens_total', { ...am, type: 'output' })).toBe(60);
    expect(s.value('switchboard_tokens_total', { ...am, type: 'cache_write' })).toBe(0);
    // (100 + 200) × $1/M + 100 cache reads at the input price + 60 × $2/M.
    expect(s.value('switchboard_cost_usd_total', am)).toBeCloseTo(400e-6 + 120e-6, 12);
    expect(s.value('switchboard_unpriced_requests_total', am)).toBe(0);
    expect(s.value('switchboard_upstream_attempts_total', { provider: 'a', status: '200' })).toBe(2);
    expect(s.value('switchboard_upstream_attempts_total', { provider: 'a', status: '400' })).toBe(1);
    const d = s.histogram('switchboard_request_duration_seconds', { provider: 'a' });
    expect(d.count).toBe(3);
    expect(d.sum).toBeGreaterThan(0);
    expect(d.sum).toBeLessThan(10);
    expect(s.histogram('switchboard_time_to_first_token_seconds', { provider: 'a' }).count).toBe(1); // the stream only
  });

  it('counts a failover (a 500, b answers) as a fallback and two attempts; b has no price', async () => {
    gw.gateway.router.reset();
    const before = await scrape();
    a.next(fail(500));
    b.next(okStream(50, 5));
    const res = await post(gw.url('router'), messagesBody({ stream: true }));
    expect(res.headers.get('x-switchboard-fallback')).toBe('a:500');
    await readSse(res);
    const s = await scrape();
    const delta = (name: string, labels: Record<string, string>) => (s.value(name, labels) ?? 0) - (before.value(name, labels) ?? 0);
    expect(delta('switchboard_fallbacks_total', { from: 'a', to: 'b' })).toBe(1);
    expect(s.sum('switchboard_fallbacks_total')).toBe(1);
    expect(delta('switchboard_upstream_attempts_total', { provider: 'a', status: '500' })).toBe(1);
    expect(delta('switchboard_upstream_attempts_total', { provider: 'b', status: '200' })).toBe(1);
    expect(delta('switchboard_requests_total', { port: portOf('router'), provider: 'b', model: 'b-model', status: '200' })).toBe(1);
    expect(s.value('switchboard_unpriced_requests_total', { provider: 'b', model: 'b-model' })).toBe(1);
    expect(s.value('switchboard_cost_usd_total', { provider: 'b', model: 'b-model' })).toBe(0);
    expect(s.value('switchboard_tokens_total', { provider: 'b', model: 'b-model', type: 'input' })).toBe(50);
    expect(s.histogram('switchboard_time_to_first_token_seconds', { provider: 'b' }).count).toBe(1);
  });

  it('shows an opened circuit, its transition and the skip, and the router state gauges', async () => {
    gw.gateway.router.reset();
    let s = await scrape();
    expect(s.value('switchboard_circuit_state', { provider: 'a' })).toBe(0);
    const skipsBefore = s.value('switchboard_circuit_skips_total', { provider: 'a' }) ?? 0;
    for (let i = 0; i < 5; i++) {
      a.next(fail(500));
      await expectAnthropicError(await post(gw.url('a'), messagesBody()), 500, 'api_error');
    }
    s = await scrape(gw.url('b')); // any port serves the gateway's metrics
    expect(s.value('switchboard_circuit_state', { provider: 'a' })).toBe(2);
    expect(s.value('switchboard_circuit_state', { provider: 'b' })).toBe(0);
    expect(s.value('switchboard_circuit_transitions_total', { provider: 'a', state: 'open' })).toBe(1);
    // On the router port the think scenario puts a first; it is skipped (circuit open) and b answers.
    b.next(okJson(10, 2));
    const res = await post(gw.url('router'), messagesBody({ thinking: { type: 'enabled', budget_tokens: 1024 } }));
    expect(res.headers.get('x-switchboard-provider')).toBe('b');
    expect(res.headers.get('x-switchboard-fallback')).toBe('a:0');
    await res.text();
    s = await scrape();
    expect((s.value('switchboard_circuit_skips_total', { provider: 'a' }) ?? 0) - skipsBefore).toBe(1);
    expect(s.value('switchboard_upstream_attempts_total', { provider: 'a', status: '0' })).toBeUndefined();
    expect(s.value('switchboard_router_strategy', { strategy: 'priority' })).toBe(1);
    expect(s.value('switchboard_cooldown_seconds', { provider: 'b' })).toBe(0);
    expect(s.value('switchboard_rate_limit_blocked_seconds', { provider: 'b' })).toBe(0);
  });

  it('reports rate-limit headroom from the provider\'s headers', async () => {
    gw.gateway.router.reset();
    b.next((_req, res) => json(res, 200, completion({ content: 'ok' }), { 'x-ratelimit-limit-requests': '200', 'x-ratelimit-remaining-requests': '50' }));
    await (await post(gw.url('b'), messagesBody())).text();
    const s = await scrape();
    expect(s.value('switchboard_rate_limit_remaining_ratio', { provider: 'b', limit: 'x-requests' })).toBe(0.25);
    expect(s.value('switchboard_rate_limit_headroom_ratio', { provider: 'b' })).toBe(0.25);
    expect(s.value('switchboard_rate_limit_headroom_ratio', { provider: 'a' })).toBeUndefined();
  });

  it('includes process metrics and build info', async () => {
    const s = await scrape();
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'process_start_time_seconds', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_version_info']) {
      expect(s.family(name).samples.length, name).toBeGreaterThan(0);
    }
    expect(s.value('switchboard_build_info', { version: VERSION, nodejs: process.versions.node })).toBe(1);
  });

  it('agrees with the usage ledger row by row', async () => {
    const ledger = gw.gateway.ledger!;
    ledger.flush();
    const rows = ledger.db.prepare('SELECT * FROM requests ORDER BY id').all().map((r) => fromDbRow(r as Record<string, unknown>));
    const s = await scrape();
    expect(rows.length).toBe(s.sum('switchboard_requests_total'));
    const count = new Map<string, number>();
    for (const r of rows) {
      const key = JSON.stringify({ port: String(r.port), provider: r.provider, model: r.upstreamModel, status: String(r.status) });
      count.set(key, (count.get(key) ?? 0) + 1);
    }
    const scraped = new Map(s.samples('switchboard_requests_total').map((x) => [JSON.stringify({ port: x.labels.port, provider: x.labels.provider, model: x.labels.model, status: x.labels.status }), x.value]));
    expect(scraped).toEqual(count);
    for (const provider of ['a', 'b']) {
      const mine = rows.filter((r) => r.provider === provider);
      const model = `${provider}-model`;
      const total = (f: (r: (typeof rows)[number]) => number | null) => mine.reduce((acc, r) => acc + (f(r) ?? 0), 0);
      expect(s.value('switchboard_tokens_total', { provider, model, type: 'input' })).toBe(total((r) => r.inputTokens));
      expect(s.value('switchboard_tokens_total', { provider, model, type: 'output' })).toBe(total((r) => r.outputTokens));
      expect(s.value('switchboard_tokens_total', { provider, model, type: 'cache_read' })).toBe(total((r) => r.cacheReadTokens));
      expect(s.value('switchboard_cost_usd_total', { provider, model })).toBeCloseTo(total((r) => r.costUsd), 12);
      const priced = mine.filter((r) => r.costUsd !== null && r.referenceCostUsd !== null);
      expect(s.value('switchboard_reference_cost_usd_total', { provider, model })).toBeCloseTo(priced.reduce((acc, r) => acc + r.referenceCostUsd!, 0), 12);
      expect(s.value('switchboard_savings_usd', { provider, model })).toBeCloseTo(priced.reduce((acc, r) => acc + r.referenceCostUsd! - r.costUsd!, 0), 12);
      expect(s.value('switchboard_unpriced_requests_total', { provider, model })).toBe(mine.filter((r) => r.inputTokens !== null && r.costUsd === null).length);
      const d = s.histogram('switchboard_request_duration_seconds', { provider });
      expect(d.count).toBe(mine.length);
      expect(d.sum).toBeCloseTo(total((r) => r.latencyMs) / 1000, 6);
      const streams = mine.filter((r) => r.stream && r.ttftMs !== null);
      expect(s.histogram('switchboard_time_to_first_token_seconds', { provider }).count).toBe(streams.length);
    }
    // Every attempt a row counts is either an upstream attempt or a circuit skip.
    expect(rows.reduce((acc, r) => acc + r.attempts, 0)).toBe(s.sum('switchboard_upstream_attempts_total') + s.sum('switchboard_circuit_skips_total'));
    expect(rows.filter((r) => r.fallbackPath !== null).length).toBeGreaterThanOrEqual(s.sum('switchboard_fallbacks_total'));
    // The a-model rows were priced: savings against Anthropic's Sonnet list price are positive.
    expect(s.value('switchboard_savings_usd', { provider: 'a', model: 'a-model' })).toBeGreaterThan(0);
  });

  it('needs the admin token by default (not the client key), on every port, behind the Host/Origin guard', async () => {
    const base = gw.url('router');
    expect(await expectAnthropicError(await getMetrics(base), 401, 'authentication_error')).toMatch(/^missing admin token/);
    expect(await expectAnthropicError(await getMetrics(base, { authorization: 'Bearer client-key' }), 401, 'authentication_error')).toMatch(/^wrong admin token/);
    await expectAnthropicError(await getMetrics(base, { 'x-api-key': 'client-key' }), 401, 'authentication_error');
    expect((await getMetrics(base, { 'x-switchboard-admin-token': token })).status).toBe(200);
    expect((await getMetrics(gw.url('a'), { authorization: `Bearer ${token}` })).status).toBe(200);
    await expectAnthropicError(await getMetrics(base, { authorization: `Bearer ${token}`, origin: 'https://evil.example' }), 403, 'permission_error');
  });
});

describe('GET /metrics configuration', () => {
  let up: ScriptedUpstream;
  beforeAll(async () => {
    up = await ScriptedUpstream.start();
  });
  afterAll(async () => {
    await up.close();
  });
  const providers = () => ({ a: { type: 'openai-compatible', baseUrl: up.url } });

  it('metrics.requireToken false: open to local scrapers, still behind the guard', async () => {
    const gw = await startGateway({ providers: providers(), metrics: { requireToken: false } });
    try {
      const res = await fetch(gw.url('router') + '/metrics');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(CONTENT_TYPE);
      expect(Scrape.parse(await res.text()).family('switchboard_requests_total').type).toBe('counter');
      const foreign = await raw(gw.url('router'), { path: '/metrics', headers: { host: 'evil.example' } });
      expect(foreign.status).toBe(403);
    } finally {
      await gw.close();
    }
  });

  it('metrics.requireToken false with a client key: the client key is needed (Prometheus sends it as a bearer token)', async () => {
    const gw = await startGateway({ providers: providers(), metrics: { requireToken: false }, server: { clientApiKey: 'client-key' } });
    try {
      await expectAnthropicError(await fetch(gw.url('router') + '/metrics'), 401, 'authentication_error');
      expect((await fetch(gw.url('router') + '/metrics', { headers: { authorization: 'Bearer client-key' } })).status).toBe(200);
      expect((await fetch(gw.url('a') + '/metrics', { headers: { 'x-api-key': 'client-key' } })).status).toBe(200);
    } finally {
      await gw.close();
    }
  });

  it('metrics.enabled false: no /metrics route (404)', async () => {
    const gw = await startGateway({ providers: providers(), metrics: { enabled: false } });
    try {
      expect(gw.gateway.metrics).toBeNull();
      const token = gw.gateway.admin!.token.value;
      await expectAnthropicError(await fetch(gw.url('router') + '/metrics', { headers: { authorization: `Bearer ${token}` } }), 404, 'not_found_error');
    } finally {
      await gw.close();
    }
  });
});

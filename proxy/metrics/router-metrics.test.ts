import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../config/resolve.js';
import { ConfigSchema } from '../config/schema.js';
import { RouterRuntime } from '../router/runtime.js';
import type { Clock } from '../router/state.js';
import { UsageRecorder } from '../usage/recorder.js';
import { Scrape } from '../test/prometheus.js';
import { GatewayMetrics } from './index.js';
import { LabelCap } from './registry.js';
import { routerMetrics } from './router-metrics.js';

function setup() {
  const settings = resolveSettings(
    ConfigSchema.parse({
      providers: {
        a: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:1/v1' },
        b: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:2/v1' },
      },
      ports: [{ port: 0, use: 'router' }],
    }),
    {},
  );
  let now = 1_000_000;
  const clock: Clock = { now: () => now };
  const router = new RouterRuntime(settings, clock);
  const registry = new Registry();
  routerMetrics(registry, router, () => settings.providers.keys());
  return { router, advance: (ms: number) => (now += ms), scrape: async () => Scrape.parse(await registry.metrics()) };
}

describe('router metrics (read at scrape time)', () => {
  it('reports circuit state 0 closed / 2 open / 1 half-open and counts transitions', async () => {
    const { router, advance, scrape } = setup();
    let s = await scrape();
    expect(s.value('switchboard_circuit_state', { provider: 'a' })).toBe(0);
    expect(s.value('switchboard_circuit_state', { provider: 'b' })).toBe(0);
    for (let i = 0; i < 5; i++) router.recordFailure('a', { kind: 'http', status: 500, headers: {} });
    s = await scrape();
    expect(s.value('switchboard_circuit_state', { provider: 'a' })).toBe(2);
    expect(s.value('switchboard_circuit_state', { provider: 'b' })).toBe(0);
    expect(s.value('switchboard_circuit_transitions_total', { provider: 'a', state: 'open' })).toBe(1);
    advance(30_001);
    s = await scrape();
    expect(s.value('switchboard_circuit_state', { provider: 'a' })).toBe(1);
  });

  it('reports rate-limit headroom per provider and per window, blocks and cooldowns', async () => {
    const { router, advance, scrape } = setup();
    let s = await scrape();
    expect(s.samples('switchboard_rate_limit_headroom_ratio')).toEqual([]); // unknown until reported
    router.recordSuccess('a', 200, { 'x-ratelimit-limit-requests': '100', 'x-ratelimit-remaining-requests': '25', 'x-ratelimit-limit-tokens': '1000', 'x-ratelimit-remaining-tokens': '900' }, 50, null, null);
    router.recordFailure('b', { kind: 'http', status: 429, headers: { 'retry-after': '20' } });
    router.cooldown('b', 10_000, 'test');
    s = await scrape();
    expect(s.value('switchboard_rate_limit_headroom_ratio', { provider: 'a' })).toBe(0.25);
    expect(s.value('switchboard_rate_limit_remaining_ratio', { provider: 'a', limit: 'x-requests' })).toBe(0.25);
    expect(s.value('switchboard_rate_limit_remaining_ratio', { provider: 'a', limit: 'x-tokens' })).toBe(0.9);
    expect(s.value('switchboard_rate_limit_blocked_seconds', { provider: 'a' })).toBe(0);
    expect(s.value('switchboard_rate_limit_blocked_seconds', { provider: 'b' })).toBe(20);
    expect(s.value('switchboard_cooldown_seconds', { provider: 'b' })).toBe(10);
    expect(s.value('switchboard_cooldown_seconds', { provider: 'a' })).toBe(0);
    advance(15_000);
    s = await scrape();
    expect(s.value('switchboard_rate_limit_blocked_seconds', { provider: 'b' })).toBe(5);
    expect(s.value('switchboard_cooldown_seconds', { provider: 'b' })).toBe(0);
    advance(60_000); // the windows (no reset given: assumed 60 s) are over
    s = await scrape();
    expect(s.samples('switchboard_rate_limit_remaining_ratio')).toEqual([]);
  });

  it('shows the active strategy one-hot', async () => {
    const { router, scrape } = setup();
    router.setStrategy('cost');
    const s = await scrape();
    expect(s.value('switchboard_router_strategy', { strategy: 'cost' })).toBe(1);
    expect(s.value('switchboard_router_strategy', { strategy: 'intelligent' })).toBe(0);
    expect(s.sum('switchboard_router_strategy')).toBe(1);
  });
});

describe('GatewayMetrics', () => {
  it('gives each gateway its own registry; process metrics and build info come with every scrape', async () => {
    const make = () => {
      const usage = new UsageRecorder();
      const settings = resolveSettings(ConfigSchema.parse({ providers: { a: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:1/v1' } }, ports: [{ port: 0, use: 'router' }] }), {});
      return { usage, metrics: new GatewayMetrics({ usage, router: new RouterRuntime(settings), providers: () => settings.providers.keys(), version: '9.9.9' }) };
    };
    const one = make();
    const two = make(); // would throw "already registered" with a shared registry
    expect(one.usage.active).toBe(true); // subscribed: rows are built even with no ledger
    one.usage.record({ ts: 0, port: 1, provider: 'a', requestedModel: 'm', upstreamModel: 'm', attempts: 1, status: 200, stream: false }, null);
    const s1 = Scrape.parse(await one.metrics.text());
    const s2 = Scrape.parse(await two.metrics.text());
    expect(s1.sum('switchboard_requests_total')).toBe(1);
    expect(s2.sum('switchboard_requests_total')).toBe(0);
    expect(s1.value('switchboard_build_info', { version: '9.9.9', nodejs: process.versions.node })).toBe(1);
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds', 'process_start_time_seconds']) {
      expect(s1.family(name).samples.length, name).toBeGreaterThan(0);
    }
    expect(one.metrics.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('LabelCap keeps at most max distinct values', () => {
    const cap = new LabelCap(2);
    expect(['a', 'b', 'c', 'a', 'd', 'b'].map((v) => cap.value(v))).toEqual(['a', 'b', 'other', 'a', 'other', 'b']);
  });
});

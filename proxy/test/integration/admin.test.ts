// The admin API over real sockets: token auth, live provider state, runtime
// routing changes that persist across restarts, and the event stream (SSE).
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../gateway.js';
import { chunk, json, openaiStream, ScriptedUpstream, sse, usageChunk } from '../upstream.js';
import { expectAnthropicError, messagesBody, post, readSse, waitFor } from './_helpers.js';

const ok =
  (text: string, headers: Record<string, string> = {}) =>
  (_req: unknown, res: ServerResponse) =>
    sse(res, openaiStream([chunk({ content: text }), chunk({}, 'stop'), usageChunk(5, 1)]), { headers });
const fail = (status: number) => (_req: unknown, res: ServerResponse) => json(res, status, { error: { message: `failing with ${status}` } });

interface SseFrame {
  id?: string;
  event?: string;
  data?: unknown;
  comment?: string;
}

/** An open /api/events stream read as it arrives. */
async function openEvents(url: string, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal });
  const frames: SseFrame[] = [];
  let buffer = '';
  const reading = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(part, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const f: SseFrame = {};
          for (const line of buffer.slice(0, end).split('\n')) {
            if (line.startsWith(':')) f.comment = line.slice(1).trim();
            else if (line.startsWith('id: ')) f.id = line.slice(4);
            else if (line.startsWith('event: ')) f.event = line.slice(7);
            else if (line.startsWith('data: ')) f.data = JSON.parse(line.slice(6));
          }
          frames.push(f);
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    res,
    frames,
    events: () => frames.filter((f) => f.event),
    close: async () => {
      abort.abort();
      await reading;
    },
  };
}

describe('admin API', () => {
  let a: ScriptedUpstream;
  let b: ScriptedUpstream;
  let gw: RunningGateway;
  let stateDir: string;
  let token: string;
  const config = {
    providers: {
      a: { type: 'openai-compatible', baseUrl: '', models: { sonnet: 'a-model' } },
      b: { type: 'openai-compatible', baseUrl: '', models: { sonnet: 'b-model' } },
    },
    router: { order: ['a', 'b'], strategy: 'priority' as const },
  };
  const api = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
    fetch(gw.url('router') + path, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers ?? {}) } });
  const putRouting = (body: unknown) => api('/api/routing', { method: 'PUT', body: JSON.stringify(body) });

  beforeAll(async () => {
    [a, b] = await Promise.all([ScriptedUpstream.start(), ScriptedUpstream.start()]);
    config.providers.a.baseUrl = a.url;
    config.providers.b.baseUrl = b.url;
    stateDir = mkdtempSync(join(tmpdir(), 'switchboard-admin-test-'));
    gw = await startGateway(config, {}, { stateDir });
    token = readFileSync(join(stateDir, 'admin-token'), 'utf8').trim();
  });
  afterAll(async () => {
    await gw.close();
    await Promise.all([a.close(), b.close()]);
    rmSync(stateDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    gw.gateway.router.reset();
    a.requests.length = 0;
    b.requests.length = 0;
  });

  it('generates the token once into the state dir, readable by the owner only', () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
    expect(gw.gateway.admin?.token).toEqual({ value: token, source: 'file', path: join(stateDir, 'admin-token') });
    if (process.platform !== 'win32') {
      expect(statSync(join(stateDir, 'admin-token')).mode & 0o777).toBe(0o600);
    }
  });

  it('refuses requests without the right token, with an Anthropic-shaped 401', async () => {
    const base = gw.url('router');
    expect(await expectAnthropicError(await fetch(base + '/api/state'), 401, 'authentication_error')).toMatch(/^missing admin token/);
    const wrong = await fetch(base + '/api/state', { headers: { authorization: 'Bearer nope' } });
    expect(await expectAnthropicError(wrong, 401, 'authentication_error')).toMatch(/^wrong admin token/);
    const wrongSameLength = await fetch(base + '/api/routing', { headers: { 'x-switchboard-admin-token': token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) } });
    await expectAnthropicError(wrongSameLength, 401, 'authentication_error');
    // ?token= is for EventSource only, not for the JSON routes.
    await expectAnthropicError(await fetch(`${base}/api/state?token=${token}`), 401, 'authentication_error');
    await expectAnthropicError(await fetch(`${base}/api/routing`, { method: 'PUT', body: '{"strategy":"cost"}' }), 401, 'authentication_error');
    expect(gw.gateway.router.strategy).toBe('priority');

    expect((await fetch(base + '/api/routing', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await fetch(base + '/api/routing', { headers: { 'x-switchboard-admin-token': token } })).status).toBe(200);
    const viaQuery = await openEvents(`${base}/api/events?token=${encodeURIComponent(token)}`);
    expect(viaQuery.res.status).toBe(200);
    expect(viaQuery.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await viaQuery.close();
    await expectAnthropicError(await fetch(`${base}/api/events?token=wrong`), 401, 'authentication_error');
  });

  it('keeps the Host/Origin guard in front of the admin routes', async () => {
    const res = await api('/api/state', { headers: { origin: 'https://evil.example' } });
    await expectAnthropicError(res, 403, 'permission_error');
  });

  it('is served on router ports only', async () => {
    const res = await fetch(gw.url('a') + '/api/state', { headers: { authorization: `Bearer ${token}` } });
    await expectAnthropicError(res, 404, 'not_found_error');
    await expectAnthropicError(await fetch(gw.url('b') + '/admin/routing-strategy', { method: 'POST', headers: { authorization: `Bearer ${token}` } }), 404, 'not_found_error');
  });

  it('GET /api/state reports live provider state: circuit, rate limits from headers, latency percentiles', async () => {
    a.otherwise(ok('from a', { 'x-ratelimit-limit-requests': '100', 'x-ratelimit-remaining-requests': '40', 'x-ratelimit-reset-requests': '30s' }));
    for (let i = 0; i < 3; i++) await readSse(await post(gw.url('router'), messagesBody({ stream: true })));
    b.otherwise(fail(503));
    for (let i = 0; i < 5; i++) await (await post(gw.url('b'), messagesBody())).text();

    const res = await api('/api/state');
    expect(res.status).toBe(200);
    const state = await res.json();
    expect(state).toMatchObject({ version: expect.any(String), strategy: 'priority', priority: ['a', 'b'] });
    expect(Object.keys(state.strategies).sort()).toEqual(['availability', 'cost', 'intelligent', 'performance', 'priority']);
    expect(state.ports.map((p: { use: string }) => p.use).sort()).toEqual(['a', 'b', 'router']);
    for (const p of state.ports) expect(p.url).toBe(`http://127.0.0.1:${p.port}`);

    const byId = Object.fromEntries(state.providers.map((p: { id: string }) => [p.id, p]));
    const routerPort = Number(new URL(gw.url('router')).port);
    const aPort = Number(new URL(gw.url('a')).port);
    expect(byId.a).toMatchObject({ label: expect.any(String), dialect: 'openai-chat', priorityIndex: 0, health: 'healthy', circuit: 'closed', successRate: 1, samples: 3, cooldownUntil: null });
    expect(byId.a.ports).toEqual(expect.arrayContaining([{ port: routerPort, use: 'router' }, { port: aPort, use: 'a' }]));
    expect(byId.a.rateLimit.headroom).toBeCloseTo(0.4);
    expect(byId.a.limits).toEqual([expect.objectContaining({ name: 'x-requests', limit: 100, remaining: 40 })]);
    for (const k of ['p50Ms', 'p95Ms', 'p99Ms', 'ewmaMs', 'ttftEwmaMs']) expect(byId.a.latency[k]).toBeGreaterThan(0);
    expect(byId.a.latency.p50Ms).toBeLessThanOrEqual(byId.a.latency.p99Ms);
    expect(byId.a.breaker).toMatchObject({ state: 'closed', failures: 0, samples: 3 });

    expect(byId.b).toMatchObject({ circuit: 'open', health: 'down', successRate: 0, priorityIndex: 1 });
    expect(byId.b.breaker).toMatchObject({ state: 'open', failures: 5, openUntil: expect.any(Number) });
  });

  it('PUT /api/routing changes the next request on the router port, persists, and emits events', async () => {
    a.otherwise(ok('from a'));
    b.otherwise(ok('from b'));
    const seen: string[] = [];
    const off = gw.gateway.router.events.subscribe((e) => seen.push(e.type));
    try {
      const res = await putRouting({ strategy: 'priority', priority: ['b', 'a'] });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ strategy: 'priority', priority: ['b', 'a'] });
      expect(seen).toEqual(['priority']); // strategy unchanged: no event for it

      const next = await post(gw.url('router'), messagesBody({ stream: true }));
      expect(next.headers.get('x-switchboard-provider')).toBe('b');
      await readSse(next);
      expect(b.requests).toHaveLength(1);
      expect(a.requests).toHaveLength(0);
      const count = await fetch(gw.url('router') + '/v1/messages/count_tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(messagesBody()) });
      expect(count.headers.get('x-switchboard-provider')).toBe('b');
      // The router's /health lists the new order.
      const health = await (await fetch(gw.url('router') + '/health')).json();
      expect(health.providers.map((p: { id: string }) => p.id)).toEqual(['b', 'a']);

      const saved = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8'));
      expect(saved).toMatchObject({ version: 1, priority: ['b', 'a'], priorityProviders: ['a', 'b'] });
      expect(await (await api('/api/routing')).json()).toMatchObject({ strategy: 'priority', priority: ['b', 'a'] });
    } finally {
      off();
      await putRouting({ priority: ['a', 'b'] });
    }
  });

  it('POST /admin/routing-strategy is an alias of PUT /api/routing {strategy}', async () => {
    const res = await api('/admin/routing-strategy', { method: 'POST', body: JSON.stringify({ strategy: 'cost' }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ strategy: 'cost', priority: ['a', 'b'] });
    expect(gw.gateway.router.strategy).toBe('cost');
    expect(JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')).strategy).toBe('cost');
    expect(gw.gateway.router.events.recent().at(-1)).toMatchObject({ type: 'strategy', strategy: 'cost', reason: 'changed through the admin API' });
    await putRouting({ strategy: 'priority' });
  });

  it('rejects bad routing changes with a 400 naming the field, and changes nothing', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ strategy: 'fastest' }, /^strategy: unknown strategy "fastest" \(one of: priority, cost, performance, availability, intelligent\)$/],
      [{ priority: ['a', 'zz'] }, /^priority\[1\]: unknown provider "zz" \(enabled providers: a, b\)$/],
      [{ priority: ['a', 'a'] }, /^priority\[1\]: "a" is listed twice$/],
      [{ priority: [] }, /^priority: needs at least one provider$/],
      [{ strategy: 'cost', priority: ['nope'] }, /^priority\[0\]: unknown provider "nope"/],
      [{ priority: 'a,b' }, /^priority: /],
      [{ strategy: 3 }, /^strategy: /],
      [{ order: ['a'] }, /unknown field "order"/],
    ];
    for (const [body, message] of cases) {
      expect(await expectAnthropicError(await putRouting(body), 400, 'invalid_request_error'), JSON.stringify(body)).toMatch(message);
    }
    const notJson = await api('/api/routing', { method: 'PUT', body: '{"strategy":', headers: { 'content-type': 'application/json' } });
    expect(await expectAnthropicError(notJson, 400, 'invalid_request_error')).toBe('the body is not valid JSON');
    const alias = await api('/admin/routing-strategy', { method: 'POST', body: JSON.stringify({ strategy: 'warp' }) });
    expect(await expectAnthropicError(alias, 400, 'invalid_request_error')).toMatch(/^strategy: unknown strategy "warp"/);
    expect(await (await api('/api/routing')).json()).toMatchObject({ strategy: 'priority', priority: ['a', 'b'] });
  });

  it('POST /api/router/reset forgets learned state and says so on the event stream', async () => {
    b.otherwise(fail(503));
    await (await post(gw.url('b'), messagesBody())).text();
    expect(gw.gateway.router.snapshot('b').samples).toBe(1);
    const res = await api('/api/router/reset', { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ reset: true, strategy: 'priority', priority: ['a', 'b'] });
    expect(gw.gateway.router.snapshot('b').samples).toBe(0);
    expect(gw.gateway.router.events.recent().at(-1)).toMatchObject({ type: 'reset', reason: 'learned state cleared through the admin API' });
  });

  it('GET /api/events streams a failover with its reason while a request fails over, and replays after Last-Event-ID', async () => {
    const stream = await openEvents(gw.url('router') + '/api/events', { authorization: `Bearer ${token}` });
    try {
      expect(stream.res.status).toBe(200);
      expect(stream.res.headers.get('cache-control')).toMatch(/no-cache/);
      a.next(fail(500));
      b.next(ok('from b'));
      const res = await post(gw.url('router'), messagesBody({ stream: true }));
      expect(res.headers.get('x-switchboard-fallback')).toBe('a:500');
      await readSse(res);
      await waitFor(() => stream.events().some((f) => f.event === 'route'), 2000, 'route event');
      const failover = stream.events().find((f) => f.event === 'failover');
      expect(failover?.data).toMatchObject({ type: 'failover', from: 'a', to: 'b', status: 500, reason: expect.stringMatching(/^a .*500.* → b$/) });
      expect(Number(failover?.id)).toBe((failover?.data as { id: number }).id);

      // A reconnect with Last-Event-ID gets exactly what came after it, then live events.
      const before = Number(failover!.id) - 1;
      const replay = await openEvents(gw.url('router') + '/api/events', { authorization: `Bearer ${token}`, 'last-event-id': String(before) });
      await waitFor(() => replay.events().some((f) => f.event === 'route'), 2000, 'replayed route event');
      expect(replay.events()[0]).toMatchObject({ id: failover!.id, event: 'failover' });
      expect(replay.events().every((f) => Number(f.id) > before)).toBe(true);
      await replay.close();

      const viaQuery = await openEvents(`${gw.url('router')}/api/events?after=${before}&token=${token}`);
      await waitFor(() => viaQuery.events().length >= 2, 2000, 'replay via ?after');
      expect(viaQuery.events()[0].id).toBe(failover!.id);
      await viaQuery.close();
    } finally {
      await stream.close();
    }
  });

  it('sends keep-alive comments, serves many subscribers, and unsubscribes each on disconnect', async () => {
    const bus = gw.gateway.router.events;
    // The gateway's own metrics count circuit changes through one subscription.
    const base = gw.gateway.metrics ? 1 : 0;
    await waitFor(() => bus.subscriberCount === base, 2000, 'earlier streams to close');
    gw.gateway.admin!.keepAliveMs = 30;
    const streams = await Promise.all(Array.from({ length: 8 }, () => openEvents(gw.url('router') + '/api/events', { 'x-switchboard-admin-token': token })));
    try {
      expect(bus.subscriberCount).toBe(base + 8);
      await waitFor(() => streams.every((s) => s.frames.some((f) => f.comment === 'keep-alive')), 2000, 'keep-alive comments');
      gw.gateway.router.setStrategy('cost');
      await waitFor(() => streams.every((s) => s.events().some((f) => f.event === 'strategy')), 2000, 'strategy event on every stream');
    } finally {
      gw.gateway.admin!.keepAliveMs = 15_000;
      gw.gateway.router.setStrategy('priority');
      await Promise.all(streams.map((s) => s.close()));
    }
    await waitFor(() => bus.subscriberCount === base, 2000, 'subscriptions cleaned up');
  });

  it('a second gateway on the same state dir comes up with the saved strategy and priority, and the same token', async () => {
    await putRouting({ strategy: 'performance', priority: ['b', 'a'] });
    // Its config says otherwise: the saved choices win until changed again.
    const second = await startGateway({ ...config, router: { order: ['a', 'b'], strategy: 'cost' } }, {}, { stateDir });
    try {
      expect(second.gateway.router.strategy).toBe('performance');
      expect(second.gateway.router.priority).toEqual(['b', 'a']);
      expect(second.gateway.admin?.token.value).toBe(token);
      const res = await fetch(second.url('router') + '/api/routing', { headers: { authorization: `Bearer ${token}` } });
      expect(await res.json()).toMatchObject({ strategy: 'performance', priority: ['b', 'a'] });
      // An open event stream does not keep stop() waiting.
      const stream = await openEvents(second.url('router') + '/api/events', { authorization: `Bearer ${token}` });
      const t0 = Date.now();
      await second.close();
      expect(Date.now() - t0).toBeLessThan(2000);
      await stream.close();
    } finally {
      await second.close().catch(() => undefined);
      await putRouting({ strategy: 'priority', priority: ['a', 'b'] });
    }
  });

  it('starts with the config file choices when state.json is corrupt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-admin-corrupt-'));
    writeFileSync(join(dir, 'state.json'), '{"strategy": "cost", "prior');
    const third = await startGateway(config, {}, { stateDir: dir });
    try {
      expect(third.gateway.router.strategy).toBe('priority');
      expect(third.gateway.router.priority).toEqual(['a', 'b']);
    } finally {
      await third.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('admin API with a client key and a configured admin token', () => {
  let up: ScriptedUpstream;
  let gw: RunningGateway;
  const adminToken = 'configured-admin-token-0123456789';

  beforeAll(async () => {
    up = (await ScriptedUpstream.start()).otherwise(ok('hi'));
    gw = await startGateway({ server: { clientApiKey: 'client-key-1', adminToken }, providers: { a: { type: 'openai-compatible', baseUrl: up.url } } }, { SWITCHBOARD_ADMIN_TOKEN: 'env-token-is-not-used-here' });
  });
  afterAll(async () => {
    await gw.close();
    await up.close();
  });

  it('uses server.adminToken over the environment, writes no token file, and needs no client key on admin routes', async () => {
    expect(gw.gateway.admin?.token).toEqual({ value: adminToken, source: 'config', path: null });
    expect(existsSync(join(gw.gateway.stateDir, 'admin-token'))).toBe(false);
    const state = await fetch(gw.url('router') + '/api/state', { headers: { authorization: `Bearer ${adminToken}` } });
    expect(state.status).toBe(200);
    // The client key is not an admin token.
    await expectAnthropicError(await fetch(gw.url('router') + '/api/state', { headers: { 'x-api-key': 'client-key-1' } }), 401, 'authentication_error');
    // ...and the admin token is not a client key.
    await expectAnthropicError(await post(gw.url('router'), messagesBody(), { headers: { 'x-api-key': adminToken } }), 401, 'authentication_error');
    const ok200 = await post(gw.url('router'), messagesBody({ stream: true }), { headers: { 'x-api-key': 'client-key-1' } });
    expect(ok200.status).toBe(200);
    await readSse(ok200);
  });
});

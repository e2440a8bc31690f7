// PUT /api/routing's scenario routes and thresholds over real sockets: the next
// request follows them, they survive a restart (over the config file's), and the
// window's live refresh can rely on the ledger row being readable as soon as the
// route event arrives (no polling needed).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayEvent } from '../../events/bus.js';
import { startGateway, type RunningGateway } from '../gateway.js';
import { chunk, completion, json, openaiStream, ScriptedUpstream, sse, usageChunk } from '../upstream.js';
import { expectAnthropicError, messagesBody, post, readSse } from './_helpers.js';

const streamed = (text: string) => (_req: unknown, res: ServerResponse) => sse(res, openaiStream([chunk({ content: text }), chunk({}, 'stop'), usageChunk(5, 1)]));
const whole = (text: string) => (_req: unknown, res: ServerResponse) => json(res, 200, completion({ content: text }, 'stop', { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 }));

describe('PUT /api/routing: scenario routes and thresholds', () => {
  let a: ScriptedUpstream;
  let b: ScriptedUpstream;
  let gw: RunningGateway;
  let stateDir: string;
  let token: string;
  let events: GatewayEvent[] = [];
  const config = {
    providers: {
      a: { type: 'openai-compatible', baseUrl: '', models: { sonnet: 'a-model', haiku: 'a-small' } },
      b: { type: 'openai-compatible', baseUrl: '', models: { sonnet: 'b-model', haiku: 'b-small' } },
    },
    router: { order: ['a', 'b'], strategy: 'priority' as const, scenarios: { think: 'a,a-think' } },
  };
  const api = (path: string, init: RequestInit = {}) =>
    fetch(gw.url('router') + path, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) } });
  const putRouting = (body: unknown) => api('/api/routing', { method: 'PUT', body: JSON.stringify(body) });
  const send = async (body: Record<string, unknown>) => {
    const res = await post(gw.url('router'), { stream: true, ...body });
    const provider = res.headers.get('x-switchboard-provider');
    await readSse(res);
    return provider;
  };

  beforeAll(async () => {
    [a, b] = await Promise.all([ScriptedUpstream.start(), ScriptedUpstream.start()]);
    config.providers.a.baseUrl = a.url;
    config.providers.b.baseUrl = b.url;
    stateDir = mkdtempSync(join(tmpdir(), 'switchboard-routing-test-'));
    gw = await startGateway(config, {}, { stateDir });
    token = readFileSync(join(stateDir, 'admin-token'), 'utf8').trim();
    gw.gateway.router.events.subscribe((e) => events.push(e));
  });
  afterAll(async () => {
    await gw.close();
    await Promise.all([a.close(), b.close()]);
    rmSync(stateDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    events = [];
    a.otherwise(streamed('from a'));
    b.otherwise(streamed('from b'));
  });

  it('GET shows the config file\'s routes and the default thresholds', async () => {
    const r = await (await api('/api/routing')).json();
    expect(r).toEqual({
      strategy: 'priority',
      priority: ['a', 'b'],
      scenarios: { background: [], think: ['a,a-think'], longContext: [], webSearch: [], image: [] },
      thresholds: { rateLimitThreshold: 0.2, longContextThreshold: 60_000 },
    });
  });

  it('a new scenario route sends the very next request of that kind there, with a routing event in plain words', async () => {
    // Before: a background (small haiku) request follows the priority order.
    expect(await send(messagesBody({ model: 'claude-haiku-5-5' }))).toBe('a');
    const res = await putRouting({ scenarios: { background: ['b,b-tiny'], think: ['b'] } });
    expect(res.status).toBe(200);
    expect((await res.json()).scenarios).toMatchObject({ background: ['b,b-tiny'], think: ['b'] });
    expect(await send(messagesBody({ model: 'claude-haiku-5-5' }))).toBe('b');
    expect(b.last.body.model).toBe('b-tiny');
    // A bare provider target: that provider's own model for the requested tier.
    expect(await send(messagesBody({ max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 2048 } }))).toBe('b');
    expect(b.last.body.model).toBe('b-model');
    const routing = events.filter((e) => e.type === 'routing');
    expect(routing.map((e) => e.reason)).toEqual(['background → b,b-tiny; think → b (changed through the admin API)']);
    expect(events.filter((e) => e.type === 'route').map((e) => e.reason)).toEqual(['a (priority)', 'background → b,b-tiny (scenario route)', 'think → b,b-model (scenario route)']);
    // [] removes a route: thinking requests follow the strategy again.
    await putRouting({ scenarios: { think: [] } });
    expect(await send(messagesBody({ max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 2048 } }))).toBe('a');
  });

  it('a threshold change shows in GET and applies to the next request', async () => {
    await putRouting({ scenarios: { longContext: ['b,b-long'] } });
    const long = messagesBody({ messages: [{ role: 'user', content: 'word '.repeat(2_000) }] }); // ~2,500 estimated tokens
    expect(await send(long)).toBe('a'); // below 60,000: not longContext
    const res = await putRouting({ thresholds: { longContextThreshold: 1_000, rateLimitThreshold: 0.05 } });
    expect((await res.json()).thresholds).toEqual({ longContextThreshold: 1_000, rateLimitThreshold: 0.05 });
    expect((await (await api('/api/routing')).json()).thresholds).toEqual({ longContextThreshold: 1_000, rateLimitThreshold: 0.05 });
    expect(await send(long)).toBe('b');
    expect(b.last.body.model).toBe('b-long');
    expect(events.filter((e) => e.type === 'route').at(-1)).toMatchObject({ scenario: 'longContext' });
    expect(events.filter((e) => e.type === 'routing').at(-1)?.reason).toBe('rate-limit threshold 20 % → 5 % of the limit remaining; long-context threshold 60,000 → 1,000 tokens (changed through the admin API)');
  });

  it('refuses a bad field with a 400 that names it, and changes nothing', async () => {
    const before = await (await api('/api/routing')).json();
    const bad = await putRouting({ scenarios: { image: ['b,vision', 'nope,m'] }, thresholds: { rateLimitThreshold: 0.5 } });
    expect(await expectAnthropicError(bad, 400, 'invalid_request_error')).toBe('scenarios.image[1]: provider "nope" is not enabled (enabled providers: a, b)');
    const range = await putRouting({ thresholds: { longContextThreshold: -5 } });
    expect(await expectAnthropicError(range, 400, 'invalid_request_error')).toBe('thresholds.longContextThreshold: must be at least 1 token');
    expect(await (await api('/api/routing')).json()).toEqual(before);
  });

  it('is saved in state.json and restored at the next start, over the config file', async () => {
    await putRouting({ scenarios: { think: ['b,b-think'] }, thresholds: { longContextThreshold: 3_000 } });
    await gw.gateway.admin!.flush();
    const saved = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8'));
    expect(saved.scenarios).toMatchObject({ think: ['b,b-think'], background: ['b,b-tiny'] });
    expect(saved.thresholds).toMatchObject({ longContextThreshold: 3_000 });
    // The config file now says something else; the saved choices still win.
    const second = await startGateway({ ...config, router: { ...config.router, scenarios: { think: 'a,a-other', image: 'a,a-vision' }, longContextThreshold: 50_000 } }, {}, { stateDir });
    try {
      const r = second.gateway.router.routes;
      expect(r.scenarios.think).toEqual([{ provider: 'b', model: 'b-think' }]);
      expect(r.scenarios.image).toEqual([{ provider: 'a', model: 'a-vision' }]); // never changed here: follows the config file
      expect(r.thresholds).toEqual({ longContextThreshold: 3_000, rateLimitThreshold: 0.05 });
    } finally {
      await second.close();
    }
  });
});

describe('live refresh without polling: the ledger row is readable when the route event arrives', () => {
  let up: ScriptedUpstream;
  let gw: RunningGateway;
  let token: string;

  beforeAll(async () => {
    up = await ScriptedUpstream.start();
    gw = await startGateway({ providers: { a: { type: 'openai-compatible', baseUrl: up.url, models: { sonnet: 'a-model' } } } });
    token = gw.gateway.admin!.token.value;
  });
  afterAll(async () => {
    await gw.close();
    await up.close();
  });

  it('a /api/usage/requests read started the moment a route event is delivered sees its row (streamed and not)', async () => {
    const abort = new AbortController();
    const stream = await fetch(`${gw.url('router')}/api/events?token=${token}`, { signal: abort.signal });
    const reads: Array<Promise<{ rows: Array<{ provider: string; stream: boolean }> }>> = [];
    let buffer = '';
    const reading = (async () => {
      const decoder = new TextDecoder();
      try {
        for await (const part of stream.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(part, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) !== -1) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            // As the window does: a route event triggers a read, with no delay and no retry.
            if (frame.includes('event: route')) reads.push(fetch(`${gw.url('router')}/api/usage/requests?after=0`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json()));
          }
        }
      } catch {
        // aborted
      }
    })();
    try {
      up.otherwise(streamed('s'));
      await readSse(await post(gw.url('router'), messagesBody({ stream: true })));
      up.otherwise(whole('w'));
      await (await post(gw.url('router'), messagesBody())).json();
      for (let i = 0; i < 100 && reads.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      expect(reads).toHaveLength(2);
      const [first, second] = await Promise.all(reads);
      expect(first.rows.map((r) => r.stream)).toEqual([true]);
      expect(second.rows.map((r) => r.stream)).toEqual([false, true]);
    } finally {
      abort.abort();
      await reading;
    }
  });
});

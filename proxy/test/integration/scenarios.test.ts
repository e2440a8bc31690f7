// Scenario routes and health probes through real sockets: the router port sends
// each kind of request to its mapped target first, explicit choices and pinned
// ports are untouched, and probes run (and stop) with the gateway.
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/errors.js';
import type { GatewayEvent } from '../../events/bus.js';
import { startGateway, type RunningGateway } from '../gateway.js';
import { chunk, json, openaiStream, ScriptedUpstream, sleep, sse, usageChunk } from '../upstream.js';
import { messagesBody, post, readSse, waitFor } from './_helpers.js';

const ok = (text: string) => (_req: unknown, res: ServerResponse) => sse(res, openaiStream([chunk({ content: text }), chunk({}, 'stop'), usageChunk(5, 1)]));
const thinking = { max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 2048 } };
const SESSION = { 'x-claude-code-session-id': 'session-1' };

describe('scenario routes on the router port', () => {
  let a: ScriptedUpstream;
  let b: ScriptedUpstream;
  let gw: RunningGateway;
  let events: GatewayEvent[] = [];
  const routes = () => events.filter((e): e is Extract<GatewayEvent, { type: 'route' }> => e.type === 'route');

  beforeAll(async () => {
    [a, b] = await Promise.all([ScriptedUpstream.start(), ScriptedUpstream.start()]);
    gw = await startGateway({
      providers: {
        a: { type: 'openai-compatible', baseUrl: a.url, models: { sonnet: 'a-model', haiku: 'a-small' } },
        b: { type: 'openai-compatible', baseUrl: b.url, models: { sonnet: 'b-model', haiku: 'b-haiku' } },
      },
      router: { order: ['a', 'b'], strategy: 'priority', longContextThreshold: 2_000, scenarios: { think: 'b,b-think-model', background: ['b,b-small'] } },
    });
    gw.gateway.router.events.subscribe((e) => events.push(e));
  });
  afterAll(async () => {
    await gw.close();
    await Promise.all([a.close(), b.close()]);
  });
  beforeEach(() => {
    gw.gateway.router.reset();
    events = [];
    a.requests.length = 0;
    b.requests.length = 0;
    a.otherwise(ok('from a'));
    b.otherwise(ok('from b'));
  });

  const send = async (body: Record<string, unknown>, headers: Record<string, string> = {}, use = 'router') => {
    const res = await post(gw.url(use), { stream: true, ...body }, { headers });
    const provider = res.headers.get('x-switchboard-provider');
    await readSse(res);
    return provider;
  };

  it('a thinking request goes to the think target with its model; a plain one follows the strategy', async () => {
    expect(await send(messagesBody(thinking))).toBe('b');
    expect(b.last.body.model).toBe('b-think-model');
    expect(await send(messagesBody())).toBe('a');
    expect(a.last.body.model).toBe('a-model');
    expect(routes().map((e) => [e.scenario, e.reason])).toEqual([
      ['think', 'think → b,b-think-model (scenario route)'],
      ['default', 'a (priority)'],
    ]);
  });

  it('a small haiku request is background and goes to its mapped target; a long one is longContext (configured threshold)', async () => {
    expect(await send(messagesBody({ model: 'claude-haiku-5-5' }))).toBe('b');
    expect(b.last.body.model).toBe('b-small');
    const long = 'word '.repeat(2_000); // ~10k chars: above 2,000 estimated tokens
    expect(await send(messagesBody({ model: 'claude-haiku-5-5', messages: [{ role: 'user', content: long }] }))).toBe('a');
    expect(a.last.body.model).toBe('a-small');
    expect(routes().map((e) => e.scenario)).toEqual(['background', 'longContext']);
  });

  it('explicit choices win, and provider ports stay pinned', async () => {
    expect(await send(messagesBody({ ...thinking, model: 'a,a-chosen' }))).toBe('a');
    expect(a.last.body.model).toBe('a-chosen');
    expect(await send(messagesBody(thinking), { 'x-switchboard-provider': 'a' })).toBe('a');
    expect(await send(messagesBody(thinking), {}, 'a')).toBe('a');
    expect(b.requests).toHaveLength(0);
    expect(routes().map((e) => e.strategy)).toEqual(['explicit', 'explicit', 'pinned']);
  });

  it('a failing mapped target falls back to the strategy order, and the reason says so', async () => {
    b.next((_req, res) => json(res, 500, { error: { message: 'think model down' } }));
    expect(await send(messagesBody(thinking))).toBe('a');
    expect(routes()[0].reason).toBe('a (priority, after the think scenario route) after 1 failed attempt');
  });

  it('a scenario-routed request does not move the session to its provider', async () => {
    expect(await send(messagesBody(), SESSION)).toBe('a');
    expect(await send(messagesBody(thinking), SESSION)).toBe('b');
    expect(await send(messagesBody(), SESSION)).toBe('a');
    expect(gw.gateway.router.affinity.get('session-1')).toBe('a');
  });
});

describe('scenario config errors', () => {
  it('name the field', async () => {
    const start = (scenarios: Record<string, unknown>) =>
      startGateway({ providers: { a: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1' } }, router: { scenarios } });
    await expect(start({ think: ['a,x', 'b,y'] })).rejects.toThrow(ConfigError);
    await expect(start({ think: ['a,x', 'b,y'] })).rejects.toThrow(/^router\.scenarios\.think\[1\]: provider "b" is not a configured provider/);
    await expect(start({ image: 'a,' })).rejects.toThrow('router.scenarios.image: "a," is not "provider" or "provider,model"');
  });
});

describe('health probes in a running gateway', () => {
  let up: ScriptedUpstream;

  beforeAll(async () => {
    up = await ScriptedUpstream.start();
    up.otherwise((_req, res) => json(res, 200, { data: [{ id: 'm' }] }));
  });
  afterAll(() => up.close());

  it('run on the interval, show in /health, and stop with the gateway', async () => {
    const gw = await startGateway({ providers: { p: { type: 'openai-compatible', baseUrl: `${up.url}/v1` } } }, {}, { healthProbes: { intervalMs: 30 } });
    try {
      await waitFor(() => up.requests.length >= 2, 3_000, 'two probes');
      expect(up.requests.every((r) => r.method === 'GET' && r.url === '/v1/models')).toBe(true);
      const health = await (await fetch(gw.url('router') + '/health')).json();
      expect(health.providers[0].probe).toMatchObject({ state: 'up', status: 200, latency_ms: expect.any(Number) });
    } finally {
      await gw.close();
    }
    const seen = up.requests.length;
    await sleep(120);
    expect(up.requests.length).toBe(seen);
  });

  it('router.healthCheckIntervalS: 0 turns them off', async () => {
    up.requests.length = 0;
    const gw = await startGateway({ providers: { p: { type: 'openai-compatible', baseUrl: up.url } }, router: { healthCheckIntervalS: 0 } });
    try {
      const health = await (await fetch(gw.url('p') + '/health')).json();
      expect(health.providers[0].probe).toEqual({ state: 'off' });
      expect(up.requests.filter((r) => r.url.endsWith('/models'))).toHaveLength(0);
    } finally {
      await gw.close();
    }
  });
});

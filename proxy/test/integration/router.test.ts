// The router's live state through real sockets: cooldowns, circuit breakers,
// configured retries, and the events that explain each decision in plain words.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayEvent } from '../../events/bus.js';
import { startGateway, type RunningGateway } from '../gateway.js';
import { chunk, json, openaiStream, ScriptedUpstream, sse, usageChunk } from '../upstream.js';
import { closedPort, messagesBody, post, readSse } from './_helpers.js';

const ok = (text: string) => (_req: unknown, res: import('node:http').ServerResponse) => sse(res, openaiStream([chunk({ content: text }), chunk({}, 'stop'), usageChunk(5, 1)]));
const fail = (status: number, headers: Record<string, string> = {}) => (_req: unknown, res: import('node:http').ServerResponse) => json(res, status, { error: { message: `failing with ${status}` } }, headers);

describe('router state', () => {
  let a: ScriptedUpstream;
  let b: ScriptedUpstream;
  let gw: RunningGateway;
  let events: GatewayEvent[] = [];

  beforeAll(async () => {
    [a, b] = await Promise.all([ScriptedUpstream.start(), ScriptedUpstream.start()]);
    gw = await startGateway({
      providers: {
        a: { type: 'openai-compatible', baseUrl: a.url, models: { sonnet: 'a-model' } },
        b: { type: 'openai-compatible', baseUrl: b.url, models: { sonnet: 'b-model' } },
      },
      // priority keeps the order fixed so each case controls which provider is asked; unavailable ones still go last.
      router: { order: ['a', 'b'], retries: 1, strategy: 'priority' },
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
  });

  it('a 429 with retry-after takes the provider out of rotation: the next request goes straight to the other', async () => {
    a.next(fail(429, { 'retry-after': '30' }));
    b.otherwise(ok('from b'));
    const first = await post(gw.url('router'), messagesBody({ stream: true }));
    expect(first.headers.get('x-switchboard-fallback')).toBe('a:429');
    await readSse(first);
    const failover = events.find((e) => e.type === 'failover');
    expect(failover?.reason).toBe('a 429, retry after 30 s → b');
    expect(events.find((e) => e.type === 'cooldown')?.reason).toContain('out of rotation for 30 s');

    const second = await post(gw.url('router'), messagesBody({ stream: true }));
    expect(second.headers.get('x-switchboard-provider')).toBe('b');
    expect(second.headers.get('x-switchboard-fallback')).toBeNull();
    await readSse(second);
    expect(a.requests).toHaveLength(1);
    expect(events.filter((e) => e.type === 'route').map((e) => (e as { provider: string }).provider)).toEqual(['b', 'b']);
  });

  it('a 429 without retry-after still falls back, and blocks the provider for the default 30 s', async () => {
    a.next(fail(429));
    b.next(ok('from b'));
    const res = await post(gw.url('router'), messagesBody({ stream: true }));
    expect(res.headers.get('x-switchboard-fallback')).toBe('a:429');
    await readSse(res);
    const blocked = gw.gateway.router.snapshot('a').rateLimit.blockedUntil;
    expect(blocked).not.toBeNull();
    expect(blocked! - Date.now()).toBeGreaterThan(25_000);
    expect(blocked! - Date.now()).toBeLessThanOrEqual(30_000);
    // The provider did not say how long to wait, so the reason does not invent one.
    expect(events.find((e) => e.type === 'failover')?.reason).toBe('a 429 → b');
  });

  it('an upstream 529 (overloaded) falls back after the configured retry, reported as 529', async () => {
    a.next(fail(529)).next(fail(529));
    b.next(ok('from b'));
    const res = await post(gw.url('router'), messagesBody({ stream: true }));
    expect(res.headers.get('x-switchboard-fallback')).toBe('a:529,a:529');
    await readSse(res);
  });

  it('router.retries: a 5xx is retried once on the same provider, then falls back, with events for both', async () => {
    a.next(fail(500)).next(fail(500));
    b.next(ok('b after retries'));
    const res = await post(gw.url('router'), messagesBody({ stream: true }));
    expect(res.headers.get('x-switchboard-fallback')).toBe('a:500,a:500');
    await readSse(res);
    expect(a.requests).toHaveLength(2);
    const types = events.map((e) => e.type);
    expect(types).toEqual(['retry', 'failover', 'route']);
    expect(events[0].reason).toMatch(/^a 500, retrying in \d+ ms$/);
  });

  it('a provider that keeps failing opens its circuit and is skipped, then probed again', async () => {
    for (let i = 0; i < 3; i++) {
      a.next(fail(503)).next(fail(503));
      b.next(ok(`b ${i}`));
      await readSse(await post(gw.url('router'), messagesBody({ stream: true })));
    }
    expect(events.some((e) => e.type === 'circuit' && e.state === 'open')).toBe(true);
    const circuit = events.find((e) => e.type === 'circuit');
    expect(circuit?.reason).toMatch(/^a circuit opened/);
    const before = a.requests.length;
    b.next(ok('b while a is open'));
    const res = await post(gw.url('router'), messagesBody({ stream: true }));
    expect(res.headers.get('x-switchboard-provider')).toBe('b');
    await readSse(res);
    expect(a.requests.length).toBe(before); // not asked while open
    expect(gw.gateway.router.snapshot('a').circuit).toBe('open');
  });
});

describe('rate-limit headroom', () => {
  let a: ScriptedUpstream;
  let b: ScriptedUpstream;

  beforeAll(async () => {
    [a, b] = await Promise.all([ScriptedUpstream.start(), ScriptedUpstream.start()]);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  // OpenAI-style limit headers: 10 % of the request budget left, resetting in a minute.
  const lowHeadroom = (_req: unknown, res: import('node:http').ServerResponse) =>
    sse(res, openaiStream([chunk({ content: 'from a' }), chunk({}, 'stop'), usageChunk(5, 1)]), {
      headers: { 'x-ratelimit-limit-requests': '100', 'x-ratelimit-remaining-requests': '10', 'x-ratelimit-reset-requests': '1m0s' },
    });

  it.each([
    [undefined, 'b'],
    [0.05, 'a'],
  ])('with rateLimitThreshold %s the next request goes to %s', async (threshold, expected) => {
    const gw = await startGateway({
      providers: { a: { type: 'openai-compatible', baseUrl: a.url }, b: { type: 'openai-compatible', baseUrl: b.url } },
      router: { order: ['a', 'b'], strategy: 'priority', ...(threshold === undefined ? {} : { rateLimitThreshold: threshold }) },
    });
    try {
      a.otherwise(lowHeadroom);
      b.otherwise(ok('from b'));
      const first = await post(gw.url('router'), messagesBody({ stream: true }));
      expect(first.headers.get('x-switchboard-provider')).toBe('a');
      await readSse(first);
      const second = await post(gw.url('router'), messagesBody({ stream: true }));
      expect(second.headers.get('x-switchboard-provider')).toBe(expected);
      await readSse(second);
    } finally {
      await gw.close();
    }
  });
});

describe('cost strategy', () => {
  it('sends the request to the cheapest priced provider; unknown prices come after known ones', async () => {
    const [u, x, y] = await Promise.all([ScriptedUpstream.start(), ScriptedUpstream.start(), ScriptedUpstream.start()]);
    const gw = await startGateway({
      providers: {
        unknown: { type: 'openai-compatible', baseUrl: u.url },
        pricey: { type: 'openai-compatible', baseUrl: x.url, models: { sonnet: 'big' }, modelInfo: { big: { price: { inputPerM: 3, outputPerM: 15 } } } },
        cheap: { type: 'openai-compatible', baseUrl: y.url, models: { sonnet: 'small' }, modelInfo: { small: { price: { inputPerM: 0.2, outputPerM: 0.8 } } } },
      },
      router: { order: ['unknown', 'pricey', 'cheap'], strategy: 'cost' },
    });
    try {
      y.next(ok('cheap answer'));
      const res = await post(gw.url('router'), messagesBody({ stream: true }));
      expect(res.headers.get('x-switchboard-provider')).toBe('cheap');
      await readSse(res);
      // The cheap one fails: the next priced provider is tried before the unknown one.
      y.next(fail(500));
      x.next(ok('pricey answer'));
      const second = await post(gw.url('router'), messagesBody({ stream: true }));
      expect(second.headers.get('x-switchboard-provider')).toBe('pricey');
      await readSse(second);
      expect(u.requests).toHaveLength(0);
    } finally {
      await gw.close();
      await Promise.all([u.close(), x.close(), y.close()]);
    }
  });
});

describe('failover cost', () => {
  let b: ScriptedUpstream;
  let gw: RunningGateway;

  beforeAll(async () => {
    b = await ScriptedUpstream.start();
    b.otherwise(ok('ok'));
    const dead = await closedPort();
    gw = await startGateway({
      providers: {
        dead: { type: 'openai-compatible', baseUrl: `http://127.0.0.1:${dead}` },
        b: { type: 'openai-compatible', baseUrl: b.url },
      },
      router: { order: ['dead', 'b'], strategy: 'priority' },
    });
  });
  afterAll(async () => {
    await gw.close();
    await b.close();
  });

  it('failover after a refused connection adds well under 50 ms', async () => {
    const time = async (url: string) => {
      const t0 = performance.now();
      await readSse(await post(url, messagesBody({ stream: true })));
      return performance.now() - t0;
    };
    for (let i = 0; i < 5; i++) await time(gw.url('b')); // warm up
    const direct: number[] = [];
    const failover: number[] = [];
    for (let i = 0; i < 10; i++) {
      direct.push(await time(gw.url('b')));
      gw.gateway.router.reset(); // otherwise the refused provider is cooled down and never tried
      failover.push(await time(gw.url('router')));
    }
    const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)];
    expect(median(failover) - median(direct)).toBeLessThan(50);
  });
});

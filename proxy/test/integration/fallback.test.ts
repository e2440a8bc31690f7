// Router fallback: a failure that another provider may not have moves on to the
// next provider — but only while nothing has reached the client, and never for
// a request that is itself bad. Pinned provider ports stay pinned unless opted in.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accumulateMessage, assertValidAnthropicStream } from '../anthropic-stream.js';
import { startGateway, type RunningGateway } from '../gateway.js';
import { anthropicStream, anthropicTextEvents, chunk, completion, json, openaiStream, ScriptedUpstream, sse, usageChunk } from '../upstream.js';
import { closedPort, expectAnthropicError, messagesBody, post, readSse, resetAfter, terminalError } from './_helpers.js';

const okStream = (text: string) => openaiStream([chunk({ role: 'assistant', content: '' }), chunk({ content: text }), chunk({}, 'stop'), usageChunk(10, 2)]);
const rateLimited = (retryAfter: string) => (_req: unknown, res: import('node:http').ServerResponse) =>
  json(res, 429, { error: { message: `rate limited, retry in ${retryAfter}s` } }, { 'retry-after': retryAfter });

describe('router fallback', () => {
  let a: ScriptedUpstream;
  let b: ScriptedUpstream;
  let c: ScriptedUpstream;
  let gw: RunningGateway;
  let deadGw: RunningGateway;

  beforeAll(async () => {
    [a, b, c] = await Promise.all([ScriptedUpstream.start(), ScriptedUpstream.start(), ScriptedUpstream.start()]);
    const providers = {
      a: { type: 'openai-compatible', baseUrl: a.url, apiKey: 'sk-a-secret-1234', models: { sonnet: 'a-model' } },
      b: { type: 'openai-compatible', baseUrl: b.url, apiKey: 'sk-b-secret-1234', models: { sonnet: 'b-model' } },
      c: { type: 'anthropic-compatible', baseUrl: c.url, apiKey: 'sk-c-secret-1234' },
    };
    const timeouts = { connectMs: 1000, firstByteMs: 400, idleMs: 1000 };
    gw = await startGateway({ server: { timeouts }, providers, router: { order: ['a', 'b', 'c'] } });
    const dead = await closedPort();
    deadGw = await startGateway({
      server: { timeouts },
      providers: { dead: { type: 'openai-compatible', baseUrl: `http://127.0.0.1:${dead}`, apiKey: 'sk-dead-1234' }, b: providers.b },
      router: { order: ['dead', 'b'] },
    });
  });
  afterAll(async () => {
    await gw.close();
    await deadGw.close();
    await Promise.all([a.close(), b.close(), c.close()]);
  });
  beforeEach(() => {
    // Each case starts from a fresh router: no breakers, cooldowns or affinity from the last one.
    gw.gateway.router.reset();
    deadGw.gateway.router.reset();
    a.requests.length = 0;
    b.requests.length = 0;
    c.requests.length = 0;
  });

  it('first provider 429 → second answers, with transparency headers', async () => {
    a.next(rateLimited('30'));
    b.next((_req, res) => sse(res, okStream('from b')));
    const res = await post(gw.url('router'), messagesBody({ stream: true }));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchboard-provider')).toBe('b');
    expect(res.headers.get('x-switchboard-model')).toBe('b-model');
    expect(res.headers.get('x-switchboard-attempts')).toBe('2');
    expect(res.headers.get('x-switchboard-fallback')).toBe('a:429');
    expect(res.headers.get('retry-after')).toBeNull();
    const { events } = await readSse(res);
    assertValidAnthropicStream(events);
    expect(accumulateMessage(events).content).toEqual([{ type: 'text', text: 'from b' }]);
    expect(a.requests).toHaveLength(1);
    expect(b.requests).toHaveLength(1);
    expect(b.last.body.model).toBe('b-model');
    expect(b.last.headers.authorization).toBe('Bearer sk-b-secret-1234');
  });

  it('first provider connection refused → second answers', async () => {
    b.next((_req, res) => sse(res, okStream('rescued')));
    const client = new Anthropic({ baseURL: deadGw.url('router'), apiKey: 'x', maxRetries: 0 });
    const { data, response } = await client.messages
      .stream({ model: 'claude-sonnet-5-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(response.headers.get('x-switchboard-provider')).toBe('b');
    expect(response.headers.get('x-switchboard-attempts')).toBe('2');
    expect(response.headers.get('x-switchboard-fallback')).toBe('dead:502');
    const msg = await data.finalMessage();
    expect(msg.content[0]).toMatchObject({ type: 'text', text: 'rescued' });
  });

  it('first provider times out before headers → second answers', async () => {
    a.next(() => {
      /* hangs */
    });
    b.next((_req, res) => json(res, 200, completion({ content: 'fast one' })));
    const res = await post(gw.url('router'), messagesBody());
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchboard-provider')).toBe('b');
    expect(res.headers.get('x-switchboard-fallback')).toBe('a:504');
    expect((await res.json()).content[0]).toMatchObject({ type: 'text', text: 'fast one' });
  });

  it('first provider answers 200 with an unusable body (non-streaming) → second answers', async () => {
    a.next((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"truncated":');
    });
    b.next((_req, res) => json(res, 200, completion({ content: 'valid' })));
    const res = await post(gw.url('router'), messagesBody());
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchboard-provider')).toBe('b');
    expect((await res.json()).content[0]).toMatchObject({ type: 'text', text: 'valid' });
  });

  it('openai-chat 429 → anthropic passthrough provider, streamed verbatim', async () => {
    a.next(rateLimited('3'));
    b.next(rateLimited('4'));
    const pieces = anthropicStream(anthropicTextEvents('from c'));
    c.next((_req, res) => sse(res, pieces));
    const res = await post(gw.url('router'), messagesBody({ stream: true }));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchboard-provider')).toBe('c');
    expect(res.headers.get('x-switchboard-attempts')).toBe('3');
    expect(res.headers.get('x-switchboard-fallback')).toBe('a:429,b:429');
    expect(await res.text()).toBe(pieces.join(''));
    expect(c.last.headers['x-api-key']).toBe('sk-c-secret-1234');
    expect(c.last.headers.authorization).toBeUndefined();
  });

  it('first provider 400 (not retryable) → no fallback, the client gets the 400', async () => {
    a.next((_req, res) => json(res, 400, { error: { message: 'messages: invalid image', type: 'invalid_request_error' } }));
    const res = await post(gw.url('router'), messagesBody({ stream: true }));
    const msg = await expectAnthropicError(res, 400, 'invalid_request_error');
    expect(msg).toContain('messages: invalid image');
    expect(res.headers.get('x-switchboard-attempts')).toBe('1');
    expect(b.requests).toHaveLength(0);
    expect(c.requests).toHaveLength(0);
  });

  it('all providers 429 with retry-after 30 and 5 → 429 with retry-after 5', async () => {
    a.next(rateLimited('30'));
    b.next(rateLimited('5'));
    c.next((_req, res) => json(res, 429, { type: 'error', error: { type: 'rate_limit_error', message: 'slow' } }, { 'retry-after': '12' }));
    const res = await post(gw.url('router'), messagesBody({ stream: true }));
    const msg = await expectAnthropicError(res, 429, 'rate_limit_error');
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.headers.get('x-switchboard-attempts')).toBe('3');
    expect(msg).toContain('retry in 5s');
  });

  it('a rate limit is preferred over a later server error when everything fails', async () => {
    a.next(rateLimited('9'));
    b.next((_req, res) => json(res, 500, { error: { message: 'boom' } }));
    c.next((_req, res) => json(res, 529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
    const res = await post(gw.url('router'), messagesBody({ stream: true }));
    await expectAnthropicError(res, 429, 'rate_limit_error');
    expect(res.headers.get('retry-after')).toBe('9');
  });

  it('a mid-stream failure after the first byte is NOT retried on the next provider', async () => {
    a.next((_req, res) => resetAfter(res, openaiStream([chunk({ role: 'assistant', content: '' }), chunk({ content: 'partial' })], false)));
    b.next((_req, res) => sse(res, okStream('must not be used')));
    const res = await post(gw.url('router'), messagesBody({ stream: true }));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchboard-provider')).toBe('a');
    expect(res.headers.get('x-switchboard-attempts')).toBe('1');
    const { events } = await readSse(res);
    assertValidAnthropicStream(events);
    expect(terminalError(events).type).toBe('api_error');
    expect(accumulateMessage(events).content[0]).toMatchObject({ type: 'text', text: 'partial' });
    expect(b.requests).toHaveLength(0);
    expect(c.requests).toHaveLength(0);
    // Consume b's unused script so it does not leak into the next test.
    await post(gw.url('b'), messagesBody({ stream: true })).then((r) => r.text());
  });

  it('a provider port is pinned: its 429 reaches the client, no other provider is asked', async () => {
    a.next(rateLimited('7'));
    const res = await post(gw.url('a'), messagesBody({ stream: true }));
    await expectAnthropicError(res, 429, 'rate_limit_error');
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.headers.get('x-switchboard-provider')).toBe('a');
    expect(b.requests).toHaveLength(0);
    expect(c.requests).toHaveLength(0);
  });

  it('a provider port with fallbackToRouter: true falls back along the router order', async () => {
    const pinned = await startGateway({
      server: { timeouts: { connectMs: 1000, firstByteMs: 400, idleMs: 1000 } },
      providers: {
        a: { type: 'openai-compatible', baseUrl: a.url, apiKey: 'sk-a-secret-1234' },
        b: { type: 'openai-compatible', baseUrl: b.url, apiKey: 'sk-b-secret-1234' },
      },
      router: { order: ['a', 'b'] },
      ports: [
        { port: 0, use: 'router' },
        { port: 0, use: 'b', fallbackToRouter: true },
      ],
    });
    try {
      b.next(rateLimited('2'));
      a.next((_req, res) => sse(res, okStream('from a via router')));
      const res = await post(pinned.url('b'), messagesBody({ stream: true }));
      expect(res.status).toBe(200);
      expect(res.headers.get('x-switchboard-provider')).toBe('a');
      expect(res.headers.get('x-switchboard-fallback')).toBe('b:429');
      const { events } = await readSse(res);
      assertValidAnthropicStream(events);
      expect(accumulateMessage(events).content[0]).toMatchObject({ type: 'text', text: 'from a via router' });
      expect(b.requests).toHaveLength(1);
      expect(a.requests).toHaveLength(1);
    } finally {
      await pinned.close();
    }
  });

  describe('a provider that answers 200 and then fails before any content', () => {
    const errorEvent = (code: number, message: string) => `data: ${JSON.stringify({ error: { code, message }, choices: [{ index: 0, delta: {}, finish_reason: 'error' }] })}\n\n`;

    it('falls back on the router: an OpenRouter-style error event before content is not the end', async () => {
      a.next((_req, res) => sse(res, [': OPENROUTER PROCESSING\n\n', `data: ${JSON.stringify(chunk({ role: 'assistant', content: '' }))}\n\n`, errorEvent(429, 'Provider returned error: rate limited')]));
      b.next((_req, res) => sse(res, okStream('from b after a failed')));
      const res = await post(gw.url('router'), messagesBody({ stream: true }));
      expect(res.status).toBe(200);
      expect(res.headers.get('x-switchboard-provider')).toBe('b');
      expect(res.headers.get('x-switchboard-fallback')).toBe('a:429');
      const { events } = await readSse(res);
      assertValidAnthropicStream(events);
      expect(accumulateMessage(events).content).toEqual([{ type: 'text', text: 'from b after a failed' }]);
    });

    it('falls back on garbage or a bare end before content', async () => {
      a.next((_req, res) => sse(res, ['data: {not json\n\n']));
      b.next((_req, res) => sse(res, okStream('b again')));
      const res = await post(gw.url('router'), messagesBody({ stream: true }));
      expect(res.headers.get('x-switchboard-fallback')).toBe('a:502');
      expect(accumulateMessage((await readSse(res)).events).content).toEqual([{ type: 'text', text: 'b again' }]);

      gw.gateway.router.reset();
      const bare = (_req: unknown, res: import('node:http').ServerResponse) => sse(res, [`data: ${JSON.stringify(chunk({ role: 'assistant', content: '' }))}\n\n`]);
      a.next(bare);
      b.next((_req, res) => sse(res, okStream('b once more')));
      const res2 = await post(gw.url('router'), messagesBody({ stream: true }));
      expect(res2.headers.get('x-switchboard-fallback')).toBe('a:502');
      expect(accumulateMessage((await readSse(res2)).events).content).toEqual([{ type: 'text', text: 'b once more' }]);
    });

    it('on a pinned port the client gets the error as an HTTP status its retry policy understands', async () => {
      a.next((_req, res) => sse(res, [errorEvent(429, 'rate limited upstream')]));
      const res = await post(gw.url('a'), messagesBody({ stream: true }));
      await expectAnthropicError(res, 429, 'rate_limit_error');
      expect(b.requests).toHaveLength(0);
    });

    it('never falls back once content has reached the client', async () => {
      a.next((_req, res) => sse(res, [`data: ${JSON.stringify(chunk({ content: 'partial answer' }))}\n\n`, errorEvent(502, 'upstream died')]));
      const res = await post(gw.url('router'), messagesBody({ stream: true }));
      expect(res.status).toBe(200);
      const { events } = await readSse(res);
      expect(events.map((e) => e.event)).toContain('error');
      expect(accumulateMessage(events).content).toEqual([{ type: 'text', text: 'partial answer' }]);
      expect(b.requests).toHaveLength(0);
    });

    it('holds the headers at most about 2 s while the upstream is silent before its first content', async () => {
      // Its own gateway: this suite's 1 s idle timeout would (rightly) fail the silent upstream first.
      const slow = await startGateway({ server: { timeouts: { connectMs: 1000, firstByteMs: 5000, idleMs: 5000 } }, providers: { a: { type: 'openai-compatible', baseUrl: a.url } } });
      try {
        a.next(async (_req, res) => {
          await sse(res, [`data: ${JSON.stringify(chunk({ role: 'assistant', content: '' }))}\n\n`], { end: false });
          await new Promise((r) => setTimeout(r, 2600));
          res.end(okStream('slow but fine').slice(1).join(''));
        });
        const started = Date.now();
        const res = await post(slow.url('a'), messagesBody({ stream: true }));
        const headersAfter = Date.now() - started;
        expect(headersAfter).toBeGreaterThanOrEqual(1900);
        expect(headersAfter).toBeLessThan(2500);
        const { events } = await readSse(res);
        assertValidAnthropicStream(events);
        expect(accumulateMessage(events).content).toEqual([{ type: 'text', text: 'slow but fine' }]);
      } finally {
        await slow.close();
      }
    });
  });
});

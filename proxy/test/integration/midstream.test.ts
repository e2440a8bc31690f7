// Failures after the stream has started (HTTP 200 already sent): the client must
// get exactly one terminal Anthropic `event: error` — never a clean message_stop,
// never a silently truncated stream — and the SDK must reject.
import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accumulateMessage, assertValidAnthropicStream, parseAnthropicSse } from '../anthropic-stream.js';
import { startGateway, type RunningGateway } from '../gateway.js';
import { anthropicStream, anthropicTextEvents, chunk, openaiStream, ScriptedUpstream, sleep, sse, usageChunk } from '../upstream.js';
import { messagesBody, post, readSse, resetAfter, terminalError, waitFor } from './_helpers.js';

const IDLE_MS = 300;
const HEAD = openaiStream([chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hello' }), chunk({ content: ' wor' })], false);

interface Fault {
  name: string;
  type: string;
  script: (res: ServerResponse) => void | Promise<void>;
}

const FAULTS: Fault[] = [
  { name: 'upstream resets the socket after a few chunks', type: 'api_error', script: (res) => resetAfter(res, HEAD) },
  {
    name: 'upstream goes silent past idleMs',
    type: 'timeout_error',
    script: (res) => sse(res, HEAD, { end: false }),
  },
  {
    name: 'upstream sends a non-JSON data line',
    type: 'api_error',
    script: (res) => sse(res, [...HEAD, 'data: {"id":"chatcmpl-1","choices":[{"delta":{"content":"x"}}\n\n', ...openaiStream([chunk({}, 'stop')])]),
  },
  {
    name: 'upstream sends an {"error":{...}} data event (OpenRouter style)',
    type: 'overloaded_error',
    script: (res) =>
      sse(res, [
        ...HEAD,
        `data: ${JSON.stringify({ id: 'gen-1', object: 'chat.completion.chunk', created: 1, model: 'up-model', provider: 'SomeHost', error: { code: 502, message: 'Provider returned error' }, choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error' }] })}\n\n`,
        'data: [DONE]\n\n',
      ]),
  },
  {
    name: 'upstream ends without [DONE] and without finish_reason',
    type: 'api_error',
    script: (res) => sse(res, HEAD),
  },
];

describe('mid-stream faults (openai-chat)', () => {
  let up: ScriptedUpstream;
  let gw: RunningGateway;

  beforeAll(async () => {
    up = await ScriptedUpstream.start();
    gw = await startGateway({
      server: { timeouts: { connectMs: 1000, firstByteMs: 2000, idleMs: IDLE_MS } },
      providers: { oa: { type: 'openai-compatible', baseUrl: up.url, apiKey: 'sk-oa-secret-1234', models: { sonnet: 'up-model' } } },
    });
  });
  afterAll(async () => {
    await gw.close();
    await up.close();
  });

  for (const f of FAULTS) {
    it(`${f.name} → one terminal error event (${f.type})`, async () => {
      up.next((_req, res) => f.script(res));
      const res = await post(gw.url('oa'), messagesBody({ stream: true }));
      expect(res.status).toBe(200);
      const { events } = await readSse(res);
      assertValidAnthropicStream(events);
      const err = terminalError(events);
      expect(err.type).toBe(f.type);
      // What arrived before the fault is intact.
      const msg = accumulateMessage(events);
      expect(msg.content[0]).toMatchObject({ type: 'text', text: 'Hello wor' });
      expect(msg.stop_reason).toBeNull();
    });

    it(`${f.name} → SDK finalMessage() rejects`, async () => {
      up.next((_req, res) => f.script(res));
      const client = new Anthropic({ baseURL: gw.url('oa'), apiKey: 'x', maxRetries: 0 });
      const stream = client.messages.stream({ model: 'claude-sonnet-5-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
      const outcome = await stream.finalMessage().then(
        (m) => ({ resolved: m }),
        (e: unknown) => ({ rejected: e }),
      );
      expect(outcome).not.toHaveProperty('resolved');
      const err = (outcome as { rejected: unknown }).rejected;
      expect(err).toBeInstanceOf(Anthropic.APIError);
      expect((err as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: f.type } });
    });
  }

  it('a mid-stream error event echoing the configured key reaches the client redacted', async () => {
    up.next((_req, res) => sse(res, [...HEAD, `data: ${JSON.stringify({ error: { code: 401, message: 'key sk-oa-secret-1234 was revoked' } })}\n\n`]));
    const res = await post(gw.url('oa'), messagesBody({ stream: true }));
    const { text, events } = await readSse(res);
    assertValidAnthropicStream(events);
    expect(terminalError(events).message).toContain('was revoked');
    expect(text).not.toContain('sk-oa-secret-1234');
  });

  it('a gzip stream that is cut short → error event, not a clean end', async () => {
    const z = gzipSync(openaiStream([chunk({ role: 'assistant', content: 'Hello' }), chunk({}, 'stop')]).join(''));
    up.next((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': 'gzip' });
      res.end(z.subarray(0, z.length - 12));
    });
    const res = await post(gw.url('oa'), messagesBody({ stream: true }));
    const { events } = await readSse(res);
    assertValidAnthropicStream(events);
    expect(terminalError(events).type).toBe('api_error');
  });

  it('after a terminal error the response ends at once, and an upstream that keeps streaming is cut', async () => {
    let sentAfterError = 0;
    up.next(async (_req, res) => {
      await sse(res, [...HEAD, 'data: not json at all\n\n'], { end: false });
      // A broken upstream that keeps generating (billable) tokens after the bad line.
      for (let i = 0; i < 100 && !res.destroyed; i++) {
        res.write(`data: ${JSON.stringify(chunk({ content: ' more' }))}\n\n`);
        sentAfterError++;
        await sleep(50);
      }
      if (!res.destroyed) res.end();
    });
    const abortedBefore = up.aborted;
    const t0 = Date.now();
    const res = await post(gw.url('oa'), messagesBody({ stream: true }));
    const { events } = await readSse(res);
    expect(Date.now() - t0).toBeLessThan(500);
    assertValidAnthropicStream(events);
    expect(terminalError(events).type).toBe('api_error');
    expect(events.filter((e) => e.event === 'content_block_delta')).toHaveLength(2);
    await waitFor(() => up.aborted > abortedBefore, 2500, 'the gateway to cut the upstream');
    expect(sentAfterError).toBeLessThan(60);
  });

  it('after [DONE] the response ends at once, even if the upstream holds the connection open', async () => {
    up.next((_req, res) => sse(res, openaiStream([chunk({ role: 'assistant', content: 'Hi' }), chunk({}, 'stop'), usageChunk(5, 1)]), { end: false }));
    const client = new Anthropic({ baseURL: gw.url('oa'), apiKey: 'x', maxRetries: 0 });
    const t0 = Date.now();
    const msg = await client.messages.stream({ model: 'claude-sonnet-5-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    expect(Date.now() - t0).toBeLessThan(IDLE_MS);
    expect(msg.content).toEqual([expect.objectContaining({ type: 'text', text: 'Hi' })]);
    expect(msg.stop_reason).toBe('end_turn');
  });
});

describe('mid-stream fault (anthropic passthrough)', () => {
  let up: ScriptedUpstream;
  let gw: RunningGateway;

  beforeAll(async () => {
    up = await ScriptedUpstream.start();
    gw = await startGateway({
      server: { timeouts: { connectMs: 1000, firstByteMs: 2000, idleMs: IDLE_MS } },
      providers: { an: { type: 'anthropic-compatible', baseUrl: up.url, apiKey: 'sk-ant-secret-1234' } },
    });
  });
  afterAll(async () => {
    await gw.close();
    await up.close();
  });

  const events = anthropicTextEvents('Hello there');
  const complete = anthropicStream(events.slice(0, 4)); // message_start, block start, ping, text delta
  const half = anthropicStream([{ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' and more' } }])[0];
  const halfBytes = half.slice(0, Math.floor(half.length / 2));

  it('complete events arrive verbatim, then one well-formed error frame (no partial bytes)', async () => {
    up.next((_req, res) => resetAfter(res, [...complete, halfBytes]));
    const res = await post(gw.url('an'), messagesBody({ stream: true }));
    expect(res.status).toBe(200);
    const text = await res.text();
    const prefix = complete.join('');
    expect(text.startsWith(prefix)).toBe(true);
    const tail = text.slice(prefix.length);
    expect(tail).toMatch(/^event: error\ndata: \{.*\}\n\n$/);
    expect(tail).not.toContain('and more');
    const parsed = parseAnthropicSse(text);
    assertValidAnthropicStream(parsed);
    expect(terminalError(parsed).type).toBe('api_error');
    expect(accumulateMessage(parsed).content[0]).toMatchObject({ type: 'text', text: 'Hello there' });
  });

  it('the same fault with CRLF framing cuts at the CRLF boundary', async () => {
    const crlf = complete.map((p) => p.replace(/\n/g, '\r\n'));
    up.next((_req, res) => resetAfter(res, [...crlf, halfBytes.replace(/\n/g, '\r\n')]));
    const res = await post(gw.url('an'), messagesBody({ stream: true }));
    const text = await res.text();
    expect(text.startsWith(crlf.join(''))).toBe(true);
    expect(text.slice(crlf.join('').length)).toMatch(/^event: error\ndata: \{.*\}\n\n$/);
    assertValidAnthropicStream(parseAnthropicSse(text));
  });

  it('upstream goes silent mid-stream → timeout_error event', async () => {
    up.next((_req, res) => sse(res, [...complete, halfBytes], { end: false }));
    const res = await post(gw.url('an'), messagesBody({ stream: true }));
    const { text, events: parsed } = await readSse(res);
    expect(text.startsWith(complete.join(''))).toBe(true);
    assertValidAnthropicStream(parsed);
    expect(terminalError(parsed).type).toBe('timeout_error');
  });

  it('upstream ends cleanly (EOF) without message_stop → complete events verbatim, partial dropped, one error frame', async () => {
    up.next((_req, res) => sse(res, [...complete, halfBytes]));
    const res = await post(gw.url('an'), messagesBody({ stream: true }));
    const text = await res.text();
    expect(text.startsWith(complete.join(''))).toBe(true);
    expect(text.slice(complete.join('').length)).toMatch(/^event: error\ndata: \{.*\}\n\n$/);
    const parsed = parseAnthropicSse(text);
    assertValidAnthropicStream(parsed);
    expect(terminalError(parsed).type).toBe('api_error');
  });

  it('a complete stream is relayed untouched: final event without its blank line, Python-style spacing', async () => {
    const spaced = events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e).replace(/":/g, '": ').replace(/,"/g, ', "')}\n\n`);
    const body = spaced.join('').replace(/\n\n$/, '\n');
    up.next((_req, res) => sse(res, [body]));
    const res = await post(gw.url('an'), messagesBody({ stream: true }));
    const text = await res.text();
    expect(text).toBe(body);
    const parsed = parseAnthropicSse(text);
    assertValidAnthropicStream(parsed);
    expect(accumulateMessage(parsed).content[0]).toMatchObject({ type: 'text', text: 'Hello there' });
  });

  it('an upstream error event is relayed as the terminal event, with nothing appended', async () => {
    const err = anthropicStream([{ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }]);
    up.next((_req, res) => sse(res, [...complete, ...err]));
    const res = await post(gw.url('an'), messagesBody({ stream: true }));
    const text = await res.text();
    expect(text).toBe(complete.join('') + err.join(''));
    expect(terminalError(parseAnthropicSse(text)).type).toBe('overloaded_error');
  });

  it('SDK finalMessage() rejects on the passthrough mid-stream reset', async () => {
    up.next((_req, res) => resetAfter(res, [...complete, halfBytes]));
    const client = new Anthropic({ baseURL: gw.url('an'), apiKey: 'x', maxRetries: 0 });
    const err = await client.messages
      .stream({ model: 'claude-sonnet-5-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] })
      .finalMessage()
      .then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'api_error' } });
  });
});

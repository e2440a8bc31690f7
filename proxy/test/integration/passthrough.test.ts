import Anthropic from '@anthropic-ai/sdk';
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeEnvelope } from '../../sessions/thinking-envelope.js';
import { startGateway, type RunningGateway } from '../gateway.js';
import { anthropicMessage, expectErrorResponse, minimalRequest, postMessages } from '../http.js';
import { anthropicStream, anthropicTextEvents, json, ScriptedUpstream, sse, type RecordedRequest } from '../upstream.js';

// The anthropic dialect: the client's body goes upstream untouched unless
// something must change, and the answer comes back as the upstream sent it.

const fixtureRaw = readFileSync(new URL('../fixtures/claude-code-turn1.json', import.meta.url), 'utf8');
const fixture = JSON.parse(fixtureRaw) as Record<string, any>;

const RATE_HEADERS = {
  'request-id': 'req_upstream_123',
  'anthropic-organization-id': 'org-1',
  'anthropic-ratelimit-requests-limit': '4000',
  'anthropic-ratelimit-requests-remaining': '3999',
  'anthropic-ratelimit-tokens-reset': '2026-11-21T12:00:00Z',
  'anthropic-ratelimit-unified-status': 'allowed',
};

/** Streams when asked to, answers JSON otherwise; both with the rate-limit headers. */
function messagesServer(req: RecordedRequest, res: ServerResponse): void | Promise<void> {
  if (req.method === 'GET') return json(res, 200, { data: [] });
  if (req.body?.stream) return sse(res, anthropicStream(anthropicTextEvents('streamed', req.body.model)), { headers: RATE_HEADERS });
  json(res, 200, anthropicMessage('whole', req.body?.model), RATE_HEADERS);
}

describe('anthropic passthrough', () => {
  let an: ScriptedUpstream;
  let lm: ScriptedUpstream;
  let fw: ScriptedUpstream;
  let gw: RunningGateway;

  beforeAll(async () => {
    an = (await ScriptedUpstream.start()).otherwise(messagesServer);
    lm = (await ScriptedUpstream.start()).otherwise(messagesServer);
    fw = (await ScriptedUpstream.start()).otherwise(messagesServer);
    gw = await startGateway({
      providers: {
        an: { type: 'anthropic', baseUrl: an.url, apiKey: 'sk-ant-pass-secret' },
        lm: { type: 'anthropic-compatible', baseUrl: lm.url, models: { sonnet: 'qwen3', haiku: 'qwen3-small' }, modelInfo: { qwen3: { maxOutputTokens: 8192 } } },
        fw: { type: 'anthropic', baseUrl: fw.url, forwardClientAuth: true },
      },
    });
  });
  afterAll(async () => {
    await gw.close();
    await an.close();
    await lm.close();
    await fw.close();
  });

  it('forwards the body byte for byte when the model is unchanged (the real Claude Code turn)', async () => {
    const res = await postMessages(gw.url('an'), fixtureRaw);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(anthropicStream(anthropicTextEvents('streamed', 'claude-opus-5-5')).join(''));
    expect(an.last.raw).toBe(fixtureRaw);
    expect(an.last.url).toBe('/v1/messages?beta=true');

    // Formatting a re-serialiser would change: spacing, key order, escapes, unicode.
    const odd = '{ "max_tokens":10 ,\n  "model" : "claude-sonnet-5-5", "messages":[{"content":"caf\\u00e9 — ☕ \\ud83d\\ude00","role":"user"}],"x_future":1.50}';
    const r2 = await postMessages(gw.url('an'), odd);
    expect(r2.status).toBe(200);
    expect(an.last.raw).toBe(odd);
  });

  it('rewrites a mapped model and clamps max_tokens to modelInfo, changing nothing else', async () => {
    const body: Record<string, any> = { ...fixture, model: 'claude-sonnet-5-5' };
    const res = await postMessages(gw.url('lm'), body);
    expect(res.status).toBe(200);
    const sent = lm.last.body;
    expect(sent.model).toBe('qwen3');
    expect(sent.max_tokens).toBe(8192);
    expect({ ...sent, model: body.model, max_tokens: body.max_tokens }).toEqual(body);

    // A mapped model without a known ceiling keeps the client's max_tokens.
    await postMessages(gw.url('lm'), { ...body, model: 'claude-haiku-5-5' });
    expect(lm.last.body).toMatchObject({ model: 'qwen3-small', max_tokens: 128000 });
    // Under the ceiling: left alone.
    await postMessages(gw.url('lm'), minimalRequest({ max_tokens: 500 }));
    expect(lm.last.body).toMatchObject({ model: 'qwen3', max_tokens: 500 });
    // The client still sees the upstream's answer, whatever model it names.
    expect(res.headers.get('x-switchboard-model')).toBe('qwen3');
  });

  it('drops thinking blocks Switchboard minted and forwards Anthropic signatures untouched', async () => {
    const envelope = encodeEnvelope({ provider: 'oa', model: 'gpt-x', reasoning: 'my private chain' });
    const anthropicSig = 'EqQBCkYIBxgCKkDn2x7Qo4Y+fake/anthropic/signature==';
    const messages = [
      { role: 'user', content: 'first' },
      { role: 'assistant', content: [{ type: 'thinking', thinking: 'foreign thought', signature: envelope }, { type: 'text', text: 'answer one' }] },
      { role: 'user', content: 'second' },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'real thought', signature: anthropicSig },
          { type: 'redacted_thinking', data: 'opaque-redacted' },
          { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'ls' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'file.txt' }] },
    ];
    const body = minimalRequest({ model: 'claude-opus-5-5', thinking: { type: 'adaptive' }, messages });
    expect((await postMessages(gw.url('an'), body)).status).toBe(200);
    const sent = an.last;
    expect(sent.raw).not.toContain('swb1.');
    expect(sent.raw).not.toContain('foreign thought');
    expect(sent.body.messages[1].content).toEqual([{ type: 'text', text: 'answer one' }]);
    expect(sent.body.messages[3].content).toEqual(messages[3].content);
    expect(sent.body.messages[3].content[0].signature).toBe(anthropicSig);
    expect({ ...sent.body, messages: undefined }).toEqual({ ...body, messages: undefined });

    // Only Anthropic signatures: the bytes go through as sent.
    const clean = JSON.stringify(minimalRequest({ model: 'claude-opus-5-5', messages: [messages[2], messages[3], messages[4]] }));
    await postMessages(gw.url('an'), clean);
    expect(an.last.raw).toBe(clean);
  });

  it('drops an assistant turn that held only foreign thinking instead of sending it empty', async () => {
    const envelope = encodeEnvelope({ provider: 'oa', model: 'gpt-x' });
    const messages = [
      { role: 'user', content: 'first' },
      { role: 'assistant', content: [{ type: 'thinking', thinking: 'only a thought', signature: envelope }] },
      { role: 'user', content: 'second' },
    ];
    expect((await postMessages(gw.url('an'), minimalRequest({ model: 'claude-opus-5-5', messages }))).status).toBe(200);
    expect(an.last.body.messages).toEqual([messages[0], messages[2]]);
  });

  it('forwards anthropic-version, anthropic-beta and Claude Code identity headers; defaults the version', async () => {
    const headers = {
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27',
      'user-agent': 'claude-cli/2.1.330 (external, sdk-cli)',
      'x-app': 'cli',
      'x-claude-code-session-id': '7d3c1c52-0000-4000-8000-000000000001',
      'x-api-key': 'client-key',
    };
    await postMessages(gw.url('an'), minimalRequest(), headers);
    const h = an.last.headers;
    for (const name of ['anthropic-version', 'anthropic-beta', 'user-agent', 'x-app', 'x-claude-code-session-id'] as const) expect(h[name]).toBe(headers[name]);
    expect(h['x-switchboard-hop']).toBe('1');

    await fetch(gw.url('an') + '/v1/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(minimalRequest()) });
    expect(an.last.headers['anthropic-version']).toBe('2023-06-01');
    expect(an.last.headers['anthropic-beta']).toBeUndefined();
  });

  it('a configured key replaces the client credentials', async () => {
    await postMessages(gw.url('an'), minimalRequest(), { 'x-api-key': 'sk-client-own', authorization: 'Bearer client-oauth-token' });
    expect(an.last.headers['x-api-key']).toBe('sk-ant-pass-secret');
    expect(an.last.headers.authorization).toBeUndefined();
    expect(an.last.raw).not.toContain('sk-client-own');
  });

  it('forwardClientAuth with no key forwards the client x-api-key or Authorization', async () => {
    await postMessages(gw.url('fw'), minimalRequest(), { 'x-api-key': 'sk-ant-user-own-key' });
    expect(fw.last.headers['x-api-key']).toBe('sk-ant-user-own-key');
    expect(fw.last.headers.authorization).toBeUndefined();

    await postMessages(gw.url('fw'), minimalRequest(), { authorization: 'Bearer sk-ant-oat01-subscription' });
    expect(fw.last.headers.authorization).toBe('Bearer sk-ant-oat01-subscription');
    expect(fw.last.headers['x-api-key']).toBeUndefined();

    const health = await (await fetch(gw.url('fw') + '/health')).json();
    expect(health.providers[0].key).toBe('client');
  });

  it('non-streaming: returns the upstream JSON as sent, with rate-limit headers and request-id', async () => {
    let sentText = '';
    an.next((_req, res) => {
      const msg = anthropicMessage('exact bytes', 'claude-sonnet-5-5', { container: null, future_field: { a: [1, 2] } });
      sentText = JSON.stringify(msg, null, 1);
      res.writeHead(200, { 'content-type': 'application/json', ...RATE_HEADERS });
      res.end(sentText);
    });
    const res = await postMessages(gw.url('an'), minimalRequest());
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(sentText);
    for (const [k, v] of Object.entries(RATE_HEADERS)) expect(res.headers.get(k)).toBe(v);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('streaming: relays rate-limit headers and request-id', async () => {
    const res = await postMessages(gw.url('an'), minimalRequest({ stream: true }));
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    for (const [k, v] of Object.entries(RATE_HEADERS)) expect(res.headers.get(k)).toBe(v);
    await res.text();
  });

  it('sets the x-switchboard-* transparency headers', async () => {
    const res = await postMessages(gw.url('lm'), minimalRequest());
    expect(res.headers.get('x-switchboard-provider')).toBe('lm');
    expect(res.headers.get('x-switchboard-model')).toBe('qwen3');
    expect(res.headers.get('x-switchboard-attempts')).toBe('1');
    const streamed = await postMessages(gw.url('an'), minimalRequest({ stream: true }));
    expect(streamed.headers.get('x-switchboard-provider')).toBe('an');
    expect(streamed.headers.get('x-switchboard-model')).toBe('claude-sonnet-5-5');
    await streamed.text();
  });

  it('an upstream 429 reaches the client as a 429 with retry-after, rate-limit headers and request-id', async () => {
    an.next((_req, res) =>
      json(res, 429, { type: 'error', error: { type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit' } }, { 'retry-after': '7', ...RATE_HEADERS, 'anthropic-ratelimit-unified-status': 'rejected' }),
    );
    const res = await postMessages(gw.url('an'), minimalRequest());
    await expectErrorResponse(res, 429, 'rate_limit_error', /per-minute rate limit/);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.headers.get('anthropic-ratelimit-unified-status')).toBe('rejected');
    expect(res.headers.get('anthropic-ratelimit-requests-remaining')).toBe('3999');
    expect(res.headers.get('request-id')).toBe('req_upstream_123');
  });

  it('an upstream invalid_request_error keeps its status, type and words', async () => {
    an.next((_req, res) => json(res, 400, { type: 'error', error: { type: 'invalid_request_error', message: 'messages.1.content.0: unexpected tool_use_id' } }));
    await expectErrorResponse(await postMessages(gw.url('an'), minimalRequest()), 400, 'invalid_request_error', /unexpected tool_use_id/);
  });

  it('works end to end with the Anthropic SDK, streaming and not', async () => {
    const client = new Anthropic({ baseURL: gw.url('lm'), apiKey: 'x', maxRetries: 0 });
    const streamed = await client.messages.stream({ model: 'claude-sonnet-5-5', max_tokens: 64000, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    expect(streamed.content[0]).toMatchObject({ type: 'text', text: 'streamed' });
    expect(lm.last.body).toMatchObject({ model: 'qwen3', max_tokens: 8192, stream: true });
    const whole = await client.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    expect(whole.content[0]).toMatchObject({ type: 'text', text: 'whole' });
  });
});

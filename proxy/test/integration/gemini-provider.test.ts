// The Google AI Studio provider around the gemini dialect, over real sockets:
// Google error bodies (RESOURCE_EXHAUSTED with RetryInfo, API_KEY_INVALID, token
// overflow), failover on the router port, 200-then-error before content, the usage
// ledger priced from the Gemini table, the paginated catalog, count_tokens and the
// health probe.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accumulateMessage, assertValidAnthropicStream } from '../anthropic-stream.js';
import { errorInfo, gChunk, retryInfo, serveGemini, serveGoogleError } from '../gemini-upstream.js';
import { startGateway, type RunningGateway } from '../gateway.js';
import { JSON_HEADERS } from '../http.js';
import { chunk, json, openaiStream, ScriptedUpstream, sse, usageChunk } from '../upstream.js';
import { fromDbRow } from '../../usage/ledger/index.js';
import { expectAnthropicError, messagesBody, post, readSse, waitFor } from './_helpers.js';

const KEY = 'AIza-provider-test-secret-5678';
const backupOk = (text: string) => openaiStream([chunk({ role: 'assistant', content: text }), chunk({}, 'stop'), usageChunk(10, 2)]);

describe('Google AI Studio provider', () => {
  let up: ScriptedUpstream;
  let b: ScriptedUpstream;
  let gw: RunningGateway;

  beforeAll(async () => {
    [up, b] = await Promise.all([ScriptedUpstream.start(), ScriptedUpstream.start()]);
    gw = await startGateway({
      server: { timeouts: { connectMs: 1000, firstByteMs: 3000, idleMs: 3000 } },
      providers: {
        gem: { type: 'aistudio', baseUrl: up.url + '/v1beta', apiKey: KEY },
        backup: { type: 'openai-compatible', baseUrl: b.url, apiKey: 'sk-backup-1234', models: { sonnet: 'b-model' } },
      },
      router: { order: ['gem', 'backup'] },
    });
  });
  afterAll(async () => {
    await gw.close();
    await Promise.all([up.close(), b.close()]);
  });
  beforeEach(() => {
    gw.gateway.router.reset();
    up.requests.length = 0;
    b.requests.length = 0;
  });

  const quota = [retryInfo('37s'), { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests' }] }];

  it('RESOURCE_EXHAUSTED on a pinned port → 429 rate_limit_error with retry-after from RetryInfo', async () => {
    up.next((_req, res) => serveGoogleError(res, 429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota.', quota));
    const res = await post(gw.url('gem'), messagesBody({ stream: true }));
    expect(res.headers.get('retry-after')).toBe('37');
    expect(await expectAnthropicError(res, 429, 'rate_limit_error')).toMatch(/exceeded your current quota/);
  });

  it('RESOURCE_EXHAUSTED on the router → fails over, and the provider stays out for the RetryInfo delay', async () => {
    up.next((_req, res) => serveGoogleError(res, 429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota.', quota));
    b.next((_req, res) => sse(res, backupOk('from backup')));
    const res = await post(gw.url('router'), messagesBody({ stream: true }));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchboard-provider')).toBe('backup');
    expect(res.headers.get('x-switchboard-fallback')).toBe('gem:429');
    expect(accumulateMessage((await readSse(res)).events).content).toEqual([{ type: 'text', text: 'from backup' }]);
    const failover = gw.gateway.router.events.recent().filter((e) => e.type === 'failover').map((e) => e.reason);
    expect(failover).toContain('gem 429, retry after 37 s → backup');
    // The rate-limit tracker read the delay from Google's body (there are no rate-limit headers).
    const wait = gw.gateway.router.runtime('gem').limits.retryAfterMs();
    expect(wait).toBeGreaterThan(35_000);
    expect(wait).toBeLessThanOrEqual(37_000);

    // The next request goes straight to the backup.
    b.next((_req, res) => sse(res, backupOk('again from backup')));
    const again = await post(gw.url('router'), messagesBody({ stream: true }));
    expect(again.headers.get('x-switchboard-provider')).toBe('backup');
    await again.text();
    expect(up.requests).toHaveLength(1);
  });

  it('a bad AI Studio key (400 INVALID_ARGUMENT, API_KEY_INVALID) → 401 authentication_error, key never echoed', async () => {
    up.next((_req, res) => serveGoogleError(res, 400, 'INVALID_ARGUMENT', `API key not valid. Please pass a valid API key. (${KEY})`, [errorInfo('API_KEY_INVALID')]));
    const message = await expectAnthropicError(await post(gw.url('gem'), messagesBody()), 401, 'authentication_error');
    expect(message).toMatch(/API key not valid/);
    expect(message).not.toContain(KEY);
  });

  it("a token overflow keeps Anthropic's \"prompt is too long\" wording (Claude Code compacts on it)", async () => {
    up.next((_req, res) => serveGoogleError(res, 400, 'INVALID_ARGUMENT', 'The input token count (1234567) exceeds the maximum number of tokens allowed (1048576).'));
    const message = await expectAnthropicError(await post(gw.url('gem'), messagesBody({ stream: true })), 400, 'invalid_request_error');
    expect(message).toMatch(/^prompt is too long/);
  });

  it('503 UNAVAILABLE → 529 overloaded_error', async () => {
    up.next((_req, res) => serveGoogleError(res, 503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.'));
    await expectAnthropicError(await post(gw.url('gem'), messagesBody()), 529, 'overloaded_error');
  });

  describe('200 and then an error before any content', () => {
    const inStream = { error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' } };

    it('falls back on the router', async () => {
      up.next((_req, res) => serveGemini(res, [inStream]));
      b.next((_req, res) => sse(res, backupOk('backup after gemini failed')));
      const res = await post(gw.url('router'), messagesBody({ stream: true }));
      expect(res.status).toBe(200);
      expect(res.headers.get('x-switchboard-fallback')).toBe('gem:429');
      const { events } = await readSse(res);
      assertValidAnthropicStream(events);
      expect(accumulateMessage(events).content).toEqual([{ type: 'text', text: 'backup after gemini failed' }]);
    });

    it('a pinned port answers with the HTTP status instead', async () => {
      up.next((_req, res) => serveGemini(res, [{ error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } }]));
      await expectAnthropicError(await post(gw.url('gem'), messagesBody({ stream: true })), 529, 'overloaded_error');
    });
  });

  it('records one ledger row: tokens with cache reads split out, cost from the Gemini 2.5 Pro price', async () => {
    up.next((_req, res) =>
      serveGemini(res, [gChunk([{ text: 'priced' }], { finish: 'STOP', usage: { promptTokenCount: 10_000, cachedContentTokenCount: 4_000, candidatesTokenCount: 300, thoughtsTokenCount: 200 } })]),
    );
    await readSse(await post(gw.url('gem'), messagesBody({ stream: true }), { headers: { 'x-claude-code-session-id': 'sess-gemini-1' } }));
    const ledger = gw.gateway.ledger!;
    ledger.flush();
    const row = fromDbRow(ledger.db.prepare('SELECT * FROM requests ORDER BY id DESC LIMIT 1').get() as Record<string, unknown>);
    expect(row).toMatchObject({ provider: 'gem', upstreamModel: 'gemini-2.5-pro', requestedModel: 'claude-sonnet-5-5', status: 200, inputTokens: 6_000, cacheReadTokens: 4_000, cacheWriteTokens: 0, outputTokens: 500, sessionId: 'sess-gemini-1', stream: true });
    // $1.25/M uncached input, $0.125/M cache reads, $10/M output (thinking included).
    expect(row.costUsd).toBeCloseTo(6_000 * 1.25e-6 + 4_000 * 0.125e-6 + 500 * 10e-6, 9);
  });

  it('count_tokens asks {model}:countTokens with the whole request wrapped, and answers {input_tokens}', async () => {
    up.next((_req, res) => json(res, 200, { totalTokens: 4321, promptTokensDetails: [{ modality: 'TEXT', tokenCount: 4321 }] }));
    const body = { model: 'claude-sonnet-5-5', system: 'You are terse.', tools: [{ name: 'Bash', input_schema: { type: 'object', properties: { command: { type: 'string' } } } }], messages: [{ role: 'user', content: 'count me' }] };
    const res = await fetch(gw.url('gem') + '/v1/messages/count_tokens?beta=true', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchboard-count')).toBe('upstream');
    expect(await res.json()).toEqual({ input_tokens: 4321 });
    const req = up.last;
    expect(req.url).toBe('/v1beta/models/gemini-2.5-pro:countTokens');
    expect(req.headers['x-goog-api-key']).toBe(KEY);
    expect(req.body).toEqual({
      generateContentRequest: {
        model: 'models/gemini-2.5-pro',
        contents: [{ role: 'user', parts: [{ text: 'count me' }] }],
        systemInstruction: { parts: [{ text: 'You are terse.' }] },
        tools: [{ functionDeclarations: [{ name: 'Bash', parameters: { type: 'object', properties: { command: { type: 'string' } } } }] }],
      },
    });

    // A failing upstream count falls back to the local tokenizer.
    up.next((_req, res) => serveGoogleError(res, 500, 'INTERNAL', 'boom'));
    const local = await fetch(gw.url('gem') + '/v1/messages/count_tokens', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) });
    expect(local.headers.get('x-switchboard-count')).toBe('local');
    expect((await local.json()).input_tokens).toBeGreaterThan(5);
  });
});

describe('Google AI Studio catalog and health probe', () => {
  let up: ScriptedUpstream;
  let down: ScriptedUpstream;
  let gw: RunningGateway;

  const page1 = {
    models: [
      { name: 'models/gemini-2.5-pro', displayName: 'Gemini 2.5 Pro', supportedGenerationMethods: ['generateContent', 'countTokens', 'createCachedContent'] },
      { name: 'models/text-embedding-004', displayName: 'Text Embedding 004', supportedGenerationMethods: ['embedContent'] },
    ],
    nextPageToken: 'page-2-token',
  };
  const page2 = { models: [{ name: 'models/gemini-3-pro-preview', displayName: 'Gemini 3 Pro Preview', supportedGenerationMethods: ['generateContent', 'countTokens'] }] };

  beforeAll(async () => {
    [up, down] = await Promise.all([ScriptedUpstream.start(), ScriptedUpstream.start()]);
    down.otherwise((_req, res) => serveGoogleError(res, 500, 'INTERNAL', 'catalog down'));
    gw = await startGateway({
      providers: {
        gem: { type: 'aistudio', baseUrl: up.url + '/v1beta', apiKey: KEY },
        gemdown: { type: 'aistudio', baseUrl: down.url + '/v1beta', apiKey: KEY, modelMap: { 'my-pick': 'gemini-2.0-flash' } },
      },
      router: { order: ['gem', 'gemdown'] },
    });
  });
  afterAll(async () => {
    await gw.close();
    await Promise.all([up.close(), down.close()]);
  });

  it('lists generateContent models from every page of GET {base}/models, without the models/ prefix', async () => {
    up.next((_req, res) => json(res, 200, page1));
    up.next((_req, res) => json(res, 200, page2));
    const list = await (await fetch(gw.url('gem') + '/v1/models?limit=100')).json();
    const ids: string[] = list.data.map((m: { id: string }) => m.id);
    expect(ids.slice(0, 3)).toEqual(['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5']);
    expect(list.data[1].display_name).toBe('Claude Sonnet → gemini-2.5-pro (Google AI Studio (gem))');
    expect(ids).toEqual(expect.arrayContaining(['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-3-pro-preview']));
    expect(ids).not.toContain('text-embedding-004');
    expect(list.data.find((m: { id: string }) => m.id === 'gemini-3-pro-preview').display_name).toBe('Google AI Studio (gem): Gemini 3 Pro Preview');

    const [first, second] = up.requests;
    expect(first.method).toBe('GET');
    expect(first.url).toBe('/v1beta/models?pageSize=1000');
    expect(second.url).toBe('/v1beta/models?pageSize=1000&pageToken=page-2-token');
    expect(first.headers['x-goog-api-key']).toBe(KEY);
  });

  it('the router port lists provider,model ids; a failing catalog still shows the configured models', async () => {
    const list = await (await fetch(gw.url('router') + '/v1/models?limit=100')).json();
    const ids: string[] = list.data.map((m: { id: string }) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['gem,gemini-3-pro-preview', 'gemdown,gemini-2.5-pro', 'gemdown,gemini-2.5-flash', 'gemdown,gemini-2.0-flash']));
    expect(down.requests.some((r) => r.url.startsWith('/v1beta/models'))).toBe(true);
  });

  it('the health probe GETs the model list (no tokens spent) with the key', async () => {
    const probed = await startGateway({ providers: { gem: { type: 'aistudio', baseUrl: up.url + '/v1beta', apiKey: KEY } } }, {}, { healthProbes: { intervalMs: 50 } });
    try {
      const before = up.requests.length;
      up.otherwise((_req, res) => json(res, 200, page2));
      await waitFor(() => probed.gateway.router.lastProbe('gem') !== null, 3000, 'a health probe');
      expect(probed.gateway.router.lastProbe('gem')).toMatchObject({ ok: true, status: 200 });
      const probe = up.requests.slice(before).find((r) => r.method === 'GET')!;
      expect(probe.url).toBe('/v1beta/models');
      expect(probe.headers['x-goog-api-key']).toBe(KEY);
      expect(up.requests.slice(before).every((r) => r.method === 'GET')).toBe(true);
    } finally {
      await probed.close();
    }
  });
});

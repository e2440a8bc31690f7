// Upstream failures before the first client byte: every one must reach the client
// as an Anthropic error status + body that Claude Code's retry policy understands.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../gateway.js';
import { json, ScriptedUpstream, sleep } from '../upstream.js';
import { closedPort, expectAnthropicError, messagesBody, post } from './_helpers.js';

const KEY = 'sk-acme-0123456789abcdefSECRET';
const FIRST_BYTE_MS = 300;

describe('faults: upstream errors before the first byte (openai-chat)', () => {
  let up: ScriptedUpstream;
  let gw: RunningGateway;
  let deadPort: number;

  beforeAll(async () => {
    up = await ScriptedUpstream.start();
    deadPort = await closedPort();
    gw = await startGateway({
      server: { timeouts: { connectMs: 1000, firstByteMs: FIRST_BYTE_MS, idleMs: 1000 } },
      providers: {
        acme: { type: 'openai-compatible', label: 'Acme Cloud', baseUrl: up.url, apiKey: KEY, models: { sonnet: 'acme-large' } },
        dead: { type: 'openai-compatible', label: 'Dead Host', baseUrl: `http://127.0.0.1:${deadPort}/v1`, apiKey: 'sk-dead-0123456789' },
      },
    });
  });
  // Each case starts from a fresh router: no breaker, cooldown or rate-limit state from the last one.
  beforeEach(() => gw.gateway.router.reset());
  afterAll(async () => {
    await gw.close();
    await up.close();
  });

  const stream = messagesBody({ stream: true });

  it('429 with retry-after: 7 → 429 rate_limit_error, retry-after 7', async () => {
    up.next((_req, res) => json(res, 429, { error: { message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' } }, { 'retry-after': '7' }));
    const res = await post(gw.url('acme'), stream);
    const msg = await expectAnthropicError(res, 429, 'rate_limit_error');
    expect(res.headers.get('retry-after')).toBe('7');
    expect(msg).toContain('Rate limit reached for requests');
    expect(res.headers.get('x-switchboard-provider')).toBe('acme');
  });

  it('429 with only x-ratelimit-reset-requests: 6m0s → retry-after 360', async () => {
    up.next((_req, res) => json(res, 429, { error: { message: 'slow down' } }, { 'x-ratelimit-reset-requests': '6m0s' }));
    const res = await post(gw.url('acme'), stream);
    await expectAnthropicError(res, 429, 'rate_limit_error');
    expect(res.headers.get('retry-after')).toBe('360');
  });

  it('the SDK sees a RateLimitError (status 429) for an upstream 429', async () => {
    up.next((_req, res) => json(res, 429, { error: { message: 'quota' } }, { 'retry-after': '7' }));
    const client = new Anthropic({ baseURL: gw.url('acme'), apiKey: 'x', maxRetries: 0 });
    const err = await client.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    expect((err as InstanceType<typeof Anthropic.RateLimitError>).status).toBe(429);
  });

  it('500 → 500 api_error', async () => {
    up.next((_req, res) => json(res, 500, { error: { message: 'The server had an error while processing your request' } }));
    const res = await post(gw.url('acme'), stream);
    const msg = await expectAnthropicError(res, 500, 'api_error');
    expect(msg).toContain('The server had an error');
  });

  it.each([502, 503])('%i → 529 overloaded_error', async (status) => {
    up.next((_req, res) => json(res, status, { error: { message: 'upstream unavailable' } }));
    const res = await post(gw.url('acme'), stream);
    const msg = await expectAnthropicError(res, 529, 'overloaded_error');
    expect(msg).toContain('upstream unavailable');
  });

  it('401 → 401 authentication_error naming the provider, with the echoed key redacted', async () => {
    up.next((_req, res) => json(res, 401, { error: { message: `Incorrect API key provided: ${KEY}. You can find your API key at https://acme.example/keys.`, type: 'invalid_request_error', code: 'invalid_api_key' } }));
    const res = await post(gw.url('acme'), stream);
    expect(up.last.headers.authorization).toBe(`Bearer ${KEY}`);
    const headers = JSON.stringify([...res.headers]);
    const msg = await expectAnthropicError(res, 401, 'authentication_error');
    expect(msg).toContain('Acme Cloud');
    expect(msg).toContain('Incorrect API key provided');
    expect(msg).not.toContain(KEY);
    expect(msg).not.toContain('0123456789abcdef');
    expect(headers).not.toContain(KEY);
  });

  it('400 with an OpenAI error body → 400 invalid_request_error with the upstream message', async () => {
    up.next((_req, res) => json(res, 400, { error: { message: "Invalid value for 'tool_choice': unknown tool 'Nope'.", type: 'invalid_request_error', param: 'tool_choice', code: null } }));
    const res = await post(gw.url('acme'), stream);
    const msg = await expectAnthropicError(res, 400, 'invalid_request_error');
    expect(msg).toContain("Invalid value for 'tool_choice': unknown tool 'Nope'.");
    expect(res.headers.get('retry-after')).toBeNull();
  });

  it('400 "maximum context length" → 400 whose message says "prompt is too long"', async () => {
    up.next((_req, res) =>
      json(res, 400, { error: { message: "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens.", type: 'invalid_request_error', code: 'context_length_exceeded' } }),
    );
    const res = await post(gw.url('acme'), stream);
    const msg = await expectAnthropicError(res, 400, 'invalid_request_error');
    expect(msg).toContain('prompt is too long');
    expect(msg).toContain('maximum context length is 128000 tokens');
  });

  it('404 → 404 not_found_error', async () => {
    up.next((_req, res) => json(res, 404, { error: { message: 'The model `acme-large` does not exist', code: 'model_not_found' } }));
    const res = await post(gw.url('acme'), stream);
    const msg = await expectAnthropicError(res, 404, 'not_found_error');
    expect(msg).toContain('does not exist');
  });

  it('an HTML error page → its text, not markup', async () => {
    up.next((_req, res) => {
      res.writeHead(503, { 'content-type': 'text/html' });
      res.end('<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>');
    });
    const res = await post(gw.url('acme'), stream);
    const msg = await expectAnthropicError(res, 529, 'overloaded_error');
    expect(msg).toContain('503 Service Temporarily Unavailable');
    expect(msg).not.toContain('<h1>');
  });

  it('upstream hangs before headers → 504 timeout_error within firstByteMs', async () => {
    up.next(() => {
      /* never answers */
    });
    const t0 = Date.now();
    const res = await post(gw.url('acme'), stream);
    const elapsed = Date.now() - t0;
    await expectAnthropicError(res, 504, 'timeout_error');
    expect(elapsed).toBeGreaterThanOrEqual(FIRST_BYTE_MS - 20);
    // undici runs headers/body timeouts on its coarse "fast timers" (about 1 s resolution).
    expect(elapsed).toBeLessThan(FIRST_BYTE_MS + 1300);
  });

  it('connection refused → 502 api_error naming the provider', async () => {
    const t0 = Date.now();
    const res = await post(gw.url('dead'), stream);
    const msg = await expectAnthropicError(res, 502, 'api_error');
    expect(msg).toContain('Dead Host');
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it('upstream resets the socket before headers → 502 api_error', async () => {
    up.next((_req, res) => {
      res.socket?.resetAndDestroy();
    });
    const res = await post(gw.url('acme'), stream);
    await expectAnthropicError(res, 502, 'api_error');
  });

  it('upstream closes the socket before headers (FIN) → 502 api_error', async () => {
    up.next((_req, res) => {
      res.socket?.end();
    });
    const res = await post(gw.url('acme'), stream);
    await expectAnthropicError(res, 502, 'api_error');
  });

  it('upstream sends headers then hangs on a non-streaming request → 504 timeout_error, not a truncated 200', async () => {
    up.next((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id":"chatcmpl-1","object":"chat.completion",');
    });
    const res = await post(gw.url('acme'), messagesBody());
    await expectAnthropicError(res, 504, 'timeout_error');
  });

  it('non-streaming: invalid JSON from upstream → 502 api_error', async () => {
    up.next((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":"chatcmpl-1","choices":[{"message":');
    });
    const res = await post(gw.url('acme'), messagesBody());
    const msg = await expectAnthropicError(res, 502, 'api_error');
    expect(msg.toLowerCase()).toContain('acme');
  });

  it('non-streaming: a JSON body that is not a chat completion → 502 api_error', async () => {
    up.next((_req, res) => json(res, 200, { object: 'list', data: [] }));
    const res = await post(gw.url('acme'), messagesBody());
    await expectAnthropicError(res, 502, 'api_error');
  });

  it('200 carrying only an {"error":{...}} object that echoes the key → 502 api_error, key redacted', async () => {
    for (const stream of [false, true]) {
      up.next((_req, res) => json(res, 200, { error: { code: 502, message: `upstream provider failed for key ${KEY}` } }));
      const res = await post(gw.url('acme'), messagesBody({ stream }));
      const msg = await expectAnthropicError(res, 502, 'api_error');
      expect(msg).toContain('upstream provider failed');
      expect(msg).not.toContain(KEY);
    }
  });

  it('non-streaming: corrupt gzip body → 502 api_error', async () => {
    up.next((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end('this is not gzip');
    });
    const res = await post(gw.url('acme'), messagesBody());
    const msg = await expectAnthropicError(res, 502, 'api_error');
    expect(msg).toContain('gzip');
  });

  it('non-streaming: an HTML 200 (captive portal) → 502 api_error', async () => {
    up.next((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>login required</html>');
    });
    const res = await post(gw.url('acme'), messagesBody());
    await expectAnthropicError(res, 502, 'api_error');
  });

  it('non-streaming: upstream resets mid-body → 502 api_error', async () => {
    up.next(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id":"chatcmpl-1","object":"chat.completion","choices":[');
      await sleep(50);
      res.socket?.resetAndDestroy();
    });
    const res = await post(gw.url('acme'), messagesBody());
    await expectAnthropicError(res, 502, 'api_error');
  });
});

import { describe, expect, it } from 'vitest';
import { secretRedactor } from '../log.js';
import { parseDuration, retryAfterSeconds, transportError, upstreamErrorMessage, upstreamHttpError } from './errors.js';

const same = (s: string) => s;

describe('parseDuration', () => {
  it.each<[string, number]>([
    ['30', 30],
    ['1.5', 1.5],
    ['30s', 30],
    ['6m0s', 360],
    ['1h2m3.5s', 3723.5],
    ['12ms', 0.012],
    ['1m30s', 90],
    ['2h', 7200],
    ['0s', 0],
    [' 20s ', 20],
  ])('%s → %s s', (value, seconds) => {
    expect(parseDuration(value)).toBeCloseTo(seconds, 6);
  });

  it.each(['', 'soon', '5 minutes', '1d', '10x', 's', '-5s', '1m foo'])('%s is not a duration', (value) => {
    expect(parseDuration(value)).toBeUndefined();
  });
});

describe('retryAfterSeconds', () => {
  it('reads retry-after in seconds', () => {
    expect(retryAfterSeconds({ 'retry-after': '7' })).toBe(7);
    expect(retryAfterSeconds({ 'retry-after': '0.5' })).toBe(0.5);
  });

  it('reads retry-after as an HTTP date', () => {
    const at = new Date(Date.now() + 30_000).toUTCString();
    const s = retryAfterSeconds({ 'retry-after': at })!;
    expect(s).toBeGreaterThan(27);
    expect(s).toBeLessThanOrEqual(30);
    expect(retryAfterSeconds({ 'retry-after': new Date(Date.now() - 60_000).toUTCString() })).toBe(0);
  });

  it('prefers retry-after-ms', () => {
    expect(retryAfterSeconds({ 'retry-after-ms': '1500', 'retry-after': '9' })).toBe(1.5);
  });

  it('falls back to OpenAI reset durations, taking the longer', () => {
    expect(retryAfterSeconds({ 'x-ratelimit-reset-requests': '1s', 'x-ratelimit-reset-tokens': '6m0s' })).toBe(360);
    expect(retryAfterSeconds({ 'x-ratelimit-reset-tokens': '250ms' })).toBe(0.25);
  });

  it('is undefined without a usable header', () => {
    expect(retryAfterSeconds({})).toBeUndefined();
    expect(retryAfterSeconds({ 'retry-after': 'later' })).toBeUndefined();
    expect(retryAfterSeconds({ 'x-ratelimit-reset-requests': 'soon' })).toBeUndefined();
  });

  it('takes the first of repeated headers', () => {
    expect(retryAfterSeconds({ 'retry-after': ['3', '9'] as unknown as string })).toBe(3);
  });
});

describe('upstreamErrorMessage', () => {
  it.each<[string, string, string]>([
    ['OpenAI', JSON.stringify({ error: { message: 'Rate limit reached for gpt-4o', type: 'requests', param: null, code: 'rate_limit_exceeded' } }), 'Rate limit reached for gpt-4o'],
    ['Anthropic', JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' }, request_id: 'req_1' }), 'Overloaded'],
    ['Google', JSON.stringify({ error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' } }), 'Resource has been exhausted (e.g. check quota).'],
    ['OpenRouter', JSON.stringify({ error: { message: 'Provider returned error', code: 502, metadata: { raw: 'x' } } }), 'Provider returned error'],
    ['a string error', JSON.stringify({ error: 'model not found' }), 'model not found'],
    ['a top-level message', JSON.stringify({ message: 'Bad credentials', documentation_url: 'https://docs.github.com' }), 'Bad credentials'],
    ['FastAPI detail', JSON.stringify({ detail: 'Not Found' }), 'Not Found'],
    ['plain text', 'upstream connect error or disconnect/reset before headers', 'upstream connect error or disconnect/reset before headers'],
    ['empty', '   ', ''],
  ])('%s', (_name, body, expected) => {
    expect(upstreamErrorMessage(body)).toBe(expected);
  });

  it("Google's array-wrapped error falls back to its text", () => {
    const body = JSON.stringify([{ error: { code: 400, message: 'Invalid JSON payload', status: 'INVALID_ARGUMENT' } }]);
    expect(upstreamErrorMessage(body)).toContain('Invalid JSON payload');
  });

  it('an HTML page becomes its text, without tags, collapsed and bounded', () => {
    const html = `<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body>\n<center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx</center>\n</body></html>`;
    const msg = upstreamErrorMessage(html);
    expect(msg).not.toMatch(/[<>]/);
    expect(msg).toContain('502 Bad Gateway');
    expect(msg).toContain('nginx');
    expect(msg).not.toMatch(/\s{2,}/);
    expect(upstreamErrorMessage(`<p>${'x'.repeat(2000)}</p>`).length).toBeLessThanOrEqual(500);
  });

  it('JSON without a message field falls back to its text', () => {
    expect(upstreamErrorMessage('{"status":"fail"}')).toBe('{"status":"fail"}');
  });
});

describe('upstreamHttpError', () => {
  const err = (status: number, message = 'upstream words', headers = {}) => upstreamHttpError(status, headers, message, 'Acme', same);

  it.each<[number, number, string, boolean]>([
    [400, 400, 'invalid_request_error', false],
    [401, 401, 'authentication_error', false],
    [402, 402, 'billing_error', false],
    [403, 403, 'permission_error', false],
    [404, 404, 'not_found_error', false],
    [408, 504, 'timeout_error', true],
    [409, 409, 'conflict_error', true],
    [413, 413, 'request_too_large', false],
    [422, 400, 'invalid_request_error', false],
    [429, 429, 'rate_limit_error', true],
    [500, 500, 'api_error', true],
    [502, 529, 'overloaded_error', true],
    [503, 529, 'overloaded_error', true],
    [504, 504, 'timeout_error', true],
    [529, 529, 'overloaded_error', true],
    [418, 418, 'invalid_request_error', false],
  ])('HTTP %s → %s %s (retryable %s)', (upstream, status, type, retryable) => {
    const e = err(upstream);
    expect(e.status).toBe(status);
    expect(e.type).toBe(type);
    expect(e.retryable).toBe(retryable);
    expect(e.message).toContain('Acme');
    expect(e.message).toContain('upstream words');
  });

  it('keeps "prompt is too long" for context overflows so Claude Code compacts', () => {
    for (const words of ["This model's maximum context length is 128000 tokens", 'context_length_exceeded', 'prompt is too long: 210000 tokens > 200000 maximum', 'Input exceeds the context window']) {
      const e = err(400, words);
      expect(e.status).toBe(400);
      expect(e.message).toMatch(/^prompt is too long/);
    }
  });

  it('carries retry-after and, on 429, the Anthropic rate-limit headers and request-id', () => {
    const e = err(429, 'slow down', { 'retry-after': '12', 'anthropic-ratelimit-unified-reset': '1763726400', 'request-id': 'req_9', 'x-other': 'no' });
    expect(e.retryAfter).toBe(12);
    expect(e.headers).toEqual({ 'retry-after': '12', 'anthropic-ratelimit-unified-reset': '1763726400', 'request-id': 'req_9' });
    expect(err(529, 'busy', { 'retry-after': '3' }).headers['retry-after']).toBe('3');
    expect(err(400, 'bad', { 'retry-after': '3' }).headers['retry-after']).toBeUndefined();
  });

  it('redacts secrets and bounds the length', () => {
    const redact = secretRedactor(['sk-live-123456']);
    const e = upstreamHttpError(401, {}, 'Incorrect API key provided: sk-live-123456', 'Acme', redact);
    expect(e.message).not.toContain('sk-live-123456');
    expect(e.message).toContain('[redacted]');
    const long = upstreamHttpError(400, {}, 'y'.repeat(10_000), 'Acme', same);
    expect(long.message.length).toBeLessThan(2100);
    expect(err(500, '').message).toContain('HTTP 500');
  });
});

describe('transportError', () => {
  const withCode = (code: string, message = 'boom') => Object.assign(new Error(message), { code });

  it.each<[string, number, string]>([
    ['UND_ERR_HEADERS_TIMEOUT', 504, 'timeout_error'],
    ['UND_ERR_BODY_TIMEOUT', 504, 'timeout_error'],
    ['UND_ERR_CONNECT_TIMEOUT', 504, 'timeout_error'],
    ['ECONNREFUSED', 502, 'api_error'],
    ['ENOTFOUND', 502, 'api_error'],
    ['ECONNRESET', 502, 'api_error'],
    ['UND_ERR_SOCKET', 502, 'api_error'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 502, 'api_error'],
  ])('%s → %s %s, retryable', (code, status, type) => {
    const e = transportError(withCode(code), 'Acme');
    expect(e).toMatchObject({ status, type, retryable: true });
    expect(e.message).toContain('Acme');
  });
});

import { describe, expect, it } from 'vitest';
import { geminiError, geminiErrorType, parseGoogleError } from './errors.js';

const body = (status: string, code: number, message: string, details: unknown[] = []) => JSON.stringify({ error: { code, message, status, details } });
const RETRY = (delay: string) => ({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: delay });
const QUOTA = { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests' }] };

describe('geminiError', () => {
  it('RESOURCE_EXHAUSTED → 429 rate_limit_error with retry-after from RetryInfo', () => {
    const e = geminiError(429, body('RESOURCE_EXHAUSTED', 429, 'You exceeded your current quota.', [QUOTA, RETRY('37s')]));
    expect(e.status).toBe(429);
    expect(e.type).toBe('rate_limit_error');
    expect(e.retryable).toBe(true);
    expect(e.retryAfter).toBe(37);
    expect(e.headers['retry-after']).toBe('37');
    expect(e.message).toBe('Gemini rate limit: You exceeded your current quota.');
  });

  it('fractional delays round up; array bodies (non-SSE stream endpoint) and Buffers work; a real header wins', () => {
    expect(geminiError(429, Buffer.from(JSON.stringify([JSON.parse(body('RESOURCE_EXHAUSTED', 429, 'q', [RETRY('1.2s')]))]))).headers['retry-after']).toBe('2');
    expect(geminiError(429, body('RESOURCE_EXHAUSTED', 429, 'q', [RETRY('30s')]), { 'retry-after': '5' }).retryAfter).toBe(5);
    expect(geminiError(429, body('RESOURCE_EXHAUSTED', 429, 'q')).retryAfter).toBeUndefined();
  });

  it.each([
    ['UNAVAILABLE', 503, 529, 'overloaded_error', true],
    ['INTERNAL', 500, 500, 'api_error', true],
    ['DEADLINE_EXCEEDED', 504, 504, 'timeout_error', true],
    ['INVALID_ARGUMENT', 400, 400, 'invalid_request_error', false],
    ['PERMISSION_DENIED', 403, 403, 'permission_error', false],
    ['UNAUTHENTICATED', 401, 401, 'authentication_error', false],
    ['NOT_FOUND', 404, 404, 'not_found_error', false],
  ] as const)('%s (%i) → %i %s', (status, code, expected, type, retryable) => {
    const e = geminiError(code, body(status, code, 'detail'));
    expect([e.status, e.type, e.retryable]).toEqual([expected, type, retryable]);
    expect(e.message).toContain('detail');
  });

  it('the Google status wins over a misleading HTTP code', () => {
    expect(geminiError(500, body('RESOURCE_EXHAUSTED', 429, 'q')).status).toBe(429);
  });

  it('AI Studio reports a bad key as 400 INVALID_ARGUMENT / API_KEY_INVALID → 401', () => {
    const e = geminiError(400, body('INVALID_ARGUMENT', 400, 'API key not valid. Please pass a valid API key.', [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }]));
    expect([e.status, e.type]).toEqual([401, 'authentication_error']);
  });

  it('context overflow keeps "prompt is too long" so Claude Code compacts', () => {
    const e = geminiError(400, body('INVALID_ARGUMENT', 400, 'The input token count (1234567) exceeds the maximum number of tokens allowed (1048576).'));
    expect(e.status).toBe(400);
    expect(e.type).toBe('invalid_request_error');
    expect(e.message).toMatch(/^prompt is too long for Gemini: The input token count/);
    expect(e.retryable).toBe(false);
  });

  it('FAILED_PRECONDITION (region or billing) is a 400 another provider may still serve', () => {
    const e = geminiError(400, body('FAILED_PRECONDITION', 400, 'User location is not supported for the API use.'));
    expect([e.status, e.retryable]).toEqual([400, true]);
  });

  it('labels, redacts, and falls back for bodies that are not Google errors', () => {
    const e = geminiError(400, body('INVALID_ARGUMENT', 400, 'bad key AIzaSECRET'), {}, { label: 'Vertex AI Gemini', redact: (s) => s.replace('AIzaSECRET', '[redacted]') });
    expect(e.message).toBe('Vertex AI Gemini rejected the request: bad key [redacted]');
    expect(geminiError(502, '<html>Bad Gateway</html>').status).toBe(529);
    expect(geminiError(400, '{"message":"x"}').status).toBe(400);
  });

  it('parseGoogleError / geminiErrorType', () => {
    expect(parseGoogleError('nope')).toBeNull();
    expect(parseGoogleError(body('RESOURCE_EXHAUSTED', 429, 'm', [RETRY('2s'), RETRY('9s')]))?.retryDelay).toBe(9);
    expect(geminiErrorType({ status: 'UNAVAILABLE' })).toBe('overloaded_error');
    expect(geminiErrorType({ code: 429 })).toBe('rate_limit_error');
    expect(geminiErrorType({ code: 400, status: 'INVALID_ARGUMENT' })).toBe('invalid_request_error');
    expect(geminiErrorType({})).toBe('api_error');
  });
});

import { GatewayError } from '../protocol/anthropic/errors.js';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Turns a transport failure (no HTTP answer) into the error the client sees.
 * All of these are worth trying on another target.
 */
export function transportError(err: Error, label: string): GatewayError {
  const code = (err as { code?: string }).code ?? '';
  const msg = err.message;
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return new GatewayError(504, `${label} did not answer within the first-byte timeout`, { type: 'timeout_error', retryable: true });
  if (code === 'UND_ERR_BODY_TIMEOUT') return new GatewayError(504, `${label} went silent past the idle timeout`, { type: 'timeout_error', retryable: true });
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return new GatewayError(504, `could not connect to ${label} within the connect timeout`, { type: 'timeout_error', retryable: true });
  if (code === 'ECONNREFUSED') return new GatewayError(502, `${label} refused the connection (is it running?)`, { type: 'api_error', retryable: true });
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new GatewayError(502, `could not resolve ${label}'s host name`, { type: 'api_error', retryable: true });
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return new GatewayError(502, `${label} closed the connection unexpectedly`, { type: 'api_error', retryable: true });
  if (/certificate|tls|ssl/i.test(msg) || code.startsWith('ERR_TLS') || code.includes('CERT')) return new GatewayError(502, `TLS error talking to ${label}: ${msg}`, { type: 'api_error', retryable: true });
  return new GatewayError(502, `request to ${label} failed: ${msg}`, { type: 'api_error', retryable: true });
}

/** The retry policy's name for a transport failure. */
export function failureKind(err: Error): 'connect' | 'timeout' | 'reset' | 'tls' {
  const code = (err as { code?: string }).code ?? '';
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return 'timeout';
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'connect';
  if (/certificate|tls|ssl/i.test(err.message) || code.startsWith('ERR_TLS') || code.includes('CERT')) return 'tls';
  return 'reset';
}

const MAX_MESSAGE = 2000;

/**
 * Maps an upstream HTTP error to Anthropic's status and type, keeping the
 * upstream's own words. Upstream 502/503 mean "overloaded" to Claude Code (529);
 * context-overflow wording keeps "prompt is too long" so the client compacts.
 */
export function upstreamHttpError(status: number, headers: IncomingHttpHeaders, upstreamMessage: string, label: string, redact: (s: string) => string): GatewayError {
  let msg = redact(upstreamMessage).trim();
  if (msg.length > MAX_MESSAGE) msg = msg.slice(0, MAX_MESSAGE) + '…';
  const text = msg || `HTTP ${status}`;
  const retryAfter = retryAfterSeconds(headers);
  // Claude Code reads these on a 429 (subscription limits, reset times); request-id helps support.
  const forwarded: Record<string, string> = {};
  for (const [name, v] of Object.entries(headers)) {
    if ((name.startsWith('anthropic-ratelimit-') || name === 'request-id') && typeof v === 'string') forwarded[name] = v;
  }
  if (status === 400 && /context.length|context_length|maximum context|too many tokens|prompt is too long|exceeds the context/i.test(text)) {
    return new GatewayError(400, `prompt is too long for ${label}: ${text}`, { retryable: false });
  }
  switch (status) {
    case 400:
    case 422:
      return new GatewayError(400, `${label} rejected the request: ${text}`, { retryable: false });
    case 401:
      return new GatewayError(401, `${label} rejected the API key configured in Switchboard: ${text}`, { retryable: false });
    case 402:
      return new GatewayError(402, `${label} billing: ${text}`, { retryable: false });
    case 403:
      return new GatewayError(403, `${label} refused: ${text}`, { retryable: false });
    case 404:
      return new GatewayError(404, `${label}: ${text}`, { retryable: false });
    case 408:
    case 504:
      return new GatewayError(504, `${label} timed out: ${text}`, { type: 'timeout_error', retryable: true, retryAfter });
    case 409:
      return new GatewayError(409, `${label}: ${text}`, { retryable: true, retryAfter });
    case 413:
      return new GatewayError(413, `${label}: request too large: ${text}`, { retryable: false });
    case 429:
      return new GatewayError(429, `${label} rate limit: ${text}`, { retryable: true, retryAfter, headers: forwarded });
    case 502:
    case 503:
    case 529:
      return new GatewayError(529, `${label} is overloaded or unavailable: ${text}`, { type: 'overloaded_error', retryable: true, retryAfter });
    default:
      if (status >= 500) return new GatewayError(500, `${label} error ${status}: ${text}`, { retryable: true, retryAfter });
      return new GatewayError(status >= 400 && status < 500 ? status : 500, `${label} returned ${status}: ${text}`, { retryable: false });
  }
}

/** retry-after (seconds or HTTP date), retry-after-ms, or OpenAI-style reset durations ("6m0s", "12ms"). */
export function retryAfterSeconds(headers: IncomingHttpHeaders): number | undefined {
  const explicit = explicitRetryAfterSeconds(headers);
  if (explicit !== undefined) return explicit;
  const resets = [header(headers, 'x-ratelimit-reset-requests'), header(headers, 'x-ratelimit-reset-tokens')]
    .map((v) => (v ? parseDuration(v) : undefined))
    .filter((v): v is number => v !== undefined);
  if (resets.length) return Math.max(...resets);
  return undefined;
}

/** "1h2m3.5s", "6m0s", "12ms", "30s", or a bare number of seconds. */
export function parseDuration(value: string): number | undefined {
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let total = 0;
  let matched = '';
  for (let m = re.exec(v); m; m = re.exec(v)) {
    const n = Number(m[1]);
    total += m[2] === 'h' ? n * 3600 : m[2] === 'm' ? n * 60 : m[2] === 's' ? n : n / 1000;
    matched += m[0];
  }
  return matched.length === v.length && matched ? total : undefined;
}

/**
 * Only what the server said about retrying: retry-after-ms, then retry-after
 * (seconds or an HTTP date, measured from `now` so callers with a clock stay deterministic).
 */
export function explicitRetryAfterSeconds(headers: IncomingHttpHeaders, now: number = Date.now()): number | undefined {
  const ms = header(headers, 'retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Number(ms) / 1000;
  const ra = header(headers, 'retry-after');
  if (ra) {
    if (/^\d+(\.\d+)?$/.test(ra.trim())) return Number(ra);
    const date = Date.parse(ra);
    if (!Number.isNaN(date)) return Math.max(0, (date - now) / 1000);
  }
  return undefined;
}

/** First value of a header (Node gives repeated headers as arrays). */
export function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Pulls a human message out of an upstream error body (OpenAI, Anthropic, Google shapes, or text). */
export function upstreamErrorMessage(body: string): string {
  const trimmed = body.trim();
  if (!trimmed) return '';
  try {
    const j = JSON.parse(trimmed) as { error?: unknown; message?: unknown; detail?: unknown };
    const e = j.error;
    if (typeof e === 'string') return e;
    if (e && typeof e === 'object') {
      const m = (e as { message?: unknown }).message;
      if (typeof m === 'string') return m;
    }
    if (typeof j.message === 'string') return j.message;
    if (typeof j.detail === 'string') return j.detail;
  } catch {
    // not JSON: fall through to the text itself
  }
  return trimmed.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 500);
}

import type { IncomingHttpHeaders } from 'node:http';
import { errorTypeForStatus, GatewayError } from '../../protocol/anthropic/errors.js';
import type { ErrorType } from '../../protocol/anthropic/types.js';
import type { GeminiErrorObject } from '../../protocol/gemini/types.js';
import { parseDuration, upstreamHttpError } from '../../upstream/errors.js';

// Google errors → Anthropic errors (reference §2.3 "Errors", §3.7). Google bodies are
// {"error":{"code","message","status","details":[…]}} (an array of those from the
// non-SSE stream endpoint). The canonical `status` string is more precise than the
// HTTP code: AI Studio reports a bad key as 400 INVALID_ARGUMENT (reason
// API_KEY_INVALID), and its quota errors carry the wait in google.rpc.RetryInfo,
// not in headers.

export interface GeminiErrorOptions {
  /** Provider label for messages ("Gemini", "Vertex AI Gemini"). */
  label?: string;
  /** Removes configured secrets from text that may reach the client. */
  redact?: (s: string) => string;
}

/** What a Google error body says, whatever its shape; null when it is not one. */
export interface GoogleError {
  code: number | null;
  status: string;
  message: string;
  /** Seconds from google.rpc.RetryInfo.retryDelay ("30s", "1.5s"). */
  retryDelay: number | undefined;
  /** google.rpc.ErrorInfo.reason (API_KEY_INVALID, RATE_LIMIT_EXCEEDED, ...). */
  reason: string;
}

/**
 * Gemini's context-overflow wording ("The input token count (1234567) exceeds the maximum
 * number of tokens allowed (1048576)."), plus the generic phrasings.
 */
const TOO_LONG = /input token count.*exceeds|exceeds the maximum number of tokens|context.length|maximum context|too many tokens|prompt is too long/i;

/** An upstream HTTP error from a Gemini endpoint as the error the client sees. */
export function geminiError(status: number, body: string | Buffer, headers: IncomingHttpHeaders = {}, opts: GeminiErrorOptions = {}): GatewayError {
  const label = opts.label ?? 'Gemini';
  const redact = opts.redact ?? ((s: string) => s);
  const text = typeof body === 'string' ? body : body.toString('utf8');
  const g = parseGoogleError(text);
  if (!g) return upstreamHttpError(status, headers, text.trim().slice(0, 500), label, redact);
  const message = g.message || g.status || `HTTP ${status}`;
  // Claude Code compacts the conversation when it sees this wording on a 400.
  if (TOO_LONG.test(g.message)) return new GatewayError(400, `prompt is too long for ${label}: ${redact(message)}`, { retryable: false });
  if (g.reason === 'API_KEY_INVALID') return upstreamHttpError(401, headers, message, label, redact);
  const mapped = STATUS_BY_GOOGLE[g.status] ?? status;
  const withDelay = g.retryDelay !== undefined && headers['retry-after'] === undefined ? { ...headers, 'retry-after': String(Math.ceil(g.retryDelay)) } : headers;
  if (g.status === 'FAILED_PRECONDITION') {
    // Region or billing not enabled for this key: the request is fine, another provider may serve it.
    return new GatewayError(400, `${label} cannot serve this request: ${redact(message)}`, { retryable: true });
  }
  return upstreamHttpError(mapped, withDelay, message, label, redact);
}

/** Canonical Google status → the HTTP status whose Anthropic mapping fits (upstreamHttpError maps 503 to 529). */
const STATUS_BY_GOOGLE: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  ABORTED: 409,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 500,
  UNKNOWN: 500,
  INTERNAL: 500,
  DATA_LOSS: 500,
  UNIMPLEMENTED: 400,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

/** The client's status for a Google error object met inside a 200 answer (unavailable → 529 overloaded). */
export function googleHttpStatus(err: GeminiErrorObject): number {
  const s = typeof err.status === 'string' ? STATUS_BY_GOOGLE[err.status] : undefined;
  const n = s ?? (typeof err.code === 'number' ? err.code : 500);
  return n === 502 || n === 503 ? 529 : n;
}

/** The Anthropic error type for a Google error object met inside a 200 stream. */
export function geminiErrorType(err: GeminiErrorObject): ErrorType {
  return errorTypeForStatus(googleHttpStatus(err));
}

export function parseGoogleError(text: string): GoogleError | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const item = Array.isArray(json) ? json[0] : json;
  const err = item && typeof item === 'object' ? (item as { error?: unknown }).error : undefined;
  if (!err || typeof err !== 'object') return null;
  const e = err as GeminiErrorObject;
  const out: GoogleError = {
    code: typeof e.code === 'number' ? e.code : null,
    status: typeof e.status === 'string' ? e.status : '',
    message: typeof e.message === 'string' ? e.message : '',
    retryDelay: undefined,
    reason: '',
  };
  for (const d of Array.isArray(e.details) ? e.details : []) {
    if (!d || typeof d !== 'object') continue;
    const detail = d as { '@type'?: unknown; retryDelay?: unknown; reason?: unknown };
    const type = typeof detail['@type'] === 'string' ? detail['@type'] : '';
    if (type.endsWith('google.rpc.RetryInfo') && typeof detail.retryDelay === 'string') {
      const s = parseDuration(detail.retryDelay);
      if (s !== undefined) out.retryDelay = Math.max(out.retryDelay ?? 0, s);
    } else if (type.endsWith('google.rpc.ErrorInfo') && typeof detail.reason === 'string') {
      out.reason = detail.reason;
    }
  }
  return out;
}

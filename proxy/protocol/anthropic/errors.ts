import type { ErrorBody, ErrorType } from './types.js';

// The error type Anthropic uses for each status; Claude Code's retry policy keys off these.
const TYPE_BY_STATUS: Record<number, ErrorType> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  409: 'conflict_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

export function errorTypeForStatus(status: number): ErrorType {
  const known = TYPE_BY_STATUS[status];
  if (known) return known;
  return status >= 500 ? 'api_error' : 'invalid_request_error';
}

/**
 * An error that reaches the client in Anthropic's shape. Everything the
 * gateway rejects or fails with is one of these; `retryable` tells the router
 * whether another target may succeed where this one failed.
 */
export class GatewayError extends Error {
  readonly status: number;
  readonly type: ErrorType;
  readonly headers: Record<string, string>;
  readonly retryable: boolean;
  /** Seconds the client should wait, when the upstream said so. */
  readonly retryAfter: number | undefined;

  constructor(
    status: number,
    message: string,
    opts: { type?: ErrorType; headers?: Record<string, string>; retryable?: boolean; retryAfter?: number } = {},
  ) {
    super(message);
    this.name = 'GatewayError';
    this.status = status;
    this.type = opts.type ?? errorTypeForStatus(status);
    this.retryAfter = opts.retryAfter;
    this.headers = { ...(opts.headers ?? {}) };
    if (opts.retryAfter !== undefined) this.headers['retry-after'] = String(Math.max(0, Math.ceil(opts.retryAfter)));
    this.retryable = opts.retryable ?? isRetryableStatus(status);
  }

  toBody(requestId?: string): ErrorBody {
    const body: ErrorBody = { type: 'error', error: { type: this.type, message: this.message } };
    if (requestId) body.request_id = requestId;
    return body;
  }
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

export function invalidRequest(message: string): GatewayError {
  return new GatewayError(400, message, { retryable: false });
}

/** The SSE `error` event a stream ends with when it fails after the first byte. */
export function errorEvent(type: ErrorType, message: string): string {
  return `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type, message } })}\n\n`;
}

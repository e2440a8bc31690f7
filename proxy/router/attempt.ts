import type { IncomingHttpHeaders } from 'node:http';
import { DIALECTS } from '../dialects/index.js';
import type { ClientSink, RequestContext, Responder, Target } from '../dialects/types.js';
import { GatewayError } from '../protocol/anthropic/errors.js';
import type { UpstreamCall, UpstreamClient } from '../upstream/client.js';
import { failureKind, transportError, upstreamErrorMessage, upstreamHttpError } from '../upstream/errors.js';
import type { FailureKind } from './retry-policy.js';

// One exchange with one target: build the request, send it, and either hand a 2xx
// answer to the dialect's responder or turn the failure into a GatewayError. It
// reports what the router's bookkeeping needs (status, headers, failure kind,
// time to first byte); deciding what happens next is the attempt loop's job.

/** Where an attempt writes: the client's response (server/sink.ts ResponseSink), or a capture for a connection test. */
export interface AttemptSink extends ClientSink {
  /** Wires backpressure to the upstream call of the current attempt. */
  bindFlow(pause: () => void, resume: () => void): void;
}

export interface AttemptDeps {
  client: UpstreamClient;
  /** Removes every configured secret from text that may reach a client or a log. */
  redact: (s: string) => string;
}

export interface AttemptOutcome {
  error: GatewayError | null;
  responder: Responder | null;
  /** The upstream's HTTP status, or 0 when it never answered. */
  status: number;
  headers: IncomingHttpHeaders | null;
  /** The upstream's error body (bounded), for rate-limit details such as Google's RetryInfo. */
  errorBody: string | null;
  /** 'http' when the upstream answered; otherwise what went wrong on the way. */
  kind: FailureKind;
  /** Milliseconds from sending to the upstream's response headers, when they came. */
  ttfbMs: number | null;
}

const MAX_ERROR_BODY = 64 * 1024;
/** How long an upstream may linger after the client's response is complete before it is cut. */
const LINGER_MS = 1000;

export function attempt(ctx: RequestContext, target: Target, sink: AttemptSink, deps: AttemptDeps, setCall: (c: UpstreamCall) => void): Promise<AttemptOutcome> {
  const auth = target.provider.authHook;
  // Static-key providers: straight to the exchange, no await and nothing allocated for auth.
  if (auth === undefined) return exchange(ctx, target, sink, deps, setCall, undefined, true);
  let pending: Record<string, string> | Promise<Record<string, string>>;
  try {
    pending = auth.headers();
  } catch (err) {
    return Promise.resolve(authFailure(err, target.provider.label));
  }
  // A fresh cached credential comes back synchronously; only a fetch is awaited.
  if (!(pending instanceof Promise)) return exchange(ctx, target, sink, deps, setCall, pending, true);
  return afterAuth(pending, ctx, target, sink, deps, setCall);
}

/** Waits for the provider's credentials, staying abortable (the client may leave meanwhile). */
async function afterAuth(pending: Promise<Record<string, string>>, ctx: RequestContext, target: Target, sink: AttemptSink, deps: AttemptDeps, setCall: (c: UpstreamCall) => void): Promise<AttemptOutcome> {
  let aborted: Error | null = null;
  setCall({ abort: (reason) => void (aborted ??= reason ?? new Error('aborted')), pause() {}, resume() {} });
  let authHeaders: Record<string, string>;
  try {
    authHeaders = await pending;
  } catch (err) {
    return authFailure(err, target.provider.label);
  }
  if (aborted) return { error: transportError(aborted, target.provider.label), responder: null, status: 0, headers: null, errorBody: null, kind: 'reset', ttfbMs: null };
  return exchange(ctx, target, sink, deps, setCall, authHeaders, true);
}

/** No credentials: nothing was sent. A timeout is a timeout; anything else an HTTP-like failure of this provider. */
function authFailure(err: unknown, label: string): AttemptOutcome {
  const error = err instanceof GatewayError ? err : new GatewayError(500, `${label}: could not obtain credentials: ${(err as Error).message}`, { retryable: true });
  return { error, responder: null, status: 0, headers: null, errorBody: null, kind: error.status === 504 ? 'timeout' : 'http', ttfbMs: null };
}

/**
 * One request and its answer. `authHeaders` (from the provider's auth hook) are added
 * to the built request; `mayResend` allows one rebuild-and-resend when the dialect
 * learns from a refusal (Dialect.httpError returning null).
 */
function exchange(ctx: RequestContext, target: Target, sink: AttemptSink, deps: AttemptDeps, setCall: (c: UpstreamCall) => void, authHeaders: Record<string, string> | undefined, mayResend: boolean): Promise<AttemptOutcome> {
  const dialect = DIALECTS[target.provider.dialect];
  const label = target.provider.label;
  return new Promise((resolve) => {
    let responder: Responder | null = null;
    let status = 0;
    let headers: IncomingHttpHeaders | null = null;
    let errBody: Buffer[] = [];
    let errSize = 0;
    let linger: NodeJS.Timeout | null = null;
    let ttfbMs: number | null = null;
    const sentAt = performance.now();
    const done = (error: GatewayError | null, r: Responder | null, kind: FailureKind = 'http', body: string | null = null) =>
      resolve({ error, responder: r, status, headers, errorBody: body, kind, ttfbMs });

    let request;
    try {
      request = dialect.messagesRequest(ctx, target);
    } catch (err) {
      done(asGatewayError(err, label), null);
      return;
    }
    if (authHeaders !== undefined) Object.assign(request.headers, authHeaders);
    const call = deps.client.send(request, {
      onResponse(s, h) {
        status = s;
        headers = h;
        ttfbMs = performance.now() - sentAt;
        if (s >= 200 && s < 300) {
          responder = dialect.responder(ctx, target, sink);
          responder.onStart(s, h);
        }
      },
      onData(chunk) {
        if (responder) {
          responder.onData(chunk);
          if (responder.earlyFailure) {
            // Resolve first: abort reports a transport error synchronously, which must not win.
            done(responder.earlyFailure, null);
            call.abort(new Error('upstream failed before any content'));
            return;
          }
          if (responder.finished && !linger) {
            // The client already has its whole answer: do not wait on an upstream that
            // holds the connection open (or keeps streaming after an error); cut it soon.
            linger = setTimeout(() => call.abort(new Error('response already complete')), LINGER_MS);
            linger.unref();
            done(null, responder);
          }
        } else if (errSize < MAX_ERROR_BODY) {
          errBody.push(chunk);
          errSize += chunk.length;
        }
      },
      onEnd() {
        if (linger) clearTimeout(linger);
        if (!responder) {
          const text = Buffer.concat(errBody).toString('utf8');
          errBody = [];
          // A refused credential (revoked, rotated) is dropped so the next request fetches a new one.
          if (status === 401) target.provider.authHook?.invalidate?.();
          const mapped = dialect.httpError ? dialect.httpError(status, headers ?? {}, text, target, deps.redact) : upstreamHttpError(status, headers ?? {}, upstreamErrorMessage(text), label, deps.redact);
          if (mapped === null && mayResend) {
            resolve(exchange(ctx, target, sink, deps, setCall, authHeaders, false));
            return;
          }
          done(mapped ?? upstreamHttpError(status, headers ?? {}, upstreamErrorMessage(text), label, deps.redact), null, 'http', text);
          return;
        }
        try {
          responder.onEnd();
          if (responder.earlyFailure) done(responder.earlyFailure, null);
          else done(null, responder);
        } catch (err) {
          // The upstream said 2xx but sent something we cannot translate.
          const ge = asGatewayError(err, label);
          if (sink.headersSent) {
            responder.onError(ge);
            sink.end();
          }
          done(ge, responder);
        }
      },
      onError(err) {
        if (linger) clearTimeout(linger);
        // A GatewayError is our own abort reason (the gateway stopping): the client sees it as it is.
        const ge = err instanceof GatewayError ? err : transportError(err, label);
        if (responder) responder.onError(ge);
        done(ge, responder, status ? 'reset' : failureKind(err));
      },
    });
    sink.bindFlow(
      () => call.pause(),
      () => call.resume(),
    );
    setCall(call);
  });
}

function asGatewayError(err: unknown, label: string): GatewayError {
  if (err instanceof GatewayError) return err;
  return new GatewayError(502, `could not translate the response from ${label}: ${(err as Error).message}`, { type: 'api_error', retryable: true });
}

import type { IncomingHttpHeaders } from 'node:http';
import { DIALECTS } from '../dialects/index.js';
import type { RequestContext, Responder, Target } from '../dialects/types.js';
import { GatewayError } from '../protocol/anthropic/errors.js';
import type { ResponseSink } from '../server/sink.js';
import type { UpstreamCall, UpstreamClient } from '../upstream/client.js';
import { failureKind, transportError, upstreamErrorMessage, upstreamHttpError } from '../upstream/errors.js';
import type { FailureKind } from './retry-policy.js';

// One exchange with one target: build the request, send it, and either hand a 2xx
// answer to the dialect's responder or turn the failure into a GatewayError. It
// reports what the router's bookkeeping needs (status, headers, failure kind,
// time to first byte); deciding what happens next is the attempt loop's job.

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

export function attempt(ctx: RequestContext, target: Target, sink: ResponseSink, deps: AttemptDeps, setCall: (c: UpstreamCall) => void): Promise<AttemptOutcome> {
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
          const h = headers ?? {};
          const error = dialect.httpError ? dialect.httpError(status, text, h, target, deps.redact) : upstreamHttpError(status, h, upstreamErrorMessage(text), label, deps.redact);
          done(error, null, 'http', text);
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
        const ge = transportError(err, label);
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

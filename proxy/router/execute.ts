import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { DIALECTS } from '../dialects/index.js';
import type { Outcome, RequestContext, Responder, Target } from '../dialects/types.js';
import { GatewayError } from '../protocol/anthropic/errors.js';
import type { ResponseSink } from '../server/sink.js';
import type { UpstreamCall, UpstreamClient } from '../upstream/client.js';
import { transportError, upstreamErrorMessage, upstreamHttpError } from '../upstream/errors.js';

export interface ExecuteDeps {
  client: UpstreamClient;
  /** Removes every configured secret from text that may reach a client or a log. */
  redact: (s: string) => string;
}

export interface AttemptRecord {
  provider: string;
  model: string;
  status: number;
  error?: string;
}

export interface ExecuteResult {
  target: Target | null;
  attempts: AttemptRecord[];
  error: GatewayError | null;
  outcome: Outcome;
}

const MAX_ERROR_BODY = 64 * 1024;
/** How long an upstream may linger after the client's response is complete before it is cut. */
const LINGER_MS = 1000;

/**
 * The attempt loop: tries each target in order until one answers 2xx. A failure
 * moves on to the next target only when it is worth retrying elsewhere and
 * nothing has reached the client yet; otherwise the client gets the most useful
 * Anthropic-shaped error. A client disconnect aborts the upstream at once.
 */
export async function execute(ctx: RequestContext, targets: Target[], res: ServerResponse, sink: ResponseSink, deps: ExecuteDeps): Promise<ExecuteResult> {
  const attempts: AttemptRecord[] = [];
  const errors: GatewayError[] = [];
  let current: UpstreamCall | null = null;
  let clientGone = false;
  const onClose = () => {
    if (!res.writableFinished) {
      clientGone = true;
      current?.abort(new Error('client disconnected'));
    }
  };
  res.on('close', onClose);

  try {
    for (let i = 0; i < targets.length; i++) {
      const target = targets[i];
      sink.extraHeaders = transparencyHeaders(target, attempts.length + 1, attempts);
      const { error, responder } = await attempt(ctx, target, sink, deps, (call) => (current = call));
      current = null;
      if (clientGone) return { target, attempts: [...attempts, record(target, 499, 'client disconnected')], error: null, outcome: responder?.outcome() ?? {} };
      if (!error) {
        attempts.push(record(target, 200));
        return { target, attempts, error: null, outcome: responder?.outcome() ?? {} };
      }
      attempts.push(record(target, error.status, error.message));
      errors.push(error);
      if (sink.headersSent || !error.retryable) break;
    }
    const error = mostUseful(errors);
    if (!sink.headersSent) {
      sink.extraHeaders = { ...sink.extraHeaders, 'x-switchboard-attempts': String(attempts.length) };
      sendError(res, error, sink.extraHeaders, deps.redact);
    }
    return { target: null, attempts, error, outcome: {} };
  } finally {
    res.off('close', onClose);
  }
}

function attempt(
  ctx: RequestContext,
  target: Target,
  sink: ResponseSink,
  deps: ExecuteDeps,
  setCall: (c: UpstreamCall) => void,
): Promise<{ error: GatewayError | null; responder: Responder | null }> {
  const dialect = DIALECTS[target.provider.dialect];
  const label = target.provider.label;
  return new Promise((resolve) => {
    let responder: Responder | null = null;
    let errStatus = 0;
    let errHeaders: IncomingHttpHeaders = {};
    let errBody: Buffer[] = [];
    let errSize = 0;
    let linger: NodeJS.Timeout | null = null;
    let request;
    try {
      request = dialect.messagesRequest(ctx, target);
    } catch (err) {
      resolve({ error: asGatewayError(err, label), responder: null });
      return;
    }
    const call = deps.client.send(request, {
      onResponse(status, headers) {
        if (status >= 200 && status < 300) {
          responder = dialect.responder(ctx, target, sink);
          responder.onStart(status, headers);
        } else {
          errStatus = status;
          errHeaders = headers;
        }
      },
      onData(chunk) {
        if (responder) {
          responder.onData(chunk);
          if (responder.earlyFailure) {
            // Resolve first: abort reports a transport error synchronously, which must not win.
            resolve({ error: responder.earlyFailure, responder: null });
            call.abort(new Error('upstream failed before any content'));
            return;
          }
          if (responder.finished && !linger) {
            // The client already has its whole answer: do not wait on an upstream that
            // holds the connection open (or keeps streaming after an error); cut it soon.
            linger = setTimeout(() => call.abort(new Error('response already complete')), LINGER_MS);
            linger.unref();
            resolve({ error: null, responder });
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
          resolve({ error: upstreamHttpError(errStatus, errHeaders, upstreamErrorMessage(text), label, deps.redact), responder: null });
          return;
        }
        try {
          responder.onEnd();
          if (responder.earlyFailure) {
            resolve({ error: responder.earlyFailure, responder: null });
            return;
          }
          resolve({ error: null, responder });
        } catch (err) {
          // The upstream said 2xx but sent something we cannot translate.
          const ge = asGatewayError(err, label);
          if (sink.headersSent) {
            responder.onError(ge);
            sink.end();
          }
          resolve({ error: ge, responder });
        }
      },
      onError(err) {
        if (linger) clearTimeout(linger);
        const ge = transportError(err, label);
        if (responder) responder.onError(ge);
        resolve({ error: ge, responder });
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

/**
 * When everything failed: a non-retryable error (the request itself is bad) says
 * most; otherwise a rate limit with the soonest retry-after; otherwise the last error.
 */
function mostUseful(errors: GatewayError[]): GatewayError {
  const last = errors[errors.length - 1];
  if (!last.retryable) return last;
  const limited = errors.filter((e) => e.status === 429);
  if (limited.length) return limited.reduce((a, b) => ((b.retryAfter ?? Infinity) < (a.retryAfter ?? Infinity) ? b : a));
  return last;
}

function record(target: Target, status: number, error?: string): AttemptRecord {
  const r: AttemptRecord = { provider: target.provider.id, model: target.model, status };
  if (error) r.error = error;
  return r;
}

function transparencyHeaders(target: Target, attemptNo: number, previous: AttemptRecord[]): Record<string, string> {
  const h: Record<string, string> = {
    'x-switchboard-provider': target.provider.id,
    'x-switchboard-model': target.model,
    'x-switchboard-attempts': String(attemptNo),
  };
  if (previous.length) h['x-switchboard-fallback'] = previous.map((a) => `${a.provider}:${a.status}`).join(',');
  return h;
}

export function sendError(res: ServerResponse, error: GatewayError, extra: Record<string, string> = {}, redact?: (s: string) => string): void {
  if (res.headersSent || res.writableEnded) return;
  // Upstream words (a 200 carrying an error object, say) may echo a configured key.
  const body = redact ? redact(JSON.stringify(error.toBody())) : JSON.stringify(error.toBody());
  res.writeHead(error.status, { 'content-type': 'application/json', ...extra, ...error.headers });
  res.end(body);
}

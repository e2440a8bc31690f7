import type { ServerResponse } from 'node:http';
import type { Outcome, RequestContext, Target } from '../dialects/types.js';
import { GatewayError } from '../protocol/anthropic/errors.js';
import type { ResponseSink } from '../server/sink.js';
import type { UpstreamCall } from '../upstream/client.js';
import { attempt, type AttemptDeps } from './attempt.js';
import { decideAfterFailure, DEFAULT_RETRY_POLICY } from './retry-policy.js';
import type { RouterRuntime } from './runtime.js';

export interface ExecuteDeps extends AttemptDeps {
  /** Live router state; every outcome is recorded there. */
  router?: RouterRuntime;
  /** The Claude Code session this request belongs to, for affinity. */
  sessionId?: string | null;
  /** Extra response headers for every attempt (x-switchboard-budget on a downgraded request). */
  headers?: Record<string, string>;
  /** Aborted when the gateway stops and its drain time is over: the request ends now, with an error. */
  shutdown?: AbortSignal;
}

/**
 * What a request still running when the gateway stops gets: a stream that has started
 * ends with this as its Anthropic `error` event; one that has not gets it as a 503.
 */
export function shutdownError(): GatewayError {
  return new GatewayError(503, 'Switchboard stopped before this response was finished (the gateway was shut down); send the request again', { type: 'api_error', retryable: false });
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

/**
 * The attempt loop: tries the plan's targets in order until one answers 2xx.
 * After each failure the retry policy decides: retry the same target (bounded,
 * with backoff), fall back to the next (possibly cooling the failed one down), or
 * fail. Nothing is retried or moved once the first byte has reached the client,
 * and a target whose circuit is open is skipped unless it is the last resort. A
 * client disconnect aborts the upstream at once.
 */
export async function execute(ctx: RequestContext, targets: Target[], res: ServerResponse, sink: ResponseSink, deps: ExecuteDeps): Promise<ExecuteResult> {
  const router = deps.router;
  const policy = router?.retryPolicy ?? DEFAULT_RETRY_POLICY;
  const attempts: AttemptRecord[] = [];
  const errors: GatewayError[] = [];
  const started = performance.now();
  let current: UpstreamCall | null = null;
  let clientGone = false;
  let wake: (() => void) | null = null;
  const onClose = () => {
    if (!res.writableFinished) {
      clientGone = true;
      current?.abort(new Error('client disconnected'));
      wake?.();
    }
  };
  res.on('close', onClose);
  let stopping = false;
  const onShutdown = () => {
    stopping = true;
    current?.abort(shutdownError());
    wake?.();
  };
  deps.shutdown?.addEventListener('abort', onShutdown);

  try {
    if (deps.shutdown?.aborted) {
      // Arrived on a kept-alive connection after the drain time: nothing is sent upstream.
      const error = shutdownError();
      sendError(res, error, {}, deps.redact);
      return { target: null, attempts, error, outcome: {} };
    }
    targets: for (let i = 0; i < targets.length; i++) {
      const target = targets[i];
      const id = target.provider.id;
      const last = i === targets.length - 1;
      if (router && !last && !router.runtime(id).breaker.allow()) {
        attempts.push(record(target, 0, 'skipped: circuit open'));
        continue;
      }
      for (let retry = 0; ; retry++) {
        sink.extraHeaders = transparencyHeaders(target, attempts.length + 1, attempts, deps.headers);
        const sentAt = performance.now();
        const out = await attempt(ctx, target, sink, deps, (call) => (current = call));
        current = null;
        if (clientGone) {
          router?.release(id);
          return { target, attempts: [...attempts, record(target, 499, 'client disconnected')], error: null, outcome: out.responder?.outcome() ?? {} };
        }
        if (stopping && out.error) {
          // The responder has ended a started stream with the error event; otherwise answer with it.
          const error = shutdownError();
          attempts.push(record(target, error.status, error.message));
          if (!sink.headersSent) sendError(res, error, sink.extraHeaders, deps.redact);
          return { target: null, attempts, error, outcome: out.responder?.outcome() ?? {} };
        }
        if (!out.error) {
          attempts.push(record(target, 200));
          router?.recordSuccess(id, out.status, out.headers ?? {}, performance.now() - sentAt, out.ttfbMs, deps.sessionId ?? null);
          return { target, attempts, error: null, outcome: out.responder?.outcome() ?? {} };
        }
        const error = out.error;
        attempts.push(record(target, error.status, error.message));
        errors.push(error);
        const providerWait = router?.recordFailure(id, { kind: out.kind, status: out.status || error.status, headers: out.headers ?? undefined, body: out.errorBody ?? undefined });
        const retryAfterMs = providerWait ?? (error.retryAfter !== undefined ? error.retryAfter * 1000 : null);
        const decision = decideAfterFailure({
          attempt: retry,
          error: { status: error.status, retryable: error.retryable, retryAfterMs, kind: out.kind },
          firstByteSent: sink.headersSent,
          elapsedMs: performance.now() - started,
          remainingTargets: targets.length - i - 1,
          policy,
          random: Math.random,
        });
        const now = router?.clock.now() ?? Date.now();
        if (decision.action === 'retry') {
          router?.events.emit({ type: 'retry', at: now, provider: id, status: error.status, delayMs: Math.round(decision.delayMs), reason: `${id} ${describe(error, retryAfterMs)}, retrying in ${formatMs(decision.delayMs)}` });
          await sleep(decision.delayMs, (w) => (wake = w));
          wake = null;
          // Gone while waiting: the failed attempt served nothing, so no target; the 499 says why.
          if (clientGone) return { target: null, attempts: [...attempts, record(target, 499, 'client disconnected')], error: null, outcome: {} };
          if (stopping) break targets;
          if (router && !router.runtime(id).breaker.allow()) continue targets;
          continue;
        }
        if (decision.action === 'fallback') {
          if (router && decision.cooldownMs) router.cooldown(id, decision.cooldownMs, `${id} ${describe(error, retryAfterMs)}: out of rotation for ${formatMs(decision.cooldownMs)}`);
          const next = targets[i + 1]?.provider.id ?? null;
          router?.events.emit({ type: 'failover', at: now, from: id, to: next, status: error.status, reason: `${id} ${describe(error, retryAfterMs)} → ${next}` });
          continue targets;
        }
        break targets;
      }
    }
    // Stopped while waiting to retry: the client gets the documented shutdown answer, not the upstream's error.
    const error = stopping ? shutdownError() : mostUseful(errors);
    if (!error) throw new Error('attempt loop ended without an attempt');
    if (!sink.headersSent) {
      sink.extraHeaders = { ...sink.extraHeaders, 'x-switchboard-attempts': String(attempts.length) };
      sendError(res, error, sink.extraHeaders, deps.redact);
    }
    return { target: null, attempts, error, outcome: {} };
  } finally {
    res.off('close', onClose);
    deps.shutdown?.removeEventListener('abort', onShutdown);
  }
}

/** "429, retry after 32 s" / "502 (refused the connection)": the failure in plain words for events. */
function describe(error: GatewayError, retryAfterMs: number | null): string {
  const wait = retryAfterMs !== null ? `, retry after ${formatMs(retryAfterMs)}` : '';
  return `${error.status}${wait}`;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms)} ms`;
}

function sleep(ms: number, onWake: (wake: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    onWake(() => {
      clearTimeout(t);
      resolve();
    });
  });
}

/**
 * When everything failed: a non-retryable error (the request itself is bad) says
 * most; otherwise a rate limit with the soonest retry-after; otherwise the last error.
 */
function mostUseful(errors: GatewayError[]): GatewayError | undefined {
  const last = errors[errors.length - 1];
  if (!last || !last.retryable) return last;
  const limited = errors.filter((e) => e.status === 429);
  if (limited.length) return limited.reduce((a, b) => ((b.retryAfter ?? Infinity) < (a.retryAfter ?? Infinity) ? b : a));
  return last;
}

function record(target: Target, status: number, error?: string): AttemptRecord {
  const r: AttemptRecord = { provider: target.provider.id, model: target.model, status };
  if (error) r.error = error;
  return r;
}

function transparencyHeaders(target: Target, attemptNo: number, previous: AttemptRecord[], extra: Record<string, string> | undefined): Record<string, string> {
  const h: Record<string, string> = {
    ...extra,
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

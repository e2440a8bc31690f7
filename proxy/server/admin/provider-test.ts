import type { ResolvedProvider } from '../../config/resolve.js';
import type { ClientSink, RequestContext } from '../../dialects/types.js';
import { validateMessagesRequest } from '../../protocol/anthropic/validate.js';
import { attempt, type AttemptSink } from '../../router/attempt.js';
import type { UpstreamCall, UpstreamClient } from '../../upstream/client.js';
import { nextMessageId } from '../ids.js';

// "Test connection": one tiny real request (max_tokens 1, one word, not streamed)
// through the normal dialect path for exactly one provider and model, as a client's
// request would go (router/attempt.ts), but written into a throwaway sink. Nothing
// is recorded: no router state (breaker, latency, limits), no usage row, no event.

export interface TestResult {
  ok: boolean;
  /** From sending to the answer's end (or the failure), ms. */
  latencyMs: number;
  /** The upstream's HTTP status; null when it never answered. */
  status: number | null;
  model: string;
  /** What a client would have got, in Anthropic's terms (the mapped error), when it failed. */
  error?: { type: string; message: string; status: number };
}

export const TEST_TIMEOUT_MS = 15_000;

/** The model a test asks for: the one given, else the cheapest tier configured, else a model the provider's kind surely has. */
export function defaultTestModel(provider: ResolvedProvider): string | null {
  const t = provider.tiers;
  return t.haiku ?? t.sonnet ?? t.opus ?? Object.values(provider.modelMap)[0] ?? (provider.dialect === 'anthropic' ? 'claude-haiku-4-5' : null);
}

/** Collects the answer and discards it; no backpressure to apply. */
class DiscardSink implements AttemptSink, ClientSink {
  headersSent = false;
  head(): void {
    this.headersSent = true;
  }
  write(): void {}
  end(): void {
    this.headersSent = true;
  }
  bindFlow(): void {}
}

export async function testConnection(deps: { client: UpstreamClient; redact: (s: string) => string }, provider: ResolvedProvider, model: string, timeoutMs = TEST_TIMEOUT_MS): Promise<TestResult> {
  const raw = Buffer.from(JSON.stringify({ model, max_tokens: 1, messages: [{ role: 'user', content: 'ping' }] }));
  const body = validateMessagesRequest(JSON.parse(raw.toString('utf8')));
  const ctx: RequestContext = {
    body,
    raw,
    query: '',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    requestedModel: model,
    stream: false,
    messageId: nextMessageId(),
    byteStrings: false,
  };
  let call: UpstreamCall | null = null;
  let timedOut = false;
  const started = performance.now();
  const timer = setTimeout(() => {
    timedOut = true;
    call?.abort(new Error(`no answer within ${timeoutMs / 1000} s`));
  }, timeoutMs);
  try {
    const out = await attempt(ctx, { provider, model }, new DiscardSink(), deps, (c) => (call = c));
    const latencyMs = Math.round(performance.now() - started);
    const status = out.status || null;
    if (!out.error) return { ok: true, latencyMs, status, model };
    const error = timedOut
      ? { type: 'timeout_error', message: `${provider.label} did not answer within ${timeoutMs / 1000} s`, status: 504 }
      : { type: out.error.type, message: deps.redact(out.error.message), status: out.error.status };
    return { ok: false, latencyMs, status, model, error };
  } finally {
    clearTimeout(timer);
  }
}

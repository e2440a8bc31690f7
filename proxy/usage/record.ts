import type { RequestContext } from '../dialects/types.js';
import { toUnicode } from '../protocol/anthropic/byte-strings.js';
import type { MessagesRequest } from '../protocol/anthropic/types.js';
import type { ExecuteResult } from '../router/execute.js';
import { computeCost, referenceCostUsd } from './cost.js';
import type { UsageRow } from './ledger/row.js';
import { tierOf } from '../router/model-map.js';
import type { PriceBook } from './price-book.js';
import { STATIC_PRICES } from './prices.js';

// Builds the ledger row for one finished /v1/messages request. Runs on the
// request path, so it only reads what the request already knows: no parsing
// beyond a bounded look for Claude Code's working directory.

export interface RecordFacts {
  ctx: RequestContext;
  result: ExecuteResult | null;
  port: number;
  strategy: string;
  scenario: string;
  sessionId: string | null;
  /** performance.now() when the request arrived, and when its first byte went out (or null). */
  startedAt: number;
  firstByteAt: number | null;
  /** Status the client got. */
  status: number;
  errorType: string | null;
  /** The Gateway's prices (live lists, drift warnings); without it, config and the bundled table. */
  prices?: PriceBook;
}

export function usageRow(f: RecordFacts): UsageRow {
  const { ctx, result } = f;
  const target = result?.target ?? null;
  const last = result?.attempts[result.attempts.length - 1];
  const usage = result?.outcome.usage;
  const price = target ? (f.prices ?? STATIC_PRICES).priceFor(target.provider, target.model) : null;
  const cost = usage ? computeCost({ price, usage, providerCostUsd: result?.outcome.providerCostUsd }) : null;
  if (cost?.drift && target) f.prices?.noteDrift(target.provider.id, target.model, cost, price);
  const tier = usage ? tierOf(ctx.requestedModel) : undefined;
  const now = performance.now();
  return {
    ts: Date.now() - Math.round(now - f.startedAt),
    requestId: ctx.messageId,
    sessionId: f.sessionId,
    project: projectOf(ctx.body, ctx.byteStrings),
    port: f.port,
    provider: target?.provider.id ?? last?.provider ?? null,
    requestedModel: ctx.requestedModel,
    upstreamModel: target?.model ?? last?.model ?? null,
    scenario: f.scenario,
    strategy: f.strategy,
    attempts: result?.attempts.length ?? 0,
    fallbackPath: result && result.attempts.length > 1 ? result.attempts.map((a) => `${a.provider}:${a.status}`).join(',') : null,
    status: f.status,
    errorType: f.errorType,
    inputTokens: usage?.input_tokens ?? null,
    outputTokens: usage?.output_tokens ?? null,
    cacheReadTokens: usage?.cache_read_input_tokens ?? null,
    cacheWriteTokens: usage?.cache_creation_input_tokens ?? null,
    // No price of ours but the provider states its charge (OpenRouter): that charge is the cost.
    costUsd: cost?.costUsd ?? cost?.providerCostUsd ?? null,
    providerCostUsd: cost?.providerCostUsd ?? null,
    costDrift: cost?.driftUsd ?? null,
    referenceCostUsd: usage && tier ? referenceCostUsd(usage, tier) : null,
    latencyMs: now - f.startedAt,
    ttftMs: f.firstByteAt === null ? null : f.firstByteAt - f.startedAt,
    stream: ctx.stream,
  };
}

const CWD_MARKER = 'Primary working directory: ';
/** Only the first messages can hold Claude Code's environment block; bound the search. */
const MAX_MESSAGES_SCANNED = 4;

/** The working directory Claude Code states in its environment block (a role:"system" message), if any. */
export function projectOf(body: MessagesRequest, byteStrings: boolean): string | null {
  const n = Math.min(body.messages.length, MAX_MESSAGES_SCANNED);
  for (let i = 0; i < n; i++) {
    const m = body.messages[i];
    if (m.role !== 'system') continue;
    const text = typeof m.content === 'string' ? m.content : m.content.map((b) => (b.type === 'text' ? b.text : '')).join('\n');
    const at = text.indexOf(CWD_MARKER);
    if (at === -1) continue;
    const end = text.indexOf('\n', at);
    const dir = text.slice(at + CWD_MARKER.length, end === -1 ? undefined : end).trim();
    return dir ? toUnicode(dir, byteStrings) : null;
  }
  return null;
}

// One ledger row per /v1/messages request, and its mapping to the `requests`
// table. Unknown values are null, never 0: a cost of 0 means "free" (a local
// model), null means "we could not price it".

export interface UsageRow {
  /** When the request arrived, ms since the epoch. */
  ts: number;
  /** Client's request id or the upstream message id, when there is one. */
  requestId?: string | null;
  /** Claude Code session id, when the client sends it. */
  sessionId?: string | null;
  /** The client's working directory, when the client reveals it. */
  project?: string | null;
  /** The listener port that took the request. */
  port: number;
  /** Provider that answered (or the last one tried); null when none was tried. */
  provider?: string | null;
  /** The model the client asked for. */
  requestedModel: string;
  /** The model id sent upstream. */
  upstreamModel?: string | null;
  scenario?: string | null;
  /** Routing strategy, or 'explicit' / 'pinned'. */
  strategy?: string | null;
  /** Upstream attempts made, retries and fallbacks included. */
  attempts: number;
  /** The attempts as "provider:status" joined by ',' (as in x-switchboard-fallback), when more than one. */
  fallbackPath?: string | null;
  /** HTTP status the client got (499: the client went away). */
  status: number;
  /** Anthropic error type ("rate_limit_error", ...) when the request failed. */
  errorType?: string | null;
  inputTokens?: number | null;
  outputTokens?: number | null;
  cacheReadTokens?: number | null;
  cacheWriteTokens?: number | null;
  /** Our computed cost; null when the model's price is unknown. */
  costUsd?: number | null;
  /** The provider's own figure (OpenRouter usage.cost), when it reports one. */
  providerCostUsd?: number | null;
  /** providerCostUsd − costUsd when both are known. */
  costDrift?: number | null;
  /** The same tokens at Anthropic's list price for the requested tier (savings = this − costUsd); null when not a Claude tier. */
  referenceCostUsd?: number | null;
  /** Request arrival to the last byte sent, ms. */
  latencyMs?: number | null;
  /** Request arrival to the first content byte, ms (streams). */
  ttftMs?: number | null;
  stream: boolean;
}

/** Table columns in insert order; `FIELDS[i]` is the UsageRow field stored in `COLUMNS[i]`. */
export const COLUMNS = [
  'ts', 'request_id', 'session_id', 'project', 'port', 'provider', 'requested_model', 'upstream_model',
  'scenario', 'strategy', 'attempts', 'fallback_path', 'status', 'error_type',
  'input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens',
  'cost_usd', 'provider_cost_usd', 'cost_drift', 'latency_ms', 'ttft_ms', 'stream', 'reference_cost_usd',
] as const;

export type Column = (typeof COLUMNS)[number];

const FIELDS = [
  'ts', 'requestId', 'sessionId', 'project', 'port', 'provider', 'requestedModel', 'upstreamModel',
  'scenario', 'strategy', 'attempts', 'fallbackPath', 'status', 'errorType',
  'inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens',
  'costUsd', 'providerCostUsd', 'costDrift', 'latencyMs', 'ttftMs', 'stream', 'referenceCostUsd',
] as const satisfies readonly (keyof UsageRow)[];

export type SqlValue = number | string | null;

/**
 * The row as bind parameters, in COLUMNS order. Every value is coerced to a
 * number, string or null here so a malformed row can never make a whole batch's
 * INSERT throw (NaN and Infinity become null).
 */
export function toParams(row: UsageRow): SqlValue[] {
  return [
    num(row.ts) ?? Date.now(),
    str(row.requestId),
    str(row.sessionId),
    str(row.project),
    num(row.port),
    str(row.provider),
    str(row.requestedModel) ?? '',
    str(row.upstreamModel),
    str(row.scenario),
    str(row.strategy),
    num(row.attempts) ?? 0,
    str(row.fallbackPath),
    num(row.status) ?? 0,
    str(row.errorType),
    num(row.inputTokens),
    num(row.outputTokens),
    num(row.cacheReadTokens),
    num(row.cacheWriteTokens),
    num(row.costUsd),
    num(row.providerCostUsd),
    num(row.costDrift),
    num(row.latencyMs),
    num(row.ttftMs),
    row.stream ? 1 : 0,
    num(row.referenceCostUsd),
  ];
}

/** A `SELECT *` row back as a UsageRow (every optional field present, null when unknown). */
export function fromDbRow(r: Record<string, unknown>): Required<UsageRow> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < COLUMNS.length; i++) out[FIELDS[i]] = r[COLUMNS[i]] ?? null;
  out.stream = r.stream === 1;
  return out as unknown as Required<UsageRow>;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

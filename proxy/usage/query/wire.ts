// The usage API's answer shapes that the window (renderer/) reads too. No imports:
// the renderer type-checks this file as it is, so one definition serves both sides.

/** Totals over a set of requests. USD amounts are sums of known figures only. */
export interface UsageTotals {
  requests: number;
  /** Requests the client got an error for (status ≥ 400, including 499: the client went away). */
  errors: number;
  /** Uncached input tokens. */
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Sum of the known costs. */
  costUsd: number;
  /** Requests that used tokens (or succeeded) but could not be priced: costUsd leaves them out. */
  unknownCostRequests: number;
  /** What providers said they charged (OpenRouter), over providerCostRequests requests. */
  providerCostUsd: number;
  providerCostRequests: number;
  /** Sum of (provider's figure − ours), and how many requests differ by more than the tolerance. */
  driftUsd: number;
  driftRequests: number;
  /** Anthropic list price of the same tokens, over the requests whose cost is known too. */
  referenceCostUsd: number;
  /** referenceCostUsd − their cost: what routing away from Anthropic saved (negative: it cost more). */
  savingsUsd: number;
  avgLatencyMs: number | null;
  avgTtftMs: number | null;
}

export interface LatencyPercentiles {
  /** Requests the percentiles were taken over (the newest successful ones, at most LATENCY_SAMPLE). */
  sample: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  /** Time to first byte (streams). */
  ttftP50Ms: number | null;
  ttftP95Ms: number | null;
}

export interface RangeOut {
  from: number;
  to: number;
  fromIso: string;
  toIso: string;
  tz: string;
}

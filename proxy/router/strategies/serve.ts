import type { Candidate, RequestFacts } from '../state.js';

// "Can this candidate serve now?", shared by every strategy. Strategies never
// drop a candidate: one that cannot serve now goes to the end, in its input
// order, because a degraded provider is still better than no answer at all.

/**
 * Tokens kept free beyond the prompt estimate when checking a context window:
 * the estimate is a cheap character count, not a tokenizer, and the reply
 * needs some room too. Small on purpose: max_tokens is not added, since
 * Claude Code asks for up to 128k and would rule out every 200k model.
 */
export const CONTEXT_RESERVE_TOKENS = 2_048;

/**
 * Not open, not cooling down, not blocked by a rate limit or short of headroom at `now`.
 * Half-open counts as available (it takes probes).
 */
export function availableNow(c: Candidate, now: number): boolean {
  const s = c.snapshot;
  if (s.circuit === 'open') return false;
  if (s.cooldownUntil !== null && s.cooldownUntil > now) return false;
  if (s.rateLimit.blockedUntil !== null && s.rateLimit.blockedUntil > now) return false;
  if (s.rateLimit.low === true) return false;
  return true;
}

/** False only when the context window is known and too small; an unknown window gets the benefit of the doubt. */
export function fitsContext(c: Candidate, facts: RequestFacts): boolean {
  return c.contextWindow === null || c.contextWindow >= facts.estimatedInputTokens + CONTEXT_RESERVE_TOKENS;
}

export function canServe(c: Candidate, facts: RequestFacts, now: number): boolean {
  return availableNow(c, now) && fitsContext(c, facts);
}

/** Splits candidates into those that can serve now and the rest, both in input order. */
export function partitionServable(
  candidates: readonly Candidate[],
  facts: RequestFacts,
  now: number,
): { ready: Candidate[]; deferred: Candidate[] } {
  const ready: Candidate[] = [];
  const deferred: Candidate[] = [];
  for (const c of candidates) (canServe(c, facts, now) ? ready : deferred).push(c);
  return { ready, deferred };
}

/** Sort keys of one candidate, compared left to right; lower is better. */
export type SortKey = readonly number[];

/**
 * The common shape of every strategy: the ready candidates ordered by their
 * keys (computed once per candidate, over the ready set, so normalisations see
 * only candidates that can serve), ties broken by input order (the user's
 * priority), then the deferred ones in input order.
 */
export function rankReadyFirst(
  candidates: readonly Candidate[],
  facts: RequestFacts,
  now: number,
  keysOf: (ready: readonly Candidate[]) => SortKey[],
): Candidate[] {
  const { ready, deferred } = partitionServable(candidates, facts, now);
  const keys = keysOf(ready);
  const order = ready.map((_, i) => i);
  order.sort((a, b) => compareKeys(keys[a], keys[b]) || a - b);
  return [...order.map((i) => ready[i]), ...deferred];
}

function compareKeys(a: SortKey, b: SortKey): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] < b[i]) return -1;
    if (a[i] > b[i]) return 1;
  }
  return 0;
}

/** Median of the values, or null for none. Used to place unknowns "in the middle". */
export function medianOf(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

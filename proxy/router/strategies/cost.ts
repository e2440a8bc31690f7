import type { Candidate, RequestFacts, Strategy } from '../state.js';
import { rankReadyFirst } from './serve.js';

/**
 * Output tokens expected from a request, when max_tokens allows more: most
 * Claude Code turns are a tool call or a short answer (hundreds to a couple of
 * thousand tokens), while max_tokens is a ceiling (often 32k-128k) that would
 * make output price dominate every comparison if taken at face value.
 */
export const TYPICAL_OUTPUT_TOKENS = 2_000;

/** Expected output tokens of a request: min(max_tokens, TYPICAL_OUTPUT_TOKENS). */
export function expectedOutputTokens(facts: RequestFacts): number {
  return Math.max(0, Math.min(facts.maxTokens, TYPICAL_OUTPUT_TOKENS));
}

/** Estimated USD of this request on this candidate, or null when either price is unknown (unknown is never free). */
export function estimatedCostUsd(c: Candidate, facts: RequestFacts): number | null {
  const p = c.price;
  if (!p || !isPrice(p.inputPerM) || !isPrice(p.outputPerM)) return null;
  return (facts.estimatedInputTokens * p.inputPerM + expectedOutputTokens(facts) * p.outputPerM) / 1e6;
}

function isPrice(v: number | null): v is number {
  return v !== null && Number.isFinite(v) && v >= 0;
}

/** Cheapest estimated cost first; unknown prices after all priced ones; unavailable last. */
export const cost: Strategy = (candidates, facts, now) =>
  rankReadyFirst(candidates, facts, now, (ready) =>
    ready.map((c) => {
      const usd = estimatedCostUsd(c, facts);
      return usd === null ? [1, 0] : [0, usd];
    }),
  );

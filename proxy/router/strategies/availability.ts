import type { ProviderSnapshot, Strategy } from '../state.js';
import { rankReadyFirst } from './serve.js';

/** Success rate assumed for a provider with no recent traffic: hopeful, but below a proven one. */
export const SUCCESS_PRIOR = 0.9;
/**
 * How many requests the prior is worth. The observed rate is blended with it
 * (a Beta-style mean), so 1 success out of 1 (0.917) does not outrank 196 out
 * of 200 (0.978), and a single early failure does not sink a new provider.
 */
export const PRIOR_WEIGHT = 5;

/** Success rate expected of a provider: (rate × samples + PRIOR × PRIOR_WEIGHT) / (samples + PRIOR_WEIGHT). */
export function expectedSuccess(s: ProviderSnapshot): number {
  if (s.successRate === null || !Number.isFinite(s.successRate)) return SUCCESS_PRIOR;
  const n = Math.max(0, s.samples);
  const rate = Math.min(1, Math.max(0, s.successRate));
  return (rate * n + SUCCESS_PRIOR * PRIOR_WEIGHT) / (n + PRIOR_WEIGHT);
}

/** Highest expected success rate first; unavailable last. */
export const availability: Strategy = (candidates, facts, now) =>
  rankReadyFirst(candidates, facts, now, (ready) => ready.map((c) => [-expectedSuccess(c.snapshot)]));

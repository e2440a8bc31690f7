import type { Usage } from '../protocol/anthropic/types.js';
import type { Tier } from '../providers/types.js';
import { referencePrice, type ModelPrice, type PriceRates } from './prices.js';

// Cost of one request from its Anthropic-shaped usage. Pure arithmetic: the
// translators have already split cached tokens out of input_tokens (OpenAI,
// DeepSeek, Gemini), so every token is counted exactly once here.

/** Anthropic usage plus the optional 5m/1h split of cache writes. */
export type CostUsage = Usage & {
  cache_creation?: { ephemeral_5m_input_tokens?: number; ephemeral_1h_input_tokens?: number };
};

export interface CostBreakdown {
  inputUsd: number;
  outputUsd: number;
  cacheReadUsd: number;
  cacheWriteUsd: number;
}

export interface CostResult {
  /** Our figure from the price table; null when the price is unknown (never 0 for unknown). */
  costUsd: number | null;
  breakdown: CostBreakdown | null;
  /** What the provider says it charged (OpenRouter `usage.cost`), when it says. */
  providerCostUsd: number | null;
  /** provider − ours, when both are known. */
  driftUsd: number | null;
  /** |drift| > max(1e-6, 2% of the provider's cost): the table or the mapping is off. */
  drift: boolean;
}

export interface CostInput {
  price: ModelPrice | null;
  usage: CostUsage;
  providerCostUsd?: number | null;
}

/** Absolute floor of the drift tolerance, so sub-micro-dollar noise never flags. */
const DRIFT_FLOOR_USD = 1e-6;
const DRIFT_RATIO = 0.02;

/** Our cost for one request, its parts, and how it compares with the provider's own figure. */
export function computeCost(input: CostInput): CostResult {
  const providerCostUsd = usd(input.providerCostUsd);
  const breakdown = input.price && validPrice(input.price) ? priceUsage(ratesFor(input.price, input.usage), input.usage) : null;
  const costUsd = breakdown
    ? roundUsd(breakdown.inputUsd + breakdown.outputUsd + breakdown.cacheReadUsd + breakdown.cacheWriteUsd)
    : null;
  if (costUsd === null || providerCostUsd === null) return { costUsd, breakdown, providerCostUsd, driftUsd: null, drift: false };
  const driftUsd = roundUsd(providerCostUsd - costUsd);
  const drift = Math.abs(driftUsd) > Math.max(DRIFT_FLOOR_USD, DRIFT_RATIO * providerCostUsd);
  return { costUsd, breakdown, providerCostUsd, driftUsd, drift };
}

/** What the same tokens would have cost at Anthropic's list price for `tier` (the savings baseline). */
export function referenceCostUsd(usage: CostUsage, tier: Tier): number | null {
  return computeCost({ price: referencePrice(tier), usage }).costUsd;
}

/**
 * Reference minus actual cost: what routing away from Anthropic saved, negative
 * when the route was dearer; null when either is unknown (an unknown cost is not a saving).
 */
export function savingsUsd(referenceUsd: number | null, actualCostUsd: number | null): number | null {
  const actual = usd(actualCostUsd);
  const reference = usd(referenceUsd);
  return actual === null || reference === null ? null : roundUsd(reference - actual);
}

/**
 * The rates a request is billed at: the long-context ones when its prompt (uncached
 * input + cache reads + cache writes) is above the model's threshold, as Google and
 * Anthropic bill prompts over 200k tokens; then every token of the request, output
 * included, is at the long-context rate.
 */
export function ratesFor(p: ModelPrice, u: CostUsage): PriceRates {
  const lc = p.longContext;
  if (!lc || !validPrice(lc) || !(lc.thresholdTokens >= 0)) return p;
  const prompt = tokens(u.input_tokens) + tokens(u.cache_read_input_tokens) + tokens(u.cache_creation_input_tokens);
  return prompt > lc.thresholdTokens ? lc : p;
}

function priceUsage(p: PriceRates, u: CostUsage): CostBreakdown {
  // No known cache-read discount: bill reads as plain input. That is what a
  // provider without a discount charges, and it never understates the cost.
  const readPerM = usd(p.cacheReadPerM) ?? p.inputPerM;
  // No write surcharge known (OpenAI, DeepSeek, Gemini, config prices): a written
  // token is billed as ordinary input.
  const write5mPerM = usd(p.cacheWrite5mPerM) ?? p.inputPerM;
  // A 1h price missing while 5m is known: fall back to the 5m price.
  const write1hPerM = usd(p.cacheWrite1hPerM) ?? write5mPerM;

  // cache_creation_input_tokens is the authoritative total (the ledger records
  // it); the split only picks prices. Without a split, every write is 5m.
  const writes = tokens(u.cache_creation_input_tokens);
  const writes1h = Math.min(tokens(u.cache_creation?.ephemeral_1h_input_tokens), writes);
  const writes5m = writes - writes1h;

  return {
    inputUsd: perM(tokens(u.input_tokens), p.inputPerM),
    outputUsd: perM(tokens(u.output_tokens), p.outputPerM),
    cacheReadUsd: perM(tokens(u.cache_read_input_tokens), readPerM),
    cacheWriteUsd: roundUsd(perM(writes5m, write5mPerM) + perM(writes1h, write1hPerM)),
  };
}

function perM(count: number, pricePerM: number): number {
  return roundUsd((count * pricePerM) / 1e6);
}

/**
 * Round to 1e-9 USD (a nano-dollar, far below any real charge). Binary floats
 * drift (0.1 + 0.2 = 0.30000000000000004); rounding each part and the sum keeps
 * results equal to hand arithmetic, so tests compare exactly and ledger sums stay stable.
 */
export function roundUsd(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

function validPrice(p: PriceRates): boolean {
  return isRate(p.inputPerM) && isRate(p.outputPerM);
}

function isRate(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

/** A usable dollar figure or rate, or null (missing, NaN, negative). */
function usd(v: number | null | undefined): number | null {
  return isRate(v) ? v : null;
}

/** Token counts from upstreams are trusted only as non-negative finite numbers. */
function tokens(v: number | undefined): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
}

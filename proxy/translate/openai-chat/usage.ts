import type { Usage } from '../../protocol/anthropic/types.js';
import type { ChatUsage } from '../../protocol/openai/types.js';

/**
 * OpenAI-style usage → Anthropic usage.
 *
 * OpenAI's prompt_tokens INCLUDES cached tokens, Anthropic's input_tokens EXCLUDES
 * them (clients add input + cache_read + cache_creation): passing prompt_tokens
 * through double-counts every cached token.
 */
export function toAnthropicUsage(u: ChatUsage | null | undefined): Usage {
  if (!u) return { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 };
  const details = u.prompt_tokens_details;
  // DeepSeek reports hits/misses instead of prompt_tokens_details.
  const cacheRead = num(details?.cached_tokens ?? u.prompt_cache_hit_tokens);
  const cacheCreation = num(details?.cache_write_tokens);
  const input =
    typeof u.prompt_cache_miss_tokens === 'number'
      ? u.prompt_cache_miss_tokens
      : Math.max(0, num(u.prompt_tokens) - cacheRead - cacheCreation);
  return {
    input_tokens: input,
    cache_creation_input_tokens: cacheCreation,
    cache_read_input_tokens: cacheRead,
    output_tokens: num(u.completion_tokens),
  };
}

function num(v: unknown): number {
  return typeof v === 'number' && v > 0 ? v : 0;
}

/**
 * What the provider says the request cost, in USD: OpenRouter's `usage.cost` (on
 * the JSON answer, and on a stream's final usage chunk, with no request flag needed).
 * With BYOK (`is_byok`) that is only OpenRouter's fee: the upstream provider bills
 * the user's own key for `cost_details.upstream_inference_cost`, so the charge the
 * token prices should match is the sum. Undefined when the provider does not say.
 */
export function providerCostOf(u: ChatUsage | null | undefined): number | undefined {
  const cost = usd(u?.cost);
  if (cost === undefined) return undefined;
  if (u?.is_byok !== true) return cost;
  const upstream = usd(u.cost_details?.upstream_inference_cost);
  // Rounded to a nano-dollar, as the ledger's own figures are (cost.ts roundUsd).
  return upstream === undefined ? undefined : Math.round((cost + upstream) * 1e9) / 1e9;
}

function usd(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

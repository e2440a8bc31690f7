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

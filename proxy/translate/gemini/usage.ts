import type { Usage } from '../../protocol/anthropic/types.js';
import type { GeminiUsageMetadata } from '../../protocol/gemini/types.js';

/**
 * Gemini usageMetadata → Anthropic usage (reference §3.4).
 *
 * promptTokenCount INCLUDES cached tokens while Anthropic's input_tokens excludes
 * them (clients add input + cache_read + cache_creation), and candidatesTokenCount
 * EXCLUDES thinking while Anthropic's output_tokens includes it. Tool-use prompt
 * tokens (grounding results fed back to the model) are billed as input.
 * Implicit caching has no write charge, so cache_creation is always 0.
 */
export function geminiUsage(u: GeminiUsageMetadata | null | undefined): Usage {
  if (!u) return { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 };
  const cached = num(u.cachedContentTokenCount);
  return {
    input_tokens: Math.max(0, num(u.promptTokenCount) - cached) + num(u.toolUsePromptTokenCount),
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cached,
    output_tokens: num(u.candidatesTokenCount) + num(u.thoughtsTokenCount),
  };
}

function num(v: unknown): number {
  return typeof v === 'number' && v > 0 ? v : 0;
}

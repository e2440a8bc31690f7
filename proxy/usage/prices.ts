import type { ResolvedProvider } from '../config/resolve.js';
import type { Tier } from '../providers/types.js';

// USD per million tokens for known models, with where each figure came from.
// A model that is not here and has no price in config is unknown: it is never
// treated as free. (Live OpenRouter prices and more providers come later.)

export interface ModelPrice {
  inputPerM: number;
  outputPerM: number;
  /** Cache reads, when the provider discounts them. */
  cacheReadPerM?: number;
  /**
   * Cache writes with a 5-minute / 1-hour TTL (Anthropic: 1.25× and 2× input).
   * Absent for OpenAI, DeepSeek and Gemini: their automatic caching has no write fee.
   */
  cacheWrite5mPerM?: number;
  cacheWrite1hPerM?: number;
  source: string;
}

// Base prices from Anthropic's pricing page; cache prices are its standard
// multipliers (read 0.1×, write 1.25× for 5 min, 2× for 1 h), which LiteLLM's table agrees with.
const ANTHROPIC_2025 = 'platform.claude.com pricing, 2025-11 (cache: 0.1× read, 1.25×/2× write)';
const OPENAI_2025 = 'openai.com/api/pricing, 2025-08';

// Literals rather than multiplied out, so 0.1 × 3 never becomes 0.30000000000000004.
const OPUS_4_5: ModelPrice = { inputPerM: 5, outputPerM: 25, cacheReadPerM: 0.5, cacheWrite5mPerM: 6.25, cacheWrite1hPerM: 10, source: ANTHROPIC_2025 };
const OPUS_4_1: ModelPrice = { inputPerM: 15, outputPerM: 75, cacheReadPerM: 1.5, cacheWrite5mPerM: 18.75, cacheWrite1hPerM: 30, source: ANTHROPIC_2025 };
const SONNET_4_5: ModelPrice = { inputPerM: 3, outputPerM: 15, cacheReadPerM: 0.3, cacheWrite5mPerM: 3.75, cacheWrite1hPerM: 6, source: ANTHROPIC_2025 };
const HAIKU_4_5: ModelPrice = { inputPerM: 1, outputPerM: 5, cacheReadPerM: 0.1, cacheWrite5mPerM: 1.25, cacheWrite1hPerM: 2, source: ANTHROPIC_2025 };

/** Keyed by provider type, then upstream model id. */
const BUNDLED: Record<string, Record<string, ModelPrice>> = {
  anthropic: {
    'claude-opus-4-5': OPUS_4_5,
    'claude-opus-4-1': OPUS_4_1,
    'claude-sonnet-4-5': SONNET_4_5,
    'claude-haiku-4-5': HAIKU_4_5,
  },
  openrouter: {
    // OpenRouter passes through the model maker's list price, cache writes included.
    'anthropic/claude-opus-4.5': OPUS_4_5,
    'anthropic/claude-sonnet-4.5': SONNET_4_5,
    'anthropic/claude-haiku-4.5': HAIKU_4_5,
    'openai/gpt-4.1': { inputPerM: 2, outputPerM: 8, cacheReadPerM: 0.5, source: OPENAI_2025 },
  },
  openai: {
    'gpt-5': { inputPerM: 1.25, outputPerM: 10, cacheReadPerM: 0.125, source: OPENAI_2025 },
    'gpt-5-mini': { inputPerM: 0.25, outputPerM: 2, cacheReadPerM: 0.025, source: OPENAI_2025 },
    'gpt-5-nano': { inputPerM: 0.05, outputPerM: 0.4, cacheReadPerM: 0.005, source: OPENAI_2025 },
    'gpt-4.1': { inputPerM: 2, outputPerM: 8, cacheReadPerM: 0.5, source: OPENAI_2025 },
    'gpt-4o-mini': { inputPerM: 0.15, outputPerM: 0.6, cacheReadPerM: 0.075, source: OPENAI_2025 },
  },
  deepseek: {
    'deepseek-chat': { inputPerM: 0.28, outputPerM: 0.42, cacheReadPerM: 0.028, source: 'api-docs.deepseek.com pricing, 2025-12' },
  },
};

/** Providers that run on the user's own machine: no API charge. */
const LOCAL_TYPES = new Set(['ollama']);

/** The price of a provider's model: config first, then the bundled table; null when unknown. */
export function priceFor(provider: ResolvedProvider, model: string): ModelPrice | null {
  const configured = provider.models[model]?.price;
  if (configured) return { ...configured, source: 'config' };
  if (LOCAL_TYPES.has(provider.type)) return { inputPerM: 0, outputPerM: 0, source: 'local model' };
  return BUNDLED[provider.type]?.[model] ?? null;
}

const REFERENCE: Record<Tier, ModelPrice> = { opus: OPUS_4_5, sonnet: SONNET_4_5, haiku: HAIKU_4_5 };

/**
 * Anthropic's first-party list price for a Claude Code tier: the savings baseline
 * ("what these tokens would have cost at Anthropic"). Uses the latest model per tier
 * whose prices the reference verifies (Opus 4.5, Sonnet 4.5, Haiku 4.5), cache prices included.
 */
export function referencePrice(tier: Tier): ModelPrice {
  return { ...REFERENCE[tier] };
}

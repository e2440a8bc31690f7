import type { ResolvedProvider } from '../config/resolve.js';

// USD per million tokens for known models, with where each figure came from.
// A model that is not here and has no price in config is unknown: it is never
// treated as free. (The cost ledger will extend this with cache prices, live
// OpenRouter prices and more providers.)

export interface ModelPrice {
  inputPerM: number;
  outputPerM: number;
  /** Cache reads, when the provider discounts them. */
  cacheReadPerM?: number;
  source: string;
}

const ANTHROPIC_2025 = 'platform.claude.com pricing, 2025-11';
const OPENAI_2025 = 'openai.com/api/pricing, 2025-08';

/** Keyed by provider type, then upstream model id. */
const BUNDLED: Record<string, Record<string, ModelPrice>> = {
  anthropic: {
    'claude-opus-4-5': { inputPerM: 5, outputPerM: 25, cacheReadPerM: 0.5, source: ANTHROPIC_2025 },
    'claude-opus-4-1': { inputPerM: 15, outputPerM: 75, cacheReadPerM: 1.5, source: ANTHROPIC_2025 },
    'claude-sonnet-4-5': { inputPerM: 3, outputPerM: 15, cacheReadPerM: 0.3, source: ANTHROPIC_2025 },
    'claude-haiku-4-5': { inputPerM: 1, outputPerM: 5, cacheReadPerM: 0.1, source: ANTHROPIC_2025 },
  },
  openrouter: {
    // OpenRouter passes through the model maker's list price.
    'anthropic/claude-opus-4.5': { inputPerM: 5, outputPerM: 25, cacheReadPerM: 0.5, source: ANTHROPIC_2025 },
    'anthropic/claude-sonnet-4.5': { inputPerM: 3, outputPerM: 15, cacheReadPerM: 0.3, source: ANTHROPIC_2025 },
    'anthropic/claude-haiku-4.5': { inputPerM: 1, outputPerM: 5, cacheReadPerM: 0.1, source: ANTHROPIC_2025 },
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

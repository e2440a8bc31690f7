import type { PriceSpec } from '../providers/types.js';

// The bundled price table: USD per million tokens for known models, each with
// where the figure came from and when it was checked. Every figure here is in
// the project's research notes (../shared/reference/providers.md §5.2); a model
// whose price the notes do not give is left out, so it is priced from the live
// OpenRouter list, from config, or recorded as unknown, never guessed.

export interface TablePrice extends PriceSpec {
  source: string;
}

// Base prices from Anthropic's pricing page; cache prices are its standard
// multipliers (read 0.1×, write 1.25× for 5 min, 2× for 1 h), which LiteLLM's table agrees with.
const ANTHROPIC = 'platform.claude.com pricing, 2025-11 (cache: 0.1× read, 1.25×/2× write)';
const OPENAI = 'openai.com/api/pricing, 2025-08';
// Vertex AI lists Claude at Anthropic's price on its global endpoint, from Sonnet 4.5 on;
// regional endpoints carry a premium (not in the notes: set a config price if you use one).
const VERTEX_CLAUDE = 'Anthropic list price, Vertex AI global endpoint (no premium from Sonnet 4.5 on; platform.claude.com claude-on-vertex-ai), checked 2026-10';
const GEMINI_PRO = 'cloud.google.com/vertex-ai/generative-ai/pricing via LiteLLM gemini/gemini-2.5-pro, checked 2026-10';
const GEMINI_FLASH = 'LiteLLM-derived pricing tables (secondary; the 0.03 cache read is not checked on Google\'s page), 2026-10';

// Literals rather than multiplied out, so 0.1 × 3 never becomes 0.30000000000000004.
const OPUS_4_5: TablePrice = { inputPerM: 5, outputPerM: 25, cacheReadPerM: 0.5, cacheWrite5mPerM: 6.25, cacheWrite1hPerM: 10, source: ANTHROPIC };
const OPUS_4_1: TablePrice = { inputPerM: 15, outputPerM: 75, cacheReadPerM: 1.5, cacheWrite5mPerM: 18.75, cacheWrite1hPerM: 30, source: ANTHROPIC };
const HAIKU_4_5: TablePrice = { inputPerM: 1, outputPerM: 5, cacheReadPerM: 0.1, cacheWrite5mPerM: 1.25, cacheWrite1hPerM: 2, source: ANTHROPIC };
// Prompts above 200k tokens (the 1M-context window) are billed at the long-context rates (LiteLLM *_above_200k_tokens).
const SONNET_4_5: TablePrice = {
  inputPerM: 3,
  outputPerM: 15,
  cacheReadPerM: 0.3,
  cacheWrite5mPerM: 3.75,
  cacheWrite1hPerM: 6,
  longContext: { thresholdTokens: 200_000, inputPerM: 6, outputPerM: 22.5, cacheReadPerM: 0.6, cacheWrite5mPerM: 7.5, cacheWrite1hPerM: 12 },
  source: `${ANTHROPIC}; above 200k prompt tokens: LiteLLM model_prices_and_context_window.json, checked 2026-10`,
};

// Gemini's implicit caching has no write fee; explicit-cache storage (per hour) is not modelled.
const GEMINI_2_5_PRO: TablePrice = {
  inputPerM: 1.25,
  outputPerM: 10,
  cacheReadPerM: 0.125,
  longContext: { thresholdTokens: 200_000, inputPerM: 2.5, outputPerM: 15, cacheReadPerM: 0.25 },
  source: GEMINI_PRO,
};
const GEMINI_2_5_FLASH: TablePrice = { inputPerM: 0.3, outputPerM: 2.5, cacheReadPerM: 0.03, source: GEMINI_FLASH };

const vertex = (p: TablePrice): TablePrice => ({ ...p, source: VERTEX_CLAUDE });

const ANTHROPIC_MODELS: Record<string, TablePrice> = {
  'claude-opus-4-5': OPUS_4_5,
  'claude-opus-4-1': OPUS_4_1,
  'claude-sonnet-4-5': SONNET_4_5,
  'claude-haiku-4-5': HAIKU_4_5,
};

// Opus 4.1 predates the no-premium global endpoint, so its Vertex price is not known here.
const VERTEX_CLAUDE_MODELS: Record<string, TablePrice> = {
  'claude-opus-4-5': vertex(OPUS_4_5),
  'claude-sonnet-4-5': vertex(SONNET_4_5),
  'claude-haiku-4-5': vertex(HAIKU_4_5),
};

const GEMINI_MODELS: Record<string, TablePrice> = {
  'gemini-2.5-pro': GEMINI_2_5_PRO,
  'gemini-2.5-flash': GEMINI_2_5_FLASH,
};

/**
 * Keyed by provider type, then upstream model id (dates and `models/` prefixes
 * are stripped before the lookup; see prices.ts).
 */
export const BUNDLED: Readonly<Record<string, Readonly<Record<string, TablePrice>>>> = deepFreeze({
  anthropic: ANTHROPIC_MODELS,
  'vertex-claude': VERTEX_CLAUDE_MODELS,
  aistudio: GEMINI_MODELS,
  'vertex-gemini': GEMINI_MODELS,
  openrouter: {
    // OpenRouter passes through the model maker's list price (cache writes included). These only
    // matter until its live model list has been fetched once; the live prices replace them.
    'anthropic/claude-opus-4.5': OPUS_4_5,
    'anthropic/claude-sonnet-4.5': SONNET_4_5,
    'anthropic/claude-haiku-4.5': HAIKU_4_5,
    'openai/gpt-4.1': { inputPerM: 2, outputPerM: 8, cacheReadPerM: 0.5, source: OPENAI },
    'google/gemini-2.5-pro': GEMINI_2_5_PRO,
    'google/gemini-2.5-flash': GEMINI_2_5_FLASH,
  },
  openai: {
    'gpt-5': { inputPerM: 1.25, outputPerM: 10, cacheReadPerM: 0.125, source: OPENAI },
    'gpt-5-mini': { inputPerM: 0.25, outputPerM: 2, cacheReadPerM: 0.025, source: OPENAI },
    'gpt-5-nano': { inputPerM: 0.05, outputPerM: 0.4, cacheReadPerM: 0.005, source: OPENAI },
    'gpt-4.1': { inputPerM: 2, outputPerM: 8, cacheReadPerM: 0.5, source: OPENAI },
    'gpt-4o-mini': { inputPerM: 0.15, outputPerM: 0.6, cacheReadPerM: 0.075, source: OPENAI },
  },
  deepseek: {
    // deepseek-reasoner and the V4 models are left out: the notes give no verified price for them.
    'deepseek-chat': { inputPerM: 0.28, outputPerM: 0.42, cacheReadPerM: 0.028, source: 'api-docs.deepseek.com pricing (V3.2), 2025-12' },
  },
  // github-models: no per-token price is published for its free tier (rate-limited) and the paid
  // "token unit" rate is unverified, so its models stay unknown unless the config prices them.
});

/** Anthropic's first-party list prices per Claude Code tier (the savings baseline). */
export const ANTHROPIC_REFERENCE = { opus: OPUS_4_5, sonnet: SONNET_4_5, haiku: HAIKU_4_5 } as const;

/** Lookups hand out shallow copies; freezing keeps nested parts (longContext) from being changed through them. */
function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

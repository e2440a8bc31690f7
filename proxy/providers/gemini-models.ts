import type { GeminiModelFacts, ModelInfo, ProviderSpec } from './types.js';

// Gemini model facts by family, shared by every gemini-dialect provider (AI Studio
// and Vertex AI Gemini): the same model ids behave the same on both.
// Reference providers.md §2.3: Gemini 3 takes thinkingLevel, requires thought
// signatures on function calls and accepts media inside functionResponse.parts;
// Gemini 2.5 takes a thinkingBudget; older models have no thinking controls.

/** Output ceiling for a model whose family is not known: the smallest current Gemini limit. */
const UNKNOWN_MAX_OUTPUT = 8192;

const GEMINI_3: GeminiModelFacts = { thinking: 'level', requiresSignatures: true, multimodalToolResults: true, maxOutputTokens: 65536, contextWindow: 1_048_576 };
const GEMINI_2_5: GeminiModelFacts = { thinking: 'budget', requiresSignatures: false, multimodalToolResults: false, maxOutputTokens: 65536, contextWindow: 1_048_576 };
const GEMINI_2_0: GeminiModelFacts = { thinking: 'none', requiresSignatures: false, multimodalToolResults: false, maxOutputTokens: 8192, contextWindow: 1_048_576 };
const OTHER: GeminiModelFacts = { thinking: 'none', requiresSignatures: false, multimodalToolResults: false, maxOutputTokens: UNKNOWN_MAX_OUTPUT };

/**
 * Facts for a Gemini model id ('gemini-2.5-pro', 'models/gemini-3-pro-preview',
 * 'google/gemini-2.5-flash'). Later major versions are assumed to behave like Gemini 3.
 */
export function geminiModelFacts(model: string): GeminiModelFacts {
  const id = model.slice(model.lastIndexOf('/') + 1).toLowerCase();
  // AI Studio's moving aliases (gemini-pro-latest, gemini-flash-latest) point at the 2.5 line.
  if (/^gemini-(pro|flash|flash-lite)-latest$/.test(id)) return GEMINI_2_5;
  const m = /^gemini-(\d+)(?:\.(\d+))?/.exec(id);
  if (!m) return OTHER;
  const major = Number(m[1]);
  const minor = Number(m[2] ?? 0);
  if (major >= 3) return GEMINI_3;
  if (major === 2 && minor >= 5) return GEMINI_2_5;
  if (major === 2) return GEMINI_2_0;
  return OTHER;
}

/** Gemini models that think (their thinking can be configured). */
export function isGeminiThinkingModel(model: string): boolean {
  return geminiModelFacts(model).thinking !== 'none';
}

/** The limits of the models a preset names, so routing knows their context windows. */
export function geminiModelTable(ids: string[]): Record<string, ModelInfo> {
  return Object.fromEntries(
    ids.map((id) => {
      const f = geminiModelFacts(id);
      return [id, { maxOutputTokens: f.maxOutputTokens, contextWindow: f.contextWindow, reasoning: f.thinking !== 'none' }];
    }),
  );
}

/** What AI Studio and Vertex AI Gemini both offer by default: Gemini 2.5 Pro and Flash are the models the price table covers. */
export const GEMINI_DEFAULTS = {
  tiers: { opus: 'gemini-2.5-pro', sonnet: 'gemini-2.5-pro', haiku: 'gemini-2.5-flash' },
  models: geminiModelTable(['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.5-flash-lite', 'gemini-3-pro-preview', 'gemini-2.0-flash']),
  isReasoningModel: isGeminiThinkingModel,
} satisfies Pick<ProviderSpec, 'tiers' | 'models' | 'isReasoningModel'>;

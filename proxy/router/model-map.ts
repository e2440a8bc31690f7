import type { ResolvedProvider } from '../config/resolve.js';
import type { ModelInfo, Tier } from '../providers/types.js';

/** The Claude tier a requested model name belongs to, if it is a Claude name. */
export function tierOf(model: string): Tier | undefined {
  const m = model.toLowerCase();
  if (m === 'opus' || m === 'sonnet' || m === 'haiku') return m;
  // Anything else that is not a claude-* name is one the user chose ("anthropic/claude-3.5-haiku"
  // on OpenRouter, "my-opus-finetune"): it goes upstream as given.
  if (!m.startsWith('claude')) return undefined;
  if (m.includes('opus')) return 'opus';
  if (m.includes('sonnet')) return 'sonnet';
  if (m.includes('haiku')) return 'haiku';
  // Other Claude names (new families) get the middle tier's model.
  return 'sonnet';
}

/** `provider,model` in the model field picks a provider and an upstream model explicitly. */
export function parseExplicitModel(model: string): { provider: string; model: string } | null {
  const comma = model.indexOf(',');
  if (comma <= 0 || comma === model.length - 1) return null;
  return { provider: model.slice(0, comma).trim(), model: model.slice(comma + 1).trim() };
}

/**
 * The upstream model a provider uses for a requested name: an exact override, else
 * the provider's own id for a name it knows (Vertex's `claude-x@date`), else the
 * tier's model, else the name as given (a non-Claude name the user chose).
 */
export function upstreamModelFor(provider: ResolvedProvider, requested: string): string {
  const exact = provider.modelMap[requested];
  if (exact) return exact;
  const own = provider.modelId?.(requested);
  if (own) return own;
  const tier = tierOf(requested);
  if (tier) {
    const mapped = provider.tiers[tier];
    if (mapped) return mapped;
  }
  return requested;
}

export interface EffectiveModelInfo extends ModelInfo {
  reasoning: boolean;
}

export function modelInfoFor(provider: ResolvedProvider, model: string): EffectiveModelInfo {
  const known = provider.models[model];
  return {
    maxOutputTokens: known?.maxOutputTokens ?? provider.defaultMaxOutputTokens,
    contextWindow: known?.contextWindow,
    reasoning: known?.reasoning ?? provider.isReasoningModel?.(model) ?? false,
  };
}

/** Claude names advertised on /v1/models so Claude Code's /model picker shows every tier. */
export const TIER_ALIASES: Record<Tier, { id: string; display: string }> = {
  opus: { id: 'claude-opus-5-5', display: 'Claude Opus' },
  sonnet: { id: 'claude-sonnet-5-5', display: 'Claude Sonnet' },
  haiku: { id: 'claude-haiku-5-5', display: 'Claude Haiku' },
};

import type { ResolvedProvider } from '../config/resolve.js';
import type { Target } from '../dialects/types.js';
import { TIER_ALIASES, tierOf } from '../router/model-map.js';
import { TYPICAL_OUTPUT_TOKENS } from '../router/strategies/cost.js';
import { STATIC_PRICES, type PriceLookup } from '../usage/prices.js';

// What "downgrade" does once a budget is used up.
//  - haiku: an opus- or sonnet-tier request is planned exactly as if the client
//    had asked for the haiku tier (Claude Code's own haiku name), so it goes
//    wherever haiku-tier requests go: each provider's haiku model, and on the
//    router port the scenario routes a haiku request would get. Requests that
//    name a model outside the Claude tiers are left as they are: the user chose
//    that model, and we cannot tell whether haiku would be cheaper.
//  - cheapest: every request goes to the cheapest priced target among the
//    models the config names (each provider's tier models, modelMap targets,
//    and models given a price in modelInfo); the next cheapest follow as
//    fallbacks. A model with no known price is never the cheapest; a local one
//    (Ollama) costs nothing.

/** The haiku-tier name a downgraded request is planned with, or null when the request is not opus or sonnet tier. */
export function haikuModelFor(requested: string): string | null {
  const tier = tierOf(requested);
  return tier === 'opus' || tier === 'sonnet' ? TIER_ALIASES.haiku.id : null;
}

/** Input tokens of a typical Claude Code turn (its first turn is ~12k, later ones grow); with TYPICAL_OUTPUT_TOKENS it weighs the two prices. */
const TYPICAL_INPUT_TOKENS = 20_000;

export interface PricedTarget extends Target {
  /** USD of a typical turn (TYPICAL_INPUT_TOKENS in, TYPICAL_OUTPUT_TOKENS out) at list prices. */
  typicalUsd: number;
}

/**
 * Every provider's cheapest priced model, cheapest first (ties keep config
 * order). Providers with no priced model are left out.
 */
export function cheapestTargets(providers: Iterable<ResolvedProvider>, prices: PriceLookup = STATIC_PRICES): PricedTarget[] {
  const out: PricedTarget[] = [];
  for (const provider of providers) {
    let best: PricedTarget | null = null;
    for (const model of configuredModels(provider)) {
      const p = prices.priceFor(provider, model);
      if (!p || !Number.isFinite(p.inputPerM) || !Number.isFinite(p.outputPerM)) continue;
      const typicalUsd = (TYPICAL_INPUT_TOKENS * p.inputPerM + TYPICAL_OUTPUT_TOKENS * p.outputPerM) / 1e6;
      if (!best || typicalUsd < best.typicalUsd) best = { provider, model, typicalUsd };
    }
    if (best) out.push(best);
  }
  return out.sort((a, b) => a.typicalUsd - b.typicalUsd);
}

/** Models the config (or the preset's tiers) names for this provider. */
function configuredModels(p: ResolvedProvider): Set<string> {
  const models = new Set<string>();
  for (const m of Object.values(p.tiers)) if (m) models.add(m);
  for (const m of Object.values(p.modelMap)) models.add(m);
  for (const [m, info] of Object.entries(p.models)) if (info.price) models.add(m);
  return models;
}

const cache = new WeakMap<ReadonlyMap<string, ResolvedProvider>, { prices: PriceLookup; version: number | undefined; plan: PricedTarget[] }>();

/** cheapestTargets for a settings' provider map, recomputed only when the prices change (a live list arrives). */
export function cheapestPlan(providers: ReadonlyMap<string, ResolvedProvider>, prices: PriceLookup = STATIC_PRICES): PricedTarget[] {
  const hit = cache.get(providers);
  if (hit && hit.prices === prices && hit.version === prices.version) return hit.plan;
  const plan = cheapestTargets(providers.values(), prices);
  cache.set(providers, { prices, version: prices.version, plan });
  return plan;
}

/** "ollama,qwen3-coder", or null when no target is priced. */
export function cheapestLabel(providers: ReadonlyMap<string, ResolvedProvider>, prices: PriceLookup = STATIC_PRICES): string | null {
  const first = cheapestPlan(providers, prices)[0];
  return first ? `${first.provider.id},${first.model}` : null;
}

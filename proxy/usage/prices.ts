import type { ResolvedProvider } from '../config/resolve.js';
import type { PriceSpec, Tier } from '../providers/types.js';
import { ANTHROPIC_REFERENCE, BUNDLED } from './price-table.js';

// Where a request's price comes from, first match wins:
//   1. config: providers.<id>.modelInfo.<model>.price, then providers.<id>.price
//   2. local:  Ollama runs on the user's machine (no API charge)
//   3. live:   the provider's own price list (OpenRouter's model list; price-book.ts)
//   4. bundled: the table in price-table.ts
//   5. unknown (null): never treated as free.
// This runs for every candidate of every request, so it is a few map lookups.

export type { LongContextRates, PriceRates, PriceSpec } from '../providers/types.js';

export type PriceOrigin = 'config' | 'local' | 'live' | 'bundled';

export interface ModelPrice extends PriceSpec {
  /** Where the figures came from, in words (a page and its date, or the config field). */
  source: string;
  /** Which rung of the precedence supplied it; absent on hand-built prices. */
  origin?: PriceOrigin;
}

/** Something that prices a provider's model: the Gateway's PriceBook, or the static lookup below. */
export interface PriceLookup {
  priceFor(provider: ResolvedProvider, model: string): ModelPrice | null;
  /** Changes whenever a price may have changed (a live list arrived), so derived plans know to recompute. */
  readonly version?: number;
}

/** Providers that run on the user's own machine: no API charge. */
const LOCAL_TYPES = new Set(['ollama']);

const LOCAL: ModelPrice = Object.freeze({ inputPerM: 0, outputPerM: 0, source: 'local model', origin: 'local' });

/**
 * The price of a provider's model (see the precedence above); null when unknown.
 * `live` is the provider's live price list, when it has one.
 */
export function priceFor(provider: ResolvedProvider, model: string, live?: ReadonlyMap<string, ModelPrice>): ModelPrice | null {
  const fixed = fixedPrices(provider, model);
  if (fixed.own) return fixed.own;
  const fromLive = live?.get(model);
  if (fromLive) return fromLive;
  return fixed.bundled;
}

/** Distinct model names remembered per provider object; a client naming endless models only clears it. */
const MEMO_MODELS = 256;
const memo = new WeakMap<ResolvedProvider, Map<string, { own: ModelPrice | null; bundled: ModelPrice | null }>>();

/**
 * The prices of a provider's model that cannot change while the provider object lives
 * (config, local, bundled), built once: the router asks for every candidate of every
 * request. A reconfigured provider is a new object, so it starts afresh. Frozen: shared.
 */
function fixedPrices(provider: ResolvedProvider, model: string): { own: ModelPrice | null; bundled: ModelPrice | null } {
  let byModel = memo.get(provider);
  if (!byModel) memo.set(provider, (byModel = new Map()));
  let hit = byModel.get(model);
  if (hit) return hit;
  const configured = provider.models[model]?.price;
  const own = configured
    ? { ...configured, source: `config: providers.${provider.id}.modelInfo["${model}"].price`, origin: 'config' as const }
    : provider.price
      ? { ...provider.price, source: `config: providers.${provider.id}.price`, origin: 'config' as const }
      : LOCAL_TYPES.has(provider.type)
        ? LOCAL
        : null;
  hit = { own: own && Object.freeze(own), bundled: bundledPrice(provider.type, model) };
  if (byModel.size >= MEMO_MODELS) byModel.clear();
  byModel.set(model, hit);
  return hit;
}

/** The bundled table's price for a provider type's model, trying the exact id, then its canonical form. */
export function bundledPrice(type: string, model: string): ModelPrice | null {
  const table = BUNDLED[type];
  if (!table) return null;
  const hit = table[model] ?? table[canonicalModel(model)];
  return hit ? Object.freeze({ ...hit, origin: 'bundled' as const }) : null;
}

/** Every model of a provider type that the bundled table prices (for /api/prices). */
export function bundledModels(type: string): string[] {
  return Object.keys(BUNDLED[type] ?? {});
}

/**
 * The id a model's price is filed under: without a release date (Anthropic's
 * `claude-sonnet-4-5-20250929`, Vertex's `claude-sonnet-4-5@20250929`) and without
 * Gemini's `models/` prefix. Dated snapshots are priced like their alias.
 */
export function canonicalModel(model: string): string {
  return model.replace(/^models\//, '').replace(/(?:@|-)\d{8}$/, '');
}

/**
 * Anthropic's first-party list price for a Claude Code tier: the savings baseline
 * ("what these tokens would have cost at Anthropic"). Uses the latest model per tier
 * whose prices the reference verifies (Opus 4.5, Sonnet 4.5, Haiku 4.5), cache prices included.
 */
export function referencePrice(tier: Tier): ModelPrice {
  return REFERENCE[tier];
}

const REFERENCE: Record<Tier, ModelPrice> = {
  opus: Object.freeze({ ...ANTHROPIC_REFERENCE.opus, origin: 'bundled' as const }),
  sonnet: Object.freeze({ ...ANTHROPIC_REFERENCE.sonnet, origin: 'bundled' as const }),
  haiku: Object.freeze({ ...ANTHROPIC_REFERENCE.haiku, origin: 'bundled' as const }),
};

/** The module-level lookup (config, local, bundled; no live prices): for code without a Gateway. */
export const STATIC_PRICES: PriceLookup = { priceFor: (provider, model) => priceFor(provider, model) };

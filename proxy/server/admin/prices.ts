import type { FastifyInstance, RouteShorthandOptions } from 'fastify';
import type { ResolvedProvider, Settings } from '../../config/resolve.js';
import type { PriceSpec, Tier } from '../../providers/types.js';
import { TIER_ALIASES, upstreamModelFor } from '../../router/model-map.js';
import { ROUTED_SCENARIOS, type ScenarioRoutes } from '../../router/scenario-routes.js';
import type { LiveStatus, PriceBook } from '../../usage/price-book.js';
import { bundledModels, type PriceOrigin } from '../../usage/prices.js';

// GET /api/prices: what each enabled provider's models are billed at, and why
// (config, live list, bundled table, or unknown), so users and the UI can check
// the figures behind the ledger's costs and the cost strategy.

export interface PricedModel {
  model: string;
  /** How requests reach it: "tier:sonnet", "modelMap:<requested>", "scenario:think"; empty when it is only known. */
  uses: string[];
  origin: PriceOrigin | 'unknown';
  source: string | null;
  /** USD per million tokens; null when unknown (never shown as free). */
  price: PriceSpec | null;
}

export interface ProviderPrices {
  id: string;
  type: string;
  label: string;
  /** The provider's live price list, for providers that have one. */
  live: LiveStatus | null;
  models: PricedModel[];
}

/** Per enabled provider: the models it serves or knows, priced. `all`: every model of its live list too. */
export function pricesReport(settings: Settings, book: PriceBook, opts: { all?: boolean; provider?: string; scenarios?: ScenarioRoutes } = {}): ProviderPrices[] {
  const scenarios = opts.scenarios ?? settings.scenarioRoutes;
  const out: ProviderPrices[] = [];
  for (const p of settings.providers.values()) {
    if (opts.provider && p.id !== opts.provider) continue;
    const uses = modelUses(p, scenarios);
    for (const m of Object.keys(p.models)) uses.get(m) ?? uses.set(m, []);
    for (const m of bundledModels(p.type)) uses.get(m) ?? uses.set(m, []);
    if (opts.all) for (const m of book.liveModels(p.id)) uses.get(m) ?? uses.set(m, []);
    const models: PricedModel[] = [];
    for (const [model, how] of uses) {
      const price = book.priceFor(p, model);
      if (!price) {
        models.push({ model, uses: how, origin: 'unknown', source: null, price: null });
        continue;
      }
      const { source, origin, ...rates } = price;
      models.push({ model, uses: how, origin: origin ?? 'config', source, price: rates });
    }
    out.push({ id: p.id, type: p.type, label: p.label, live: book.liveStatus(p.id), models });
  }
  return out;
}

/** Upstream models a provider is asked for (tiers, modelMap, scenario routes), in that order, with how. */
function modelUses(p: ResolvedProvider, scenarios: ScenarioRoutes): Map<string, string[]> {
  const uses = new Map<string, string[]>();
  const add = (model: string, how: string) => {
    const list = uses.get(model);
    if (!list) uses.set(model, [how]);
    else if (!list.includes(how)) list.push(how);
  };
  // Claude Code's tier names, as this provider maps them (a provider without tiers gets them unchanged).
  for (const tier of Object.keys(TIER_ALIASES) as Tier[]) add(upstreamModelFor(p, TIER_ALIASES[tier].id), `tier:${tier}`);
  for (const [requested, model] of Object.entries(p.modelMap)) add(model, `modelMap:${requested}`);
  for (const scenario of ROUTED_SCENARIOS) {
    // A bare-provider target uses the tier models listed above, whichever the request asks for.
    for (const t of scenarios[scenario] ?? []) if (t.provider === p.id && t.model !== undefined) add(t.model, `scenario:${scenario}`);
  }
  return uses;
}

export function pricesRoute(app: FastifyInstance, settings: () => Settings, book: PriceBook, auth: RouteShorthandOptions, scenarios?: () => ScenarioRoutes): void {
  app.get('/api/prices', auth, async (request) => {
    const q = request.query as Record<string, string | undefined>;
    const all = q.all === '1' || q.all === 'true';
    return { providers: pricesReport(settings(), book, { all, provider: q.provider || undefined, scenarios: scenarios?.() }) };
  });
}

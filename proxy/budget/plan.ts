import type { ResolvedProvider } from '../config/resolve.js';
import type { Target } from '../dialects/types.js';
import { cheapestPlan, haikuModelFor } from './downgrade.js';
import type { PriceLookup } from '../usage/prices.js';
import type { BudgetDecision } from './tracker.js';

// How a downgrade decision changes one request's plan (server/routes/messages.ts).

export interface DowngradePlan {
  /** Plan with this model name instead of the requested one (haiku). */
  model?: string;
  /** Use exactly these targets, cheapest first (cheapest). */
  targets?: Target[];
  /** Route mode for events and the ledger's strategy column. */
  mode: 'budget-haiku' | 'budget-cheapest';
  /** Response header saying the request was downgraded. */
  headers: Record<string, string>;
  /** Leads the route event's reason. */
  note: string;
}

/** null when the downgrade leaves this request as it is (already haiku, or a model outside the Claude tiers). */
export function downgradePlan(d: Extract<BudgetDecision, { kind: 'downgrade' }>, providers: ReadonlyMap<string, ResolvedProvider>, requestedModel: string, prices?: PriceLookup): DowngradePlan | null {
  if (d.to === 'cheapest') {
    const plan = cheapestPlan(providers, prices);
    if (plan.length) {
      return {
        // The cached plan itself: a PricedTarget is a Target, and nothing downstream changes it.
        targets: plan,
        mode: 'budget-cheapest',
        headers: { 'x-switchboard-budget': 'downgrade-cheapest' },
        note: `${d.reason}, cheapest priced target: `,
      };
    }
    // Nothing has a known price: fall back to the haiku tier rather than spend at full rate.
  }
  const model = haikuModelFor(requestedModel);
  if (!model) return null;
  return { model, mode: 'budget-haiku', headers: { 'x-switchboard-budget': 'downgrade-haiku' }, note: `${d.reason}, ${requestedModel} sent as haiku tier: ` };
}

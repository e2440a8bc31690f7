import { create } from 'zustand';
import { api } from '../api';
import type { ProviderPrices } from '../api/types';

// GET /api/prices: each provider's models, their prices and how requests reach
// them ("tier:sonnet", "scenario:think"), which is where the Routing page reads
// the scenario targets.

export interface PricesStore {
  providers: ProviderPrices[];
  error: unknown;
  loaded: boolean;
  load(): Promise<void>;
}

export const usePrices = create<PricesStore>((set) => ({
  providers: [],
  error: null,
  loaded: false,
  async load() {
    try {
      set({ providers: (await api().prices()).providers, error: null, loaded: true });
    } catch (error) {
      set({ error, loaded: true });
    }
  },
}));

/** scenario name → ["provider,model", ...] in config order. */
export function scenarioTargets(providers: ProviderPrices[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const p of providers) {
    for (const m of p.models) {
      for (const use of m.uses) {
        if (!use.startsWith('scenario:')) continue;
        const name = use.slice('scenario:'.length);
        (out[name] ??= []).push(`${p.id},${m.model}`);
      }
    }
  }
  return out;
}

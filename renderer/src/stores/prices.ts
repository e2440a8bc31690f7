import { create } from 'zustand';
import { api } from '../api';
import type { ProviderPrices } from '../api/types';

// GET /api/prices: each provider's models, their prices and how requests reach
// them ("tier:sonnet", "scenario:think"); the Routing page offers these models
// when a scenario target is added.

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

import { create } from 'zustand';
import { api } from '../api';
import type { BudgetChange, BudgetStatus } from '../api/types';

// GET/PUT /api/budget: the hourly and daily budgets, their spend, and the action.

export interface BudgetStore {
  budget: BudgetStatus | null;
  error: unknown;
  load(): Promise<void>;
  save(change: BudgetChange): Promise<BudgetStatus>;
}

export const useBudget = create<BudgetStore>((set) => ({
  budget: null,
  error: null,
  async load() {
    try {
      set({ budget: await api().budget(), error: null });
    } catch (error) {
      set({ error });
    }
  },
  async save(change) {
    const budget = await api().putBudget(change);
    set({ budget, error: null });
    return budget;
  },
}));

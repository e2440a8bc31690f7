import { create } from 'zustand';
import { api } from '../api';
import type { GatewayState, StrategyName } from '../api/types';

// GET /api/state: ports, providers' live health, strategy and priority. The
// routing actions (PUT /api/routing, POST /api/router/reset) live here too, since
// they change what /api/state says.

export interface GatewayStore {
  state: GatewayState | null;
  error: unknown;
  loading: boolean;
  /** When the last successful load finished (ms). */
  loadedAt: number | null;
  load(): Promise<void>;
  setStrategy(strategy: StrategyName): Promise<void>;
  setPriority(priority: string[]): Promise<void>;
  resetRouter(): Promise<void>;
}

export const useGateway = create<GatewayStore>((set, get) => ({
  state: null,
  error: null,
  loading: false,
  loadedAt: null,
  async load() {
    set({ loading: true });
    try {
      const state = await api().state();
      set({ state, error: null, loading: false, loadedAt: Date.now() });
    } catch (error) {
      set({ error, loading: false });
    }
  },
  async setStrategy(strategy) {
    // Optimistic: the choice shows at once, and is put back if the gateway refuses it.
    const before = get().state;
    if (before) set({ state: { ...before, strategy } });
    try {
      const routing = await api().putRouting({ strategy });
      const s = get().state;
      if (s) set({ state: { ...s, strategy: routing.strategy, priority: routing.priority } });
    } catch (err) {
      const s = get().state;
      if (s && before) set({ state: { ...s, strategy: before.strategy } });
      throw err;
    }
    void get().load();
  },
  async setPriority(priority) {
    const routing = await api().putRouting({ priority });
    const s = get().state;
    if (s) set({ state: { ...s, strategy: routing.strategy, priority: routing.priority } });
    void get().load();
  },
  async resetRouter() {
    await api().resetRouter();
    await get().load();
  },
}));

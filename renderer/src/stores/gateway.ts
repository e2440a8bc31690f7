import { create } from 'zustand';
import { api } from '../api';
import type { GatewayState, Routing, RoutingChange, StrategyName } from '../api/types';

// GET /api/state: ports, providers' live health, strategy and priority. The
// routing actions (PUT /api/routing, POST /api/router/reset) live here too, since
// they change what /api/state says. GET /api/routing adds the scenario targets
// and router thresholds, loaded only while the Routing page shows them.

export interface GatewayStore {
  state: GatewayState | null;
  error: unknown;
  /** GET /api/routing (null until the Routing page first asks). */
  routing: Routing | null;
  routingError: unknown;
  load(): Promise<void>;
  loadRouting(): Promise<void>;
  setStrategy(strategy: StrategyName): Promise<void>;
  setPriority(priority: string[]): Promise<void>;
  /** Scenario targets and/or thresholds; resolves to the routing now in force, throws the gateway's 400. */
  saveRoutes(change: Pick<RoutingChange, 'scenarios' | 'thresholds'>): Promise<Routing>;
  resetRouter(): Promise<void>;
}

export const useGateway = create<GatewayStore>((set, get) => {
  /** A PUT's answer is the whole routing: keep /api/state's copy of strategy and priority in step. */
  const took = (routing: Routing) => {
    const s = get().state;
    set({ routing, routingError: null, ...(s ? { state: { ...s, strategy: routing.strategy, priority: routing.priority } } : {}) });
  };
  return {
    state: null,
    error: null,
    routing: null,
    routingError: null,
    async load() {
      try {
        const state = await api().state();
        set({ state, error: null });
      } catch (error) {
        set({ error });
      }
    },
    async loadRouting() {
      try {
        set({ routing: await api().routing(), routingError: null });
      } catch (routingError) {
        set({ routingError });
      }
    },
    async setStrategy(strategy) {
      // Optimistic: the choice shows at once, and is put back if the gateway refuses it.
      const before = get().state;
      if (before) set({ state: { ...before, strategy } });
      try {
        took(await api().putRouting({ strategy }));
      } catch (err) {
        const s = get().state;
        if (s && before) set({ state: { ...s, strategy: before.strategy } });
        throw err;
      }
      void get().load();
    },
    async setPriority(priority) {
      took(await api().putRouting({ priority }));
      void get().load();
    },
    async saveRoutes(change) {
      const routing = await api().putRouting(change);
      took(routing);
      return routing;
    },
    async resetRouter() {
      await api().resetRouter();
      await get().load();
    },
  };
});

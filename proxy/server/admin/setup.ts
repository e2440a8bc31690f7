import type { Logger } from 'pino';
import type { BudgetTracker } from '../../budget/tracker.js';
import type { ProviderManager } from '../../gateway-providers.js';
import type { Env, Settings } from '../../config/resolve.js';
import { StateFile } from '../../config/state-file.js';
import { reconcilePriority } from '../../router/priority.js';
import type { RouteChange, RouterRuntime } from '../../router/runtime.js';
import { parseScenarioTarget, ROUTED_SCENARIOS, type ScenarioTarget } from '../../router/scenario-routes.js';
import type { PersistedState } from '../../config/state-file.js';
import { resolveAdminToken, type AdminToken } from './auth.js';

// What the Gateway does for the admin API at start: restore the saved routing
// choices, persist every later change, and settle the admin token.

export interface AdminPort {
  port: number;
  use: string;
  url: string;
}

/** What the admin routes can reach besides the ListenerContext. */
export interface AdminContext {
  token: AdminToken;
  /** `<stateDir>/state.json`. */
  statePath: string;
  /** The bound listeners (filled in as they bind). */
  ports(): readonly AdminPort[];
  /** Resolves once every routing change so far is on disk. */
  flush(): Promise<void>;
  /** Interval of `: keep-alive` comments on /api/events (proxies drop idle streams). */
  keepAliveMs: number;
  /** Provider changes while running (/api/providers, /api/ports); set by the Gateway. */
  providers?: ProviderManager;
}

export interface AdminSetup {
  settings: Settings;
  router: RouterRuntime;
  /** Budget changes through the admin API are saved and restored like routing choices. */
  budget?: BudgetTracker;
  stateDir: string;
  env: Env;
  log: Logger;
  ports: () => readonly AdminPort[];
  providers?: ProviderManager;
  /** The providers enabled now (they change while running); default: those of `settings`. */
  enabled?: () => Iterable<string>;
}

export async function prepareAdmin(o: AdminSetup): Promise<AdminContext> {
  const state = new StateFile(o.stateDir, o.log);
  o.router.onRoutingChange = null; // restoring is not a change to save again
  const saved = await state.load();
  const why = 'restored: chosen earlier through the admin API';
  if (saved.strategy) o.router.setStrategy(saved.strategy, why);
  if (saved.priority) {
    const enabled = new Set(o.settings.providers.keys());
    const priority = reconcilePriority(saved.priority, saved.priorityProviders, enabled, o.settings.routerOrder);
    if (priority) o.router.setPriority(priority, why);
    else o.log.warn({ path: state.path }, 'saved priority names no enabled provider; using router.order');
  }
  const routes = restoredRoutes(saved, new Set(o.settings.providers.keys()), (msg) => o.log.warn({ path: state.path }, msg));
  if (routes) o.router.setRoutes(routes, why);
  const enabled = o.enabled ?? (() => o.settings.providers.keys());
  o.router.onRoutingChange = (change) => {
    // The providers enabled when the priority was chosen, so ones enabled later join its end at the next start.
    void state.save(change.priority ? { ...change, priorityProviders: [...enabled()] } : change);
  };
  if (o.budget) {
    const budget = o.budget;
    budget.onChange = null;
    if (saved.budgets) budget.configure(saved.budgets);
    // Saved as the fields changed so far (later ones win), so an untouched field keeps following the config file.
    let budgets = saved.budgets ?? {};
    budget.onChange = (change) => {
      budgets = { ...budgets, ...change };
      void state.save({ budgets });
    };
  }
  const token = await resolveAdminToken({ configured: o.settings.adminToken, env: o.env, stateDir: o.stateDir, log: o.log });
  return { token, statePath: state.path, ports: o.ports, flush: () => state.flush(), keepAliveMs: 15_000, providers: o.providers };
}

/**
 * Saved scenario routes and thresholds, brought up to date with the providers
 * enabled now: a target whose provider is gone drops out (as from a saved
 * priority); a scenario left with none follows the config file again.
 */
export function restoredRoutes(saved: PersistedState, enabled: ReadonlySet<string>, warn: (msg: string) => void): RouteChange | null {
  const change: RouteChange = {};
  if (saved.scenarios) {
    const scenarios: NonNullable<RouteChange['scenarios']> = {};
    for (const s of ROUTED_SCENARIOS) {
      const list = saved.scenarios[s];
      if (!list) continue;
      const kept: ScenarioTarget[] = [];
      for (const entry of list) {
        const t = parseScenarioTarget(entry);
        if (t && enabled.has(t.provider)) kept.push(t);
        else warn(`saved ${s} scenario target "${entry}" is not an enabled provider now; leaving it out`);
      }
      if (kept.length || list.length === 0) scenarios[s] = kept;
    }
    change.scenarios = scenarios;
  }
  if (saved.thresholds) change.thresholds = saved.thresholds;
  return change.scenarios || change.thresholds ? change : null;
}

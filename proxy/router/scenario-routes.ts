import { ConfigError } from '../config/errors.js';
import type { ResolvedProvider } from '../config/resolve.js';
import type { Target } from '../dialects/types.js';
import { parseExplicitModel, upstreamModelFor } from './model-map.js';
import type { Scenario } from './state.js';

// Scenario routes (router.scenarios), as claude-code-router users know them: a
// kind of request (background, think, longContext, webSearch, image; see
// scenario.ts for how a request is classified) goes to the targets the user
// mapped it to, with their explicit models. Only the router port uses them, and
// only when the request made no explicit choice. The strategy-ordered plan stays
// behind them as the fallback, so a mapped target that fails still gets an answer.

export type RoutedScenario = Exclude<Scenario, 'default'>;

export interface ScenarioTarget {
  provider: string;
  /** Absent: the provider's own model for the requested name (its tier mapping), as the fallback would use. */
  model?: string;
}

/** Mapped targets per scenario, in config order. */
export type ScenarioRoutes = Partial<Record<RoutedScenario, ScenarioTarget[]>>;

export const ROUTED_SCENARIOS: readonly RoutedScenario[] = ['background', 'think', 'longContext', 'webSearch', 'image'];

/** "provider,model" or a bare "provider"; null when it is neither. */
export function parseScenarioTarget(entry: string): ScenarioTarget | null {
  if (!entry.includes(',')) {
    const provider = entry.trim();
    return provider && !/\s/.test(provider) ? { provider } : null;
  }
  return parseExplicitModel(entry);
}

/** The target as the config and the admin API write it. */
export function targetString(t: ScenarioTarget): string {
  return t.model === undefined ? t.provider : `${t.provider},${t.model}`;
}

/**
 * Checks router.scenarios against the enabled providers. A mapping naming a
 * disabled provider is an error rather than silently ignored: the user asked for
 * that model for that kind of request, and quietly routing elsewhere would hide it.
 */
export function resolveScenarioRoutes(
  config: Partial<Record<RoutedScenario, string | string[]>> | undefined,
  enabled: ReadonlyMap<string, ResolvedProvider>,
  configured: Record<string, unknown> | undefined,
): ScenarioRoutes {
  const routes: ScenarioRoutes = {};
  if (!config) return routes;
  for (const scenario of ROUTED_SCENARIOS) {
    const value = config[scenario];
    if (value === undefined) continue;
    const list = Array.isArray(value) ? value : [value];
    routes[scenario] = list.map((entry, i) => {
      const field = `router.scenarios.${scenario}${Array.isArray(value) ? `[${i}]` : ''}`;
      const parsed = parseScenarioTarget(entry);
      if (!parsed) throw new ConfigError(`${field}: "${entry}" is not "provider" or "provider,model"`);
      if (!enabled.has(parsed.provider)) {
        const why = configured?.[parsed.provider] !== undefined ? 'is disabled or has no API key' : 'is not a configured provider';
        throw new ConfigError(`${field}: provider "${parsed.provider}" ${why} (enabled: ${[...enabled.keys()].join(', ') || 'none'})`);
      }
      return parsed;
    });
  }
  return routes;
}

export interface ScenarioPlan {
  targets: Target[];
  /** How many leading targets came from the scenario route (0: none applied). */
  mapped: number;
}

/**
 * The router port's plan for one request: the scenario's mapped targets first
 * (config order, explicit models), then the strategy-ordered targets as the
 * fallback, skipping any that repeat a mapped provider and model exactly. A
 * mapped provider with a different model stays in the fallback: a second model
 * on the same provider is a real alternative.
 */
export function applyScenarioRoute(
  routes: ScenarioRoutes,
  providers: ReadonlyMap<string, ResolvedProvider>,
  scenario: Scenario,
  ordered: readonly Target[],
  requestedModel: string,
): ScenarioPlan {
  const mappedTo = scenario === 'default' ? undefined : routes[scenario];
  if (!mappedTo?.length) return { targets: [...ordered], mapped: 0 };
  const targets: Target[] = [];
  const seen = new Set<string>();
  const add = (t: Target) => {
    const key = `${t.provider.id}\n${t.model}`;
    if (seen.has(key)) return false;
    seen.add(key);
    targets.push(t);
    return true;
  };
  let mapped = 0;
  for (const m of mappedTo) {
    // Settings may have been swapped since the config was checked; a provider gone now is skipped.
    const provider = providers.get(m.provider);
    if (provider && add({ provider, model: m.model ?? upstreamModelFor(provider, requestedModel) })) mapped++;
  }
  for (const t of ordered) add(t);
  return { targets, mapped };
}

/** "think → deepseek,deepseek-v4-pro (scenario route)": the route event's reason when a mapped target answered. */
export function scenarioReason(scenario: Scenario, target: Target): string {
  return `${scenario} → ${target.provider.id},${target.model} (scenario route)`;
}

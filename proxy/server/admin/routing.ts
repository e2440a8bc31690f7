import { z } from 'zod';
import { ScenariosBody, ThresholdsBody } from '../../config/saved-choices.js';
import { invalidRequest } from '../../protocol/anthropic/errors.js';
import { priorityProblem } from '../../router/priority.js';
import type { Thresholds } from '../../router/route-settings.js';
import type { RouteChange, RouterRuntime } from '../../router/runtime.js';
import { parseScenarioTarget, ROUTED_SCENARIOS, targetString, type RoutedScenario, type ScenarioTarget } from '../../router/scenario-routes.js';
import type { StrategyName } from '../../router/state.js';
import { isStrategyName, STRATEGIES } from '../../router/strategies/index.js';

// Reading and changing the router's strategy, priority order, scenario routes and
// thresholds. Everything is checked before anything is applied, so a bad field
// changes nothing.

export const RoutingBody = z
  .object({ strategy: z.string().optional(), priority: z.array(z.string()).optional(), scenarios: ScenariosBody.optional(), thresholds: ThresholdsBody.optional() })
  .strict();
/** The seeds' POST /admin/routing-strategy {"strategy": ...}. */
export const StrategyBody = z.object({ strategy: z.string() }).strict();

export interface Routing {
  strategy: StrategyName;
  priority: readonly string[];
  /** Every routed scenario with its targets in order ([]: none, the strategy decides). */
  scenarios: Record<RoutedScenario, string[]>;
  thresholds: Thresholds;
}

export function routing(router: RouterRuntime): Routing {
  const { scenarios, thresholds } = router.routes;
  const out = {} as Record<RoutedScenario, string[]>;
  for (const s of ROUTED_SCENARIOS) out[s] = (scenarios[s] ?? []).map(targetString);
  return { strategy: router.strategy, priority: router.priority, scenarios: out, thresholds: { ...thresholds } };
}

/** A JSON body through a zod schema; problems become a 400 naming the field. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  let raw: unknown = {};
  if (Buffer.isBuffer(body) && body.length > 0) {
    try {
      raw = JSON.parse(body.toString('utf8'));
    } catch {
      throw invalidRequest('the body is not valid JSON');
    }
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue.path.length ? issue.path.map(String).join('.') : 'body';
  const msg = issue.code === 'unrecognized_keys' ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message;
  throw invalidRequest(`${path}: ${msg}`);
}

export interface RoutingRequest {
  strategy?: string;
  priority?: string[];
  scenarios?: Partial<Record<RoutedScenario, string[]>>;
  thresholds?: Partial<Thresholds>;
}

/** Checks every field, then applies them (events and persistence follow from RouterRuntime). */
export function applyRouting(router: RouterRuntime, enabled: Iterable<string>, change: RoutingRequest): void {
  const { strategy, priority } = change;
  const known = new Set(enabled);
  if (strategy !== undefined && !isStrategyName(strategy)) {
    throw invalidRequest(`strategy: unknown strategy "${strategy}" (one of: ${Object.keys(STRATEGIES).join(', ')})`);
  }
  const problem = priority === undefined ? null : priorityProblem(priority, known);
  if (problem) throw invalidRequest(problem);
  const routes: RouteChange = {};
  if (change.scenarios) {
    routes.scenarios = {};
    for (const s of ROUTED_SCENARIOS) {
      const list = change.scenarios[s];
      if (list !== undefined) routes.scenarios[s] = scenarioTargets(s, list, known);
    }
  }
  if (change.thresholds) routes.thresholds = { ...change.thresholds };
  if (strategy !== undefined) router.setStrategy(strategy, 'changed through the admin API');
  if (priority !== undefined) router.setPriority(priority, 'changed through the admin API');
  if (routes.scenarios || routes.thresholds) router.setRoutes(routes, 'changed through the admin API');
}

/** One scenario's list, each entry parsed and checked against the enabled providers; a 400 names the entry. */
function scenarioTargets(scenario: RoutedScenario, list: readonly string[], enabled: ReadonlySet<string>): ScenarioTarget[] {
  const seen = new Set<string>();
  return list.map((entry, i) => {
    const field = `scenarios.${scenario}[${i}]`;
    const t = parseScenarioTarget(entry);
    if (!t) throw invalidRequest(`${field}: "${entry}" is not "provider" or "provider,model"`);
    if (!enabled.has(t.provider)) throw invalidRequest(`${field}: provider "${t.provider}" is not enabled (enabled providers: ${[...enabled].join(', ') || 'none'})`);
    const key = targetString(t);
    if (seen.has(key)) throw invalidRequest(`${field}: "${key}" is listed twice`);
    seen.add(key);
    return t;
  });
}

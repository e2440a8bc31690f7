import { z } from 'zod';
import { invalidRequest } from '../../protocol/anthropic/errors.js';
import { priorityProblem } from '../../router/priority.js';
import type { RouterRuntime } from '../../router/runtime.js';
import type { StrategyName } from '../../router/state.js';
import { isStrategyName, STRATEGIES } from '../../router/strategies/index.js';

// Reading and changing the router's strategy and priority order. Everything is
// checked before anything is applied, so a bad field changes nothing.

export const RoutingBody = z.object({ strategy: z.string().optional(), priority: z.array(z.string()).optional() }).strict();
/** The seeds' POST /admin/routing-strategy {"strategy": ...}. */
export const StrategyBody = z.object({ strategy: z.string() }).strict();

export interface Routing {
  strategy: StrategyName;
  priority: readonly string[];
}

export function routing(router: RouterRuntime): Routing {
  return { strategy: router.strategy, priority: router.priority };
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

/** Checks both fields, then applies them (events and persistence follow from RouterRuntime). */
export function applyRouting(router: RouterRuntime, enabled: Iterable<string>, change: { strategy?: string; priority?: string[] }): void {
  const { strategy, priority } = change;
  if (strategy !== undefined && !isStrategyName(strategy)) {
    throw invalidRequest(`strategy: unknown strategy "${strategy}" (one of: ${Object.keys(STRATEGIES).join(', ')})`);
  }
  const problem = priority === undefined ? null : priorityProblem(priority, enabled);
  if (problem) throw invalidRequest(problem);
  if (strategy !== undefined) router.setStrategy(strategy, 'changed through the admin API');
  if (priority !== undefined) router.setPriority(priority, 'changed through the admin API');
}

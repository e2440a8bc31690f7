import type { Strategy, StrategyName } from '../state.js';
import { availability } from './availability.js';
import { cost } from './cost.js';
import { intelligent } from './intelligent.js';
import { performance } from './performance.js';
import { priority } from './priority.js';

export { availableNow, canServe, CONTEXT_RESERVE_TOKENS, fitsContext, partitionServable } from './serve.js';
export { intelligentScores, type ScoreParts, type ScoredCandidate } from './intelligent.js';

/** Every strategy by name; the router looks the active one up here on each request, so switching is a field change. */
export const STRATEGIES: Record<StrategyName, Strategy> = { priority, cost, performance, availability, intelligent };

export const DEFAULT_STRATEGY: StrategyName = 'intelligent';

/** One plain-words line per strategy, for the UI. In every strategy, providers that are down or rate-limited are tried last. */
export const STRATEGY_HELP: Record<StrategyName, string> = {
  priority: 'Your order: the first provider on your list that is up, then the next.',
  cost: 'Cheapest first, from each model’s per-token price and the size of the request; unknown prices go after known ones.',
  performance: 'Fastest first: lowest recent time to first token, then lowest total response time.',
  availability: 'Most reliable first: highest recent success rate.',
  intelligent: 'Balanced (default): weighs health, rate-limit headroom, speed, price and your order, and picks the best.',
};

export function isStrategyName(name: string): name is StrategyName {
  return Object.hasOwn(STRATEGIES, name);
}

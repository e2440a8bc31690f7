import { z } from 'zod';
import { BUDGET_ACTIONS, DOWNGRADE_TARGETS } from '../budget/types.js';
import type { RoutedScenario } from '../router/scenario-routes.js';

// The shapes of what the admin API changes at run time and state.json keeps:
// budgets, scenario routes and router thresholds. One definition for both, so a
// saved value is refused at start exactly when the API would refuse it.

const usd = z.number().min(0).max(1_000_000).nullable().optional();

export const BudgetBody = z
  .object({
    hourlyUsd: usd,
    dailyUsd: usd,
    action: z.enum(BUDGET_ACTIONS).optional(),
    downgradeTo: z.enum(DOWNGRADE_TARGETS).optional(),
  })
  .strict();

const targets = z.array(z.string(), { error: 'must be a list of "provider" or "provider,model" strings ([] removes the route)' }).max(10, 'at most 10 targets per scenario').optional();

export const ScenariosBody = z.object({ background: targets, think: targets, longContext: targets, webSearch: targets, image: targets } satisfies Record<RoutedScenario, typeof targets>).strict();

export const ThresholdsBody = z
  .object({
    rateLimitThreshold: z.number({ error: 'must be a number from 0 to 1' }).min(0, 'must be a number from 0 to 1').max(1, 'must be a number from 0 to 1 (0.2 means: avoid a provider below 20 % of its limit left)').optional(),
    longContextThreshold: z
      .number({ error: 'must be a whole number of tokens' })
      .int('must be a whole number of tokens')
      .min(1, 'must be at least 1 token')
      .max(10_000_000, 'must be at most 10,000,000 tokens')
      .optional(),
  })
  .strict();

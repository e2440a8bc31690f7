import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { BudgetTracker } from '../../budget/tracker.js';
import { BUDGET_ACTIONS, DOWNGRADE_TARGETS } from '../../budget/types.js';
import { parseBody } from './routing.js';
import type { AdminContext } from './setup.js';

// GET /api/budget: each window's limit, spend, percent, reset time and state,
// and the action. PUT /api/budget changes limits or the action at runtime
// (checked completely before anything applies) and saves it in state.json.

const usd = z.number().min(0).max(1_000_000).nullable().optional();

export const BudgetBody = z
  .object({
    hourlyUsd: usd,
    dailyUsd: usd,
    action: z.enum(BUDGET_ACTIONS).optional(),
    downgradeTo: z.enum(DOWNGRADE_TARGETS).optional(),
  })
  .strict();

export function budgetRoutes(app: FastifyInstance, budget: BudgetTracker, admin: AdminContext, onRequest: (req: FastifyRequest, reply: FastifyReply, done: () => void) => void): void {
  app.get('/api/budget', { onRequest }, async () => budget.status());

  app.put('/api/budget', { onRequest }, async (request) => {
    const change = parseBody(BudgetBody, request.body);
    // Only the fields given: an absent field must not reset a limit to its default.
    const given = Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined));
    if (Object.keys(given).length) budget.configure(given);
    await admin.flush();
    return budget.status();
  });
}

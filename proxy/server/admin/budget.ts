import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BudgetTracker } from '../../budget/tracker.js';
import { BudgetBody } from '../../config/saved-choices.js';
import { parseBody } from './routing.js';
import type { AdminContext } from './setup.js';

// GET /api/budget: each window's limit, spend, percent, reset time and state,
// and the action. PUT /api/budget changes limits or the action at runtime
// (checked completely before anything applies) and saves it in state.json.

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

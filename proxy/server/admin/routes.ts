import type { FastifyInstance } from 'fastify';
import { STRATEGY_HELP } from '../../router/strategies/index.js';
import type { ListenerContext } from '../context.js';
import { requireAdmin } from './auth.js';
import { budgetRoutes } from './budget.js';
import { eventsRoute } from './events.js';
import { pricesRoute } from './prices.js';
import { providerRoutes } from './providers.js';
import { applyRouting, parseBody, routing, RoutingBody, StrategyBody } from './routing.js';
import type { AdminContext } from './setup.js';
import { usageRoutes } from './usage.js';

/**
 * The admin API, on router ports only: JSON, every route behind the admin token
 * (after the listener's Host/Origin guard). Changes apply to the next request and
 * are on disk before the response is sent.
 */
export function adminRoutes(app: FastifyInstance, lc: ListenerContext, admin: AdminContext): void {
  const auth = { onRequest: requireAdmin(admin.token.value) };
  const { router } = lc;
  const enabled = () => lc.settings.providers.keys();

  app.get('/api/state', auth, async () => {
    const ports = admin.ports();
    return {
      version: lc.version,
      strategy: router.strategy,
      strategies: STRATEGY_HELP,
      priority: router.priority,
      ports: ports.map(({ port, use, url }) => ({ port, use, url })),
      providers: router.status(ports),
    };
  });

  app.get('/api/routing', auth, async () => routing(router));

  app.put('/api/routing', auth, async (request) => {
    applyRouting(router, enabled(), parseBody(RoutingBody, request.body));
    await admin.flush();
    return routing(router);
  });

  // The seeds' endpoint, kept as an alias of PUT /api/routing {"strategy": ...}.
  app.post('/admin/routing-strategy', auth, async (request) => {
    applyRouting(router, enabled(), parseBody(StrategyBody, request.body));
    await admin.flush();
    return routing(router);
  });

  app.post('/api/router/reset', auth, async () => {
    router.reset('learned state cleared through the admin API');
    return { reset: true, ...routing(router) };
  });

  if (lc.prices) pricesRoute(app, () => lc.settings, lc.prices, auth, () => router.routes.scenarios);
  if (lc.budget) budgetRoutes(app, lc.budget, admin, auth.onRequest);
  if (admin.providers) providerRoutes(app, admin.providers, auth.onRequest);

  eventsRoute(app, router.events, admin, requireAdmin(admin.token.value, true));
  usageRoutes(app, lc, admin);
}

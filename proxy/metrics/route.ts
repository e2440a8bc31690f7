import type { FastifyInstance, RouteShorthandOptions } from 'fastify';
import { requireAdmin } from '../server/admin/auth.js';
import type { ListenerContext } from '../server/context.js';

export const METRICS_PATH = '/metrics';

/**
 * GET /metrics on every port: the metrics are the gateway's, not the port's (the
 * port is a label), so scrape one port. Every port serves it because the seeds
 * scraped a provider port and a config may have no router port. By default it
 * needs the admin token like the admin API: the figures reveal which providers and
 * models are used and what they cost. `metrics.requireToken: false` leaves only
 * the listener's guard (Host/Origin checks, and the client key when one is set).
 */
export function metricsRoute(app: FastifyInstance, lc: ListenerContext): void {
  const metrics = lc.metrics;
  if (!metrics) return;
  let opts: RouteShorthandOptions = {};
  if (lc.settings.metrics.requireToken) {
    if (!lc.admin) return; // no token to check against: serve nothing rather than serve openly
    opts = { onRequest: requireAdmin(lc.admin.token.value) };
  }
  app.get(METRICS_PATH, opts, async (_request, reply) => {
    const text = await metrics.text();
    return reply.header('content-type', metrics.contentType).header('cache-control', 'no-store').send(text);
  });
}

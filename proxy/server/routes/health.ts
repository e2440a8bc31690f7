import type { FastifyInstance } from 'fastify';
import { probeStatus } from '../../router/health-probe.js';
import type { ListenerContext } from '../context.js';

/** `/` answers 200 for clients that probe the base URL (HEAD / included); `/health` reports status as JSON. */
export function healthRoutes(app: FastifyInstance, lc: ListenerContext): void {
  app.get('/', async () => ({ service: 'switchboard', status: 'ok' }));

  app.get('/health', async () => {
    const ids = lc.port.use === 'router' ? lc.router.priority : [lc.port.use];
    return {
      status: ids.length ? 'ok' : 'no_providers',
      service: 'switchboard',
      version: lc.version,
      port: lc.port.port,
      use: lc.port.use,
      uptime_s: Math.round((Date.now() - lc.startedAt) / 1000),
      providers: ids.map((id) => {
        const p = lc.settings.providers.get(id);
        return p ? { id: p.id, label: p.label, dialect: p.dialect, base_url: p.baseUrl, key: p.keySource, probe: probeStatus(lc.settings, lc.router, p) } : { id, error: 'not enabled' };
      }),
    };
  });
}

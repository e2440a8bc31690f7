import type { FastifyInstance } from 'fastify';
import type { ResolvedProvider } from '../../config/resolve.js';
import { GatewayError } from '../../protocol/anthropic/errors.js';
import type { Tier } from '../../providers/types.js';
import { TIER_ALIASES, upstreamModelFor } from '../../router/model-map.js';
import type { ListenerContext } from '../context.js';

interface ModelEntry {
  type: 'model';
  id: string;
  display_name: string;
  created_at: string;
}

const CREATED_AT = '2025-01-01T00:00:00Z';
const TIERS: Tier[] = ['opus', 'sonnet', 'haiku'];

/**
 * Anthropic's model list for what this port can reach. Claude Code's /model
 * picker reads it (and shows only claude-* ids), so every tier is listed under
 * a Claude name with the upstream model it maps to; then each provider's own
 * models — bare ids on a pinned port, `provider,model` ids on the router port.
 */
export function modelsRoute(app: FastifyInstance, lc: ListenerContext): void {
  const list = async () => listModels(lc);

  app.get('/v1/models', async (request) => {
    const q = request.query as { limit?: string; after_id?: string; before_id?: string };
    const all = await list();
    const limit = Math.min(1000, Math.max(1, Number(q.limit) || 20));
    let start = 0;
    let end = all.length;
    if (q.after_id) start = all.findIndex((m) => m.id === q.after_id) + 1;
    if (q.before_id) {
      const i = all.findIndex((m) => m.id === q.before_id);
      if (i !== -1) {
        end = i;
        start = Math.max(0, end - limit);
      }
    }
    const page = all.slice(start, Math.min(end, start + limit));
    return {
      data: page,
      has_more: start + page.length < end,
      first_id: page[0]?.id ?? null,
      last_id: page[page.length - 1]?.id ?? null,
    };
  });

  app.get('/v1/models/:id', async (request) => {
    const { id } = request.params as { id: string };
    const found = (await list()).find((m) => m.id === id);
    if (!found) throw new GatewayError(404, `model "${id}" is not available on this port`, { retryable: false });
    return found;
  });
}

function providersOnPort(lc: ListenerContext): ResolvedProvider[] {
  const ids = lc.port.use === 'router' ? lc.router.priority : [lc.port.use];
  return ids.map((id) => lc.settings.providers.get(id)).filter((p): p is ResolvedProvider => !!p);
}

async function listModels(lc: ListenerContext): Promise<ModelEntry[]> {
  const providers = providersOnPort(lc);
  const pinned = lc.port.use !== 'router';
  const out: ModelEntry[] = [];
  const seen = new Set<string>();
  const add = (id: string, display: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    out.push({ type: 'model', id, display_name: display, created_at: CREATED_AT });
  };

  const first = providers[0];
  if (first) {
    for (const tier of TIERS) {
      const alias = TIER_ALIASES[tier];
      const upstream = upstreamModelFor(first, alias.id);
      add(alias.id, upstream === alias.id ? `${alias.display} (${first.label})` : `${alias.display} → ${upstream} (${first.label})`);
    }
  }

  const catalogs = await Promise.all(providers.map((p) => lc.catalogs.models(p)));
  providers.forEach((p, i) => {
    const name = (model: string) => (pinned ? model : `${p.id},${model}`);
    const configured = new Set<string>([...Object.values(p.tiers), ...Object.values(p.modelMap)].filter((m): m is string => !!m));
    for (const m of configured) add(name(m), `${p.label}: ${m}`);
    for (const m of catalogs[i]) add(name(m.id), `${p.label}: ${m.displayName ?? m.id}`);
  });
  return out;
}

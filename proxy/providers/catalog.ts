import type { ResolvedProvider } from '../config/resolve.js';
import { baseHeaders } from '../dialects/headers.js';
import type { UpstreamClient } from '../upstream/client.js';
import { fetchGoogleCatalog } from './google-catalog.js';
import { vertexBetaBase, vertexPublisherModelUrl } from './vertex.js';

// Models a provider offers, read from its own catalog endpoint (OpenAI-style
// {data:[{id}]}, GitHub's bare array, Anthropic's list, Ollama's /v1/models,
// Google's paginated lists, AI Studio's and Vertex AI Model Garden's: google-catalog.ts).
// Cached; a slow or failing catalog never delays /v1/models past its budget.

export interface CatalogModel {
  id: string;
  displayName?: string;
}

const TTL_MS = 10 * 60_000;
const FAIL_TTL_MS = 60_000;
const TIMEOUT_MS = 2_500;

interface Entry {
  at: number;
  ttl: number;
  models: CatalogModel[];
  /** The provider's own answer (false: an earlier list kept, or none, after a failed fetch). */
  ok: boolean;
  pending?: Promise<CatalogModel[]>;
}

export class CatalogCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly client: UpstreamClient) {}

  /** Returns cached models at once when fresh; otherwise fetches within the timeout. */
  async models(provider: ResolvedProvider): Promise<CatalogModel[]> {
    if (!provider.modelsPath) return [];
    const e = this.entries.get(provider.id);
    if (e && Date.now() - e.at < e.ttl) return e.models;
    if (e?.pending) return e.pending;
    const pending = this.fetch(provider).then(
      (models) => {
        if (this.entries.get(provider.id)?.pending === pending) this.entries.set(provider.id, { at: Date.now(), ttl: TTL_MS, models, ok: true });
        return models;
      },
      () => {
        const stale = e?.models ?? [];
        if (this.entries.get(provider.id)?.pending === pending) this.entries.set(provider.id, { at: Date.now(), ttl: FAIL_TTL_MS, models: stale, ok: false });
        return stale;
      },
    );
    this.entries.set(provider.id, { at: 0, ttl: 0, models: e?.models ?? [], ok: false, pending });
    return pending;
  }

  /** The provider's own model list (cached like models()), or null when it has none or it could not be fetched. */
  async discover(provider: ResolvedProvider): Promise<CatalogModel[] | null> {
    const models = await this.models(provider);
    return this.entries.get(provider.id)?.ok ? models : null;
  }

  /** Forgets a provider's list (its URL or key changed, or it was removed); a fetch in flight is not adopted. */
  invalidate(providerId: string): void {
    this.entries.delete(providerId);
  }

  private async fetch(provider: ResolvedProvider): Promise<CatalogModel[]> {
    const req = catalogRequest(provider)!;
    if (provider.authHook) Object.assign(req.headers, await provider.authHook.headers());
    if (provider.catalogFormat === 'google' || provider.catalogFormat === 'vertex') return fetchGoogleCatalog(this.client, req, TIMEOUT_MS, provider.catalogFormat);
    const { status, json } = await this.client.getJson(req.url, req.headers, TIMEOUT_MS);
    if (status < 200 || status >= 300) throw new Error(`catalog HTTP ${status}`);
    return parseCatalog(json);
  }
}

/**
 * URL and headers of a provider's model-list GET, or null when it has none.
 * Shared with the health prober: listing models is a request that spends no tokens.
 */
export function catalogRequest(provider: ResolvedProvider): { url: string; headers: Record<string, string> } | null {
  if (!provider.modelsPath) return null;
  // Vertex AI lists publisher models only in v1beta1, next to the /v1 root requests use.
  const base = provider.catalogFormat === 'vertex' ? vertexBetaBase(provider.baseUrl) : provider.baseUrl;
  // GitHub's catalog lives at the origin root, not under /inference.
  const url = provider.modelsPath.startsWith('/catalog')
    ? new URL(provider.modelsPath, base).toString()
    : new URL(provider.modelsPath.replace(/^\//, ''), base + '/').toString();
  const headers = baseHeaders(provider, {});
  delete headers['content-type'];
  if (provider.dialect === 'anthropic') headers['anthropic-version'] = '2023-06-01';
  return { url, headers };
}

/**
 * The GET a health probe sends: the model list, or for Vertex AI the Model Garden entry
 * of the provider's sonnet-tier model (one small v1 GET, where the list is paginated
 * v1beta1). Neither spends tokens. Auth-hook headers are added by the caller.
 */
export function probeRequest(provider: ResolvedProvider): { url: string; headers: Record<string, string> } | null {
  if (!provider.vertex) return catalogRequest(provider);
  const headers = baseHeaders(provider, {});
  delete headers['content-type'];
  const model = provider.tiers.sonnet ?? Object.values(provider.tiers)[0];
  return model ? { url: vertexPublisherModelUrl(provider.vertex, model), headers } : null;
}

export function parseCatalog(json: unknown): CatalogModel[] {
  const list = Array.isArray(json) ? json : Array.isArray((json as { data?: unknown })?.data) ? (json as { data: unknown[] }).data : [];
  const out: CatalogModel[] = [];
  for (const item of list) {
    if (!item || typeof item !== 'object') continue;
    const o = item as { id?: unknown; name?: unknown; display_name?: unknown };
    const id = typeof o.id === 'string' ? o.id : typeof o.name === 'string' ? o.name : null;
    if (!id) continue;
    const displayName = typeof o.display_name === 'string' ? o.display_name : typeof o.name === 'string' && o.name !== id ? o.name : undefined;
    out.push(displayName ? { id, displayName } : { id });
  }
  return out;
}

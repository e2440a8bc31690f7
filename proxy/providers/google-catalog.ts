import type { UpstreamClient } from '../upstream/client.js';
import type { CatalogModel } from './catalog.js';

// Google's model list (AI Studio GET {base}/models, reference providers.md §2.3):
// {models:[{name:"models/gemini-2.5-pro", displayName, supportedGenerationMethods:[…]}], nextPageToken}.
// Paginated; embedding, imagen and veo models are listed too, so only models that
// serve generateContent are kept. No prices.

/** Google's largest page; a handful of pages at most in practice. */
const PAGE_SIZE = 1000;
const MAX_PAGES = 10;

/** Every generateContent model, following nextPageToken within one time budget. */
export async function fetchGoogleCatalog(client: UpstreamClient, req: { url: string; headers: Record<string, string> }, timeoutMs: number): Promise<CatalogModel[]> {
  const deadline = Date.now() + timeoutMs;
  const out: CatalogModel[] = [];
  const seen = new Set<string>();
  let token: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const url = new URL(req.url);
    url.searchParams.set('pageSize', String(PAGE_SIZE));
    if (token) url.searchParams.set('pageToken', token);
    const left = deadline - Date.now();
    if (left <= 0) throw new Error('catalog timed out');
    const { status, json } = await client.getJson(url.toString(), req.headers, left);
    if (status < 200 || status >= 300) throw new Error(`catalog HTTP ${status}`);
    const parsed = parseGoogleCatalog(json);
    for (const m of parsed.models) {
      if (seen.has(m.id)) continue;
      seen.add(m.id);
      out.push(m);
    }
    token = parsed.nextPageToken;
    if (!token) break;
  }
  return out;
}

export function parseGoogleCatalog(json: unknown): { models: CatalogModel[]; nextPageToken: string | null } {
  const o = json && typeof json === 'object' ? (json as { models?: unknown; nextPageToken?: unknown }) : {};
  const models: CatalogModel[] = [];
  for (const item of Array.isArray(o.models) ? o.models : []) {
    if (!item || typeof item !== 'object') continue;
    const m = item as { name?: unknown; displayName?: unknown; supportedGenerationMethods?: unknown };
    if (typeof m.name !== 'string' || !m.name) continue;
    // A model that does not say what it supports is kept; one that says and lacks generateContent is not.
    const methods = m.supportedGenerationMethods;
    if (Array.isArray(methods) && !methods.includes('generateContent')) continue;
    const id = m.name.replace(/^models\//, '');
    models.push(typeof m.displayName === 'string' && m.displayName && m.displayName !== id ? { id, displayName: m.displayName } : { id });
  }
  const next = typeof o.nextPageToken === 'string' && o.nextPageToken ? o.nextPageToken : null;
  return { models, nextPageToken: next };
}

import type { UpstreamClient } from '../upstream/client.js';
import type { CatalogModel } from './catalog.js';

// Google's model lists, both paginated with pageSize/pageToken → nextPageToken, no prices:
// - AI Studio, GET {base}/models (reference providers.md §2.3):
//   {models:[{name:"models/gemini-2.5-pro", displayName, supportedGenerationMethods:[…]}], nextPageToken}.
//   Embedding, imagen and veo models are listed too, so only models that serve generateContent are kept.
// - Vertex AI Model Garden, GET https://{host}/v1beta1/publishers/google/models (ListPublisherModels;
//   the reference only names "publisher model listing", the shape is Google's v1beta1 REST reference):
//   {publisherModels:[{name:"publishers/google/models/gemini-2.5-pro", versionId, launchStage, …}], nextPageToken}.
//   No supported-methods field, so Gemini models are told by their id (embedding models left out).

/** Page sizes: AI Studio's largest; Model Garden documents no maximum, so 100, within Google's usual limit. */
const PAGE_SIZE = { google: 1000, vertex: 100 } as const;
const MAX_PAGES = 10;

type GoogleFormat = keyof typeof PAGE_SIZE;

/** Every generateContent model, following nextPageToken within one time budget. */
export async function fetchGoogleCatalog(client: UpstreamClient, req: { url: string; headers: Record<string, string> }, timeoutMs: number, format: GoogleFormat = 'google'): Promise<CatalogModel[]> {
  const deadline = Date.now() + timeoutMs;
  const out: CatalogModel[] = [];
  const seen = new Set<string>();
  let token: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const url = new URL(req.url);
    url.searchParams.set('pageSize', String(PAGE_SIZE[format]));
    if (token) url.searchParams.set('pageToken', token);
    const left = deadline - Date.now();
    if (left <= 0) throw new Error('catalog timed out');
    const { status, json } = await client.getJson(url.toString(), req.headers, left);
    if (status < 200 || status >= 300) throw new Error(`catalog HTTP ${status}`);
    const parsed = format === 'vertex' ? parseVertexCatalog(json) : parseGoogleCatalog(json);
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

/** Model Garden's publisher models: the Gemini ones, by id (`publishers/google/models/` removed). */
export function parseVertexCatalog(json: unknown): { models: CatalogModel[]; nextPageToken: string | null } {
  const o = json && typeof json === 'object' ? (json as { publisherModels?: unknown; nextPageToken?: unknown }) : {};
  const models: CatalogModel[] = [];
  for (const item of Array.isArray(o.publisherModels) ? o.publisherModels : []) {
    const name = item && typeof item === 'object' ? (item as { name?: unknown }).name : undefined;
    if (typeof name !== 'string') continue;
    const id = name.slice(name.lastIndexOf('/') + 1).replace(/@.*$/, '');
    if (/^gemini-/.test(id) && !id.includes('embedding')) models.push({ id });
  }
  const next = typeof o.nextPageToken === 'string' && o.nextPageToken ? o.nextPageToken : null;
  return { models, nextPageToken: next };
}

import { z } from 'zod';
import { PRESETS } from '../providers/presets.js';
import { PROVIDER_PORTS, FIRST_CUSTOM_PORT, ROUTER_PORT } from './defaults.js';
import { zodIssueLines } from './errors.js';
import { diffEntry, type Overlay } from './provider-overlay.js';
import type { ProviderEdits } from './provider-store.js';
import type { ProviderConfig } from './schema.js';

// Provider edits from the admin API as pure functions of the saved state: a body
// (POST/PUT /api/providers) becomes new overlay and key sets. Whole-config
// validation happens afterwards (ProviderStore.resolve), so every problem gets the
// message a config file would get; here only what is specific to an edit is checked.

/** A problem with an edit: 400 bad input, 404 no such provider, 409 conflicts with what exists. */
export class ProviderEditError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'ProviderEditError';
  }
}

const ID = /^[a-z0-9][a-z0-9_-]*$/;
/** '' and null both mean "back to the default" for optional text fields. */
const clearable = <T extends z.ZodType>(t: T) => z.union([t, z.literal(''), z.null()]).optional();

export const ProviderBodySchema = z
  .object({
    id: z.string().max(64).regex(ID, 'provider ids are lowercase letters, digits, - and _').optional(),
    type: z.string().min(1).optional(),
    label: clearable(z.string().max(200)),
    // Write-only: absent keeps the key, "" clears it, a string sets it.
    apiKey: z.string().max(8192).optional(),
    apiKeyEnv: clearable(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')),
    baseUrl: clearable(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })),
    dialect: clearable(z.enum(['anthropic', 'openai-chat', 'gemini'])),
    models: z.object({ opus: z.string().optional(), sonnet: z.string().optional(), haiku: z.string().optional() }).strict().optional(),
    modelMap: z.record(z.string().min(1), z.string().min(1)).optional(),
    port: z.number().int().min(0).max(65535).nullable().optional(),
    region: clearable(z.string()),
    project: clearable(z.string()),
    credentialsFile: clearable(z.string()),
    enabled: z.boolean().optional(),
  })
  .strict();

export type ProviderBody = z.infer<typeof ProviderBodySchema>;

/** Parses a request body; problems name the field as the config would (`providers.<id>.baseUrl: ...`). */
export function parseProviderBody(raw: unknown, id: string | null): ProviderBody {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ProviderEditError(400, 'the body must be a JSON object of provider fields');
  const parsed = ProviderBodySchema.safeParse(raw);
  if (!parsed.success) {
    const named = id ?? (typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : (raw as { type?: unknown }).type);
    const prefix = typeof named === 'string' && named ? ['providers', named] : [];
    throw new ProviderEditError(400, zodIssueLines(parsed.error, prefix).join('; '));
  }
  const body = parsed.data;
  if (body.apiKey !== undefined) {
    body.apiKey = body.apiKey.trim();
    // It becomes an HTTP header value: no spaces or control characters.
    if (body.apiKey && !/^[\x21-\x7e]+$/.test(body.apiKey)) throw new ProviderEditError(400, `providers.${id ?? body.id ?? body.type}.apiKey: must be printable characters without spaces`);
  }
  return body;
}

/** The provider id a POST creates: `id`, else the type (the first provider of a preset usually takes its name). */
export function newProviderId(body: ProviderBody): string {
  if (!body.type) throw new ProviderEditError(400, `type: required (one of ${Object.keys(PRESETS).join(', ')})`);
  const id = body.id ?? body.type;
  if (!ID.test(id)) throw new ProviderEditError(400, `id: "${id}" is not a valid provider id (lowercase letters, digits, - and _); send an id`);
  if (id === 'router') throw new ProviderEditError(400, 'id: "router" names the router port; choose another id');
  return id;
}

/** `entry` with the body's fields applied ('' / null clear a field; `models` merges per tier). */
export function applyBody(id: string, entry: ProviderConfig, body: ProviderBody): ProviderConfig {
  const out: Record<string, unknown> = { ...entry };
  const set = (field: keyof ProviderConfig, value: unknown) => {
    if (value === undefined) return;
    if (value === null || value === '') delete out[field];
    else out[field] = value;
  };
  if (body.type !== undefined) set('type', body.type === id ? null : body.type);
  set('label', body.label);
  set('apiKeyEnv', body.apiKeyEnv);
  set('baseUrl', body.baseUrl);
  set('dialect', body.dialect);
  set('region', body.region);
  set('project', body.project);
  set('credentialsFile', body.credentialsFile);
  if (body.enabled !== undefined) set('enabled', body.enabled ? null : false);
  if (body.modelMap !== undefined) set('modelMap', Object.keys(body.modelMap).length ? body.modelMap : null);
  if (body.models !== undefined) {
    const tiers: Record<string, string> = { ...(entry.models ?? {}) };
    for (const [tier, model] of Object.entries(body.models)) {
      if (model === undefined) continue;
      if (model === '') delete tiers[tier];
      else tiers[tier] = model;
    }
    set('models', Object.keys(tiers).length ? tiers : null);
  }
  // A key set or cleared here replaces one written in the config file, so the file's is not used behind the user's back.
  if (body.apiKey !== undefined) delete out.apiKey;
  return out as ProviderConfig;
}

/** Keys a preset cannot take, refused by name rather than silently unused. */
function checkKey(id: string, entry: ProviderConfig, body: ProviderBody): void {
  if (!body.apiKey) return;
  const spec = PRESETS[entry.type ?? id];
  if (spec && spec.auth === 'none' && (!spec.alternate || spec.alternate.auth === 'none')) {
    throw new ProviderEditError(400, `providers.${id}.apiKey: ${spec.label} takes no API key`);
  }
}

/** The edits with provider `id` set to `desired` (null: deleted), its port choice and its key. */
export function withProvider(base: Record<string, ProviderConfig>, edits: ProviderEdits, id: string, desired: ProviderConfig | null, port?: number | null, apiKey?: string): ProviderEdits {
  const overlay: Overlay = { providers: { ...edits.overlay.providers }, ports: { ...edits.overlay.ports } };
  const secrets = { ...edits.secrets };
  const patch = diffEntry(base[id], desired);
  if (patch === undefined) delete overlay.providers[id];
  else overlay.providers[id] = patch;
  if (desired === null) {
    delete overlay.ports[id];
    delete secrets[id];
  } else if (port !== undefined) {
    overlay.ports[id] = port;
  }
  if (apiKey !== undefined) {
    if (apiKey) secrets[id] = apiKey;
    else delete secrets[id];
  }
  return { overlay, secrets };
}

export interface EditContext {
  /** The config file's entries (or the environment's). */
  base: Record<string, ProviderConfig>;
  /** Every entry in effect now. */
  entries: Record<string, ProviderConfig>;
  edits: ProviderEdits;
  /** Ports bound or configured now, with what they serve. */
  ports: ReadonlyArray<{ port: number; use: string }>;
}

/** POST /api/providers: a new provider. Its port is the body's, else its preset's usual one if free, else the next free from 8100. */
export function createProvider(ctx: EditContext, body: ProviderBody): { id: string; edits: ProviderEdits } {
  const id = newProviderId(body);
  if (ctx.entries[id]) throw new ProviderEditError(409, `providers.${id}: a provider with this id exists; send another "id", or PUT /api/providers/${id} to change it`);
  const entry = applyBody(id, {}, body);
  checkKey(id, entry, body);
  const port = body.port !== undefined ? body.port : pickPort(id, ctx.ports);
  if (port !== null) checkPortFree(id, port, ctx.ports);
  return { id, edits: withProvider(ctx.base, ctx.edits, id, entry, port, body.apiKey || undefined) };
}

/** PUT /api/providers/:id: the fields given change; the rest stay. */
export function updateProvider(ctx: EditContext, id: string, body: ProviderBody): ProviderEdits {
  const entry = ctx.entries[id];
  if (!entry) throw new ProviderEditError(404, `no provider "${id}" (providers: ${Object.keys(ctx.entries).join(', ') || 'none'})`);
  if (body.id !== undefined && body.id !== id) throw new ProviderEditError(400, `providers.${id}.id: a provider cannot be renamed; add one with the new id and remove this one`);
  const next = applyBody(id, entry, body);
  checkKey(id, next, body);
  if (body.port !== undefined && body.port !== null) checkPortFree(id, body.port, ctx.ports);
  return withProvider(ctx.base, ctx.edits, id, next, body.port, body.apiKey);
}

/** DELETE /api/providers/:id: gone from the config in effect, its port choice and its key with it. */
export function deleteProvider(ctx: EditContext, id: string): ProviderEdits {
  if (!ctx.entries[id]) throw new ProviderEditError(404, `no provider "${id}" (providers: ${Object.keys(ctx.entries).join(', ') || 'none'})`);
  return withProvider(ctx.base, ctx.edits, id, null);
}

function checkPortFree(id: string, port: number, ports: EditContext['ports']): void {
  if (port === 0) return;
  const owner = ports.find((p) => p.port === port && p.use !== id);
  if (owner) throw new ProviderEditError(409, `providers.${id}.port: ${port} is already used by ${owner.use === 'router' ? 'the router' : `"${owner.use}"`}`);
}

/** The preset's usual port when free (8095 for openai), else the first free port from 8100. */
export function pickPort(id: string, ports: EditContext['ports']): number {
  const taken = new Set<number>([ROUTER_PORT, ...ports.map((p) => p.port)]);
  const usual = PROVIDER_PORTS[id];
  if (usual !== undefined && !taken.has(usual)) return usual;
  // The other presets' usual ports stay free for them.
  for (const p of Object.values(PROVIDER_PORTS)) taken.add(p);
  let port = FIRST_CUSTOM_PORT;
  while (taken.has(port)) port++;
  return port;
}

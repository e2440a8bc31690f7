import { resolveBudgets } from '../budget/config.js';
import type { BudgetSettings } from '../budget/types.js';
import { PRESETS, DEFAULT_ROUTER_ORDER } from '../providers/presets.js';
import { resolveScenarioRoutes, type ScenarioRoutes } from '../router/scenario-routes.js';
import { DEFAULT_LONG_CONTEXT_THRESHOLD } from '../router/scenario.js';
import type { AuthScheme, CatalogFormat, ChatQuirks, DialectName, GeminiProviderSettings, ModelInfo, PriceSpec, ProviderSpec, Tier } from '../providers/types.js';
import { rejectVertexFields, resolveVertex, type ResolvedVertex, type VertexSettings } from '../providers/vertex.js';
import type { UpstreamAuth } from '../auth/types.js';
import { DEFAULTS, FIRST_CUSTOM_PORT, PROVIDER_PORTS, ROUTER_PORT } from './defaults.js';
import { ConfigError } from './errors.js';
import type { ConfigFile, ProviderConfig } from './schema.js';

export type Env = Record<string, string | undefined>;

/** A provider ready to use: preset data merged with config and environment. */
export interface ResolvedProvider {
  id: string;
  type: string;
  label: string;
  dialect: DialectName;
  /** Base URL without a trailing slash. */
  baseUrl: string;
  path: string;
  modelsPath?: string;
  /** Shape of the model list (absent: OpenAI/Anthropic/GitHub style). */
  catalogFormat?: CatalogFormat;
  countTokensPath?: string;
  auth: AuthScheme;
  apiKey?: string;
  /** Where the key came from, for status output (never the key itself). */
  keySource: string;
  forwardClientAuth: boolean;
  headers: Record<string, string>;
  tiers: Partial<Record<Tier, string>>;
  modelMap: Record<string, string>;
  models: Record<string, ModelInfo>;
  /** providers.<id>.price: for every model without a price of its own. */
  price?: PriceSpec;
  defaultMaxOutputTokens?: number;
  isReasoningModel?: (model: string) => boolean;
  chat?: ChatQuirks;
  /** gemini dialect: model URL shape, countTokens body, model facts. */
  gemini?: GeminiProviderSettings;
  /** The provider's own id for a requested name it recognises (router/model-map.ts). */
  modelId?: (requested: string) => string | undefined;
  /** Credentials obtained at run time (Google OAuth), added to every upstream request; absent for static keys. */
  authHook?: UpstreamAuth;
  /** Vertex AI region, API root and credentials (providers/vertex.ts). */
  vertex?: VertexSettings;
}

export interface ResolvedPort {
  port: number;
  /** 'router' or a provider id. */
  use: string;
  fallbackToRouter: boolean;
}

export interface Settings {
  host: string;
  allowedHosts: string[];
  allowedOrigins: string[];
  bodyLimit: number;
  clientApiKey?: string;
  /** server.adminToken; when unset the Gateway takes $SWITCHBOARD_ADMIN_TOKEN or its token file. */
  adminToken?: string;
  timeouts: { connectMs: number; firstByteMs: number; idleMs: number };
  logLevel: string;
  providers: Map<string, ResolvedProvider>;
  ports: ResolvedPort[];
  routerOrder: string[];
  routerStrategy?: 'priority' | 'cost' | 'performance' | 'availability' | 'intelligent';
  /** Same-provider retries before falling back (router.retries). */
  routerRetries: number;
  /** Route away below this fraction of rate limit remaining (router.rateLimitThreshold). */
  rateLimitThreshold?: number;
  /** Seconds between health probes, 0 = off (router.healthCheckIntervalS). */
  healthCheckIntervalS: number;
  /** Estimated prompt tokens above which a request is longContext (router.longContextThreshold). */
  longContextThreshold: number;
  /** Targets the router port tries first per scenario (router.scenarios), in config order. */
  scenarioRoutes: ScenarioRoutes;
  usage: { enabled: boolean; dbPath?: string; retentionDays: number };
  /** GET /metrics (metrics.enabled) and whether it needs the admin token (metrics.requireToken). */
  metrics: { enabled: boolean; requireToken: boolean };
  /** Spending budgets (budgets.*, else $HOURLY_COST_ALERT_THRESHOLD / $DAILY_COST_ALERT_THRESHOLD, else 10 / 50 USD). */
  budgets: BudgetSettings;
  /** Human-readable notes about disabled providers and defaults taken. */
  notes: string[];
}

/**
 * What the state dir adds to a config file (config/provider-store.ts): keys set through
 * the admin API, kept apart from the config, and per-provider port choices.
 */
export interface ResolveOptions {
  /** Provider id -> API key (secrets.json); wins over apiKey, apiKeyEnv and the preset's variables. */
  secrets?: Readonly<Record<string, string>>;
  /** What those keys' source is called (ResolvedProvider.keySource); default "secrets.json". */
  secretsName?: string;
  /** Provider id -> its one dedicated port (replacing the config's entries for it), or null for none. */
  ports?: Readonly<Record<string, number | null>>;
}

export function resolveSettings(file: ConfigFile, env: Env, opts: ResolveOptions = {}): Settings {
  const notes: string[] = [];
  const providers = new Map<string, ResolvedProvider>();

  // No providers section: every preset whose key (or host) is in the environment.
  for (const [id, pc] of Object.entries(file.providers ?? providersFromEnv(env))) {
    if (pc.enabled === false) continue;
    const resolved = resolveProvider(id, pc, env, notes, opts.secrets?.[id], opts.secretsName);
    if (resolved) providers.set(id, resolved);
  }

  const ports = resolvePorts(file, providers, opts.ports);
  const routerOrder = resolveRouterOrder(file, providers);
  checkNoLoops(providers, ports);

  const server = file.server ?? {};
  return {
    host: server.host ?? DEFAULTS.host,
    allowedHosts: server.allowedHosts ?? [],
    allowedOrigins: server.allowedOrigins ?? [],
    bodyLimit: Math.round((server.bodyLimitMb ?? DEFAULTS.bodyLimitMb) * 1024 * 1024),
    clientApiKey: server.clientApiKey,
    adminToken: server.adminToken,
    timeouts: { ...DEFAULTS.timeouts, ...(server.timeouts ?? {}) },
    logLevel: server.logLevel ?? DEFAULTS.logLevel,
    providers,
    ports,
    routerOrder,
    routerStrategy: file.router?.strategy,
    usage: { enabled: file.usage?.enabled ?? true, dbPath: file.usage?.dbPath, retentionDays: file.usage?.retentionDays ?? 90 },
    metrics: { enabled: file.metrics?.enabled ?? true, requireToken: file.metrics?.requireToken ?? true },
    budgets: resolveBudgets(file.budgets, env),
    routerRetries: file.router?.retries ?? 0,
    rateLimitThreshold: file.router?.rateLimitThreshold,
    healthCheckIntervalS: file.router?.healthCheckIntervalS ?? 30,
    longContextThreshold: file.router?.longContextThreshold ?? DEFAULT_LONG_CONTEXT_THRESHOLD,
    scenarioRoutes: resolveScenarioRoutes(file.router?.scenarios, providers, file.providers),
    notes,
  };
}

/** The providers a config without a providers section enables: each preset whose key (or host) is in the environment. */
export function providersFromEnv(env: Env): Record<string, ProviderConfig> {
  const out: Record<string, ProviderConfig> = {};
  for (const spec of Object.values(PRESETS)) {
    if (spec.baseUrlRequired) continue;
    const vars = [...(spec.keyEnv ?? []), ...(spec.enableEnv ?? [])];
    if (vars.some((v) => env[v]) || spec.enableFromEnv?.(env)) out[spec.type] = {};
  }
  return out;
}

/** One provider as the gateway would use it (null: disabled for want of a key, with the reason in `notes`). */
export function resolveOneProvider(id: string, pc: ProviderConfig, env: Env, secret?: string, secretsName?: string): { provider: ResolvedProvider | null; notes: string[] } {
  const notes: string[] = [];
  return { provider: resolveProvider(id, pc, env, notes, secret, secretsName), notes };
}

function resolveProvider(id: string, pc: ProviderConfig, env: Env, notes: string[], secret?: string, secretsName = 'secrets.json'): ResolvedProvider | null {
  const type = pc.type ?? id;
  const spec: ProviderSpec | undefined = PRESETS[type];
  if (!spec) {
    throw new ConfigError(`providers.${id}.type: unknown provider type "${type}" (known: ${Object.keys(PRESETS).join(', ')})`);
  }

  const label = pc.label ?? (id === type ? spec.label : `${spec.label} (${id})`);
  let google: ResolvedVertex | null = null;
  if (spec.vertex) google = resolveVertex(id, { ...spec, vertex: spec.vertex }, pc, env, label);
  else rejectVertexFields(id, pc, spec.label);

  const alt = pc.dialect && pc.dialect !== spec.dialect && spec.alternate?.dialect === pc.dialect ? spec.alternate : undefined;
  if (pc.dialect && pc.dialect !== spec.dialect && !alt) {
    throw new ConfigError(`providers.${id}.dialect: ${spec.label} has no ${pc.dialect} API`);
  }

  const envBase = google ? undefined : firstEnv(env, spec.baseUrlEnv);
  let baseUrl = google?.settings.apiBase ?? pc.baseUrl ?? (envBase ? normaliseEnvUrl(envBase.name, envBase.value) : spec.baseUrl);
  if (alt && !pc.baseUrl) {
    // The alternate API lives under the provider's (possibly overridden) base URL.
    baseUrl = alt.baseUrl.startsWith(spec.baseUrl) ? baseUrl + alt.baseUrl.slice(spec.baseUrl.length) : alt.baseUrl;
  }
  if (!baseUrl) throw new ConfigError(`providers.${id}.baseUrl: required for a ${spec.label}`);
  baseUrl = baseUrl.replace(/\/+$/, '');

  let apiKey: string | undefined;
  let keySource = 'none';
  if (secret) {
    // Set through the admin API (the window), so the newest choice.
    apiKey = secret;
    keySource = secretsName;
  } else if (pc.apiKey) {
    apiKey = pc.apiKey;
    keySource = 'config file';
  } else if (pc.apiKeyEnv) {
    apiKey = env[pc.apiKeyEnv] || undefined;
    keySource = `$${pc.apiKeyEnv}`;
    if (!apiKey) notes.push(`${id}: $${pc.apiKeyEnv} is not set`);
  } else {
    const found = firstEnv(env, spec.keyEnv);
    if (found) {
      apiKey = found.value;
      keySource = `$${found.name}`;
    }
  }
  const forwardClientAuth = pc.forwardClientAuth ?? false;
  const dialect = alt?.dialect ?? spec.dialect;
  if (forwardClientAuth && dialect !== 'anthropic') {
    throw new ConfigError(`providers.${id}.forwardClientAuth: only anthropic-dialect providers can use the client's own key`);
  }
  if (!apiKey && spec.keyRequired && !forwardClientAuth) {
    const where = pc.apiKeyEnv ? `$${pc.apiKeyEnv}` : spec.keyEnv?.length ? `$${spec.keyEnv[0]}` : 'apiKey';
    notes.push(`${id}: disabled, no API key (set ${where} or providers.${id}.apiKey)`);
    return null;
  }
  if (forwardClientAuth && !apiKey) keySource = 'client';
  if (google) {
    if (forwardClientAuth) throw new ConfigError(`providers.${id}.forwardClientAuth: ${spec.label} authenticates with Google credentials, not the client's key`);
    const keyField = pc.apiKey || secret ? 'apiKey' : pc.apiKeyEnv ? 'apiKeyEnv' : null;
    if (keyField) throw new ConfigError(`providers.${id}.${keyField}: ${spec.label} authenticates with Google credentials (credentialsFile, $GOOGLE_APPLICATION_CREDENTIALS or Application Default Credentials), not an API key`);
    keySource = google.keySource;
  }

  return {
    id,
    type,
    label,
    dialect,
    baseUrl,
    path: alt?.path ?? spec.path,
    modelsPath: alt ? alt.modelsPath : spec.modelsPath,
    catalogFormat: alt ? undefined : spec.catalogFormat,
    countTokensPath: alt ? alt.countTokensPath : spec.countTokensPath,
    auth: alt?.auth ?? spec.auth,
    apiKey,
    keySource,
    forwardClientAuth,
    headers: { ...(spec.headers ?? {}), ...lowerKeys(pc.headers ?? {}) },
    tiers: { ...spec.tiers, ...(pc.models ?? {}) },
    modelMap: pc.modelMap ?? {},
    models: { ...(spec.models ?? {}), ...(pc.modelInfo ?? {}) },
    price: pc.price,
    defaultMaxOutputTokens: pc.maxOutputTokens ?? spec.defaultMaxOutputTokens,
    isReasoningModel: spec.isReasoningModel,
    chat: spec.chat ? { ...spec.chat, ...(pc.quirks ?? {}) } : undefined,
    gemini: spec.gemini,
    // Always present (maybe undefined), so every provider object has one shape for the hot path's reads.
    modelId: spec.modelId,
    authHook: google?.settings.credentials,
    vertex: google?.settings,
  };
}

function resolvePorts(file: ConfigFile, providers: Map<string, ResolvedProvider>, chosen: Readonly<Record<string, number | null>> = {}): ResolvedPort[] {
  const ports = file.ports ? configPorts(file, providers, chosen) : defaultPorts(providers, chosen);
  // Port choices made through the admin API: the provider's one dedicated port.
  for (const [id, port] of Object.entries(chosen)) {
    if (port === null || !providers.has(id)) continue;
    const clash = port !== 0 && ports.find((p) => p.port === port);
    if (clash) throw new ConfigError(`providers.${id}.port: ${port} is already bound to ${clash.use === 'router' ? 'the router' : `"${clash.use}"`}`);
    const before = file.ports?.find((p) => p.use === id);
    ports.push({ port, use: id, fallbackToRouter: before?.fallbackToRouter ?? false });
  }
  // A config file's own order is kept (listeners bind and print in it); defaults go by number.
  return file.ports ? ports : ports.sort((a, b) => a.port - b.port);
}

function configPorts(file: ConfigFile, providers: Map<string, ResolvedProvider>, chosen: Readonly<Record<string, number | null>>): ResolvedPort[] {
  const seen = new Set<number>();
  return file.ports!
    .map((p, i) => {
      if (p.port !== 0 && seen.has(p.port)) throw new ConfigError(`ports[${i}].port: ${p.port} is bound twice`);
      seen.add(p.port);
      // A provider whose port was chosen through the admin API gets that port instead (below).
      if (p.use !== 'router' && Object.hasOwn(chosen, p.use)) return null;
      if (p.use !== 'router' && !providers.has(p.use)) {
        const known = file.providers?.[p.use];
        const why = known ? 'is disabled or has no API key' : 'is not a configured provider';
        throw new ConfigError(`ports[${i}].use: "${p.use}" ${why}`);
      }
      return { port: p.port, use: p.use, fallbackToRouter: p.fallbackToRouter ?? false };
    })
    .filter((p): p is ResolvedPort => p !== null);
}

function defaultPorts(providers: Map<string, ResolvedProvider>, chosen: Readonly<Record<string, number | null>>): ResolvedPort[] {
  const ports: ResolvedPort[] = [{ port: ROUTER_PORT, use: 'router', fallbackToRouter: false }];
  // Every default port stays free for its provider, enabled or not: enabling one later moves no other.
  const taken = new Set<number>([ROUTER_PORT, ...Object.values(PROVIDER_PORTS), ...Object.values(chosen).filter((p): p is number => p !== null)]);
  let next = FIRST_CUSTOM_PORT;
  for (const id of providers.keys()) {
    if (Object.hasOwn(chosen, id)) continue;
    let port = PROVIDER_PORTS[id];
    if (port === undefined) {
      while (taken.has(next)) next++;
      port = next;
      taken.add(port);
    }
    ports.push({ port, use: id, fallbackToRouter: false });
  }
  return ports;
}

function resolveRouterOrder(file: ConfigFile, providers: Map<string, ResolvedProvider>): string[] {
  const explicit = file.router?.order;
  if (explicit) {
    explicit.forEach((id, i) => {
      if (!file.providers?.[id] && !providers.has(id)) throw new ConfigError(`router.order[${i}]: "${id}" is not a configured provider`);
    });
    return explicit.filter((id) => providers.has(id));
  }
  const ids = [...providers.keys()];
  const rank = (id: string) => {
    const i = DEFAULT_ROUTER_ORDER.indexOf(providers.get(id)!.type);
    return i === -1 ? DEFAULT_ROUTER_ORDER.length : i;
  };
  return ids.sort((a, b) => rank(a) - rank(b));
}

/** A provider pointed at one of our own listeners would send every request around in a circle. */
function checkNoLoops(providers: Map<string, ResolvedProvider>, ports: ResolvedPort[]): void {
  const own = new Set(ports.map((p) => p.port));
  for (const p of providers.values()) {
    const u = new URL(p.baseUrl);
    const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
    if (isLoopbackHostname(u.hostname) && own.has(port)) {
      throw new ConfigError(`providers.${p.id}.baseUrl: ${p.baseUrl} is Switchboard's own port ${port}; that would loop`);
    }
  }
}

export function isLoopbackHostname(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h.endsWith('.localhost');
}

function firstEnv(env: Env, names: string[] | undefined): { name: string; value: string } | undefined {
  for (const name of names ?? []) {
    const value = env[name];
    if (value) return { name, value };
  }
  return undefined;
}

/** OLLAMA_HOST style values: "0.0.0.0:11434", "localhost", "http://host:port". */
function normaliseEnvUrl(name: string, value: string): string {
  const bare = !/^https?:\/\//.test(value.trim());
  let u: URL;
  try {
    u = new URL(bare ? `http://${value.trim()}` : value.trim());
  } catch {
    throw new ConfigError(`$${name}: "${value}" is not a valid URL`);
  }
  if (u.hostname === '0.0.0.0') u.hostname = '127.0.0.1';
  // OLLAMA_HOST is usually written without a scheme, and its port defaults to 11434.
  if (name === 'OLLAMA_HOST' && bare && !u.port) u.port = '11434';
  return u.toString().replace(/\/+$/, '');
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

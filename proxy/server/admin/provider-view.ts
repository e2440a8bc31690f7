import { PROVIDER_PORTS } from '../../config/defaults.js';
import type { Env, ResolvedProvider } from '../../config/resolve.js';
import type { ProviderConfig } from '../../config/schema.js';
import { keyHint } from '../../config/secrets-file.js';
import { PRESETS } from '../../providers/presets.js';
import type { ProviderSpec, Tier } from '../../providers/types.js';

// What GET /api/providers shows of a provider and of a preset. Never a key: a key
// is shown as whether it is set, its last four characters, and where it came from.

type Tiers = Record<Tier, string>;

export interface ProviderView {
  id: string;
  type: string;
  label: string;
  dialect: string;
  /** In use: enabled in the config and resolved (a key when one is required). */
  enabled: boolean;
  /** config: in the config file; env: enabled by its variables (no providers section); ui: added through the API. */
  source: 'config' | 'env' | 'ui';
  /** Changed through the API (saved in providers.json / secrets.json). */
  edited: boolean;
  baseUrl: string;
  /** Its dedicated port (the one bound, for port 0), or null for none. */
  port: number | null;
  running: boolean;
  /** Upstream model per Claude tier; '' means the requested name is sent unchanged. */
  models: Tiers;
  modelMap: Record<string, string>;
  key: { set: boolean; hint: string | null; env: string | null; source: string };
  google?: { region: string; project: string; credentialsFile: string };
  /** Why it is not in use, in plain words (null when it is). */
  problem: string | null;
}

export interface PresetView {
  type: string;
  label: string;
  dialect: string;
  /** The dialects it can be reached in (the first is the default). */
  dialects: string[];
  needsKey: boolean;
  /** Whether it takes an API key at all (Ollama and Vertex AI do not). */
  takesKey: boolean;
  keyEnv: string[];
  defaultBaseUrl: string;
  defaultModels: Tiers;
  defaultPort: number | null;
  fields: string[];
  docs: string;
}

const DOCS: Record<string, string> = {
  anthropic: "Claude through Anthropic's API, passed through unchanged; key from console.anthropic.com.",
  'vertex-claude': 'Claude on Google Cloud Vertex AI: region, project and Google credentials (a service-account file or gcloud ADC), no API key.',
  openai: "OpenAI's Chat Completions API; key from platform.openai.com.",
  openrouter: 'Hundreds of models behind one key (openrouter.ai/keys), with live prices.',
  'github-models': 'GitHub Models with a GitHub token (models:read); the free tier caps output near 4k tokens.',
  deepseek: "DeepSeek's API (Chat Completions, or its Anthropic endpoint with dialect anthropic); key from platform.deepseek.com.",
  aistudio: 'Gemini through Google AI Studio; key from aistudio.google.com/apikey.',
  ollama: 'Local models through Ollama 0.14 or later, no key; http://127.0.0.1:11434 unless you change it.',
  'openai-compatible': 'Any server speaking Chat Completions (vLLM, LM Studio, llama.cpp, Groq, ...); base URL required.',
  'anthropic-compatible': 'Any server speaking the Anthropic Messages API; base URL required.',
};

const VERTEX_FIELDS = ['region', 'project', 'credentialsFile'];

function tiers(t: Partial<Record<Tier, string>>): Tiers {
  return { opus: t.opus ?? '', sonnet: t.sonnet ?? '', haiku: t.haiku ?? '' };
}

function takesKey(spec: ProviderSpec): boolean {
  return !spec.vertex && (spec.auth !== 'none' || (spec.alternate !== undefined && spec.alternate.auth !== 'none'));
}

export function presetViews(): PresetView[] {
  return Object.values(PRESETS).map((spec) => ({
    type: spec.type,
    label: spec.label,
    dialect: spec.dialect,
    dialects: spec.alternate ? [spec.dialect, spec.alternate.dialect] : [spec.dialect],
    needsKey: spec.keyRequired && !spec.vertex,
    takesKey: takesKey(spec),
    keyEnv: [...(spec.keyEnv ?? [])],
    defaultBaseUrl: spec.baseUrl,
    defaultModels: tiers(spec.tiers),
    defaultPort: PROVIDER_PORTS[spec.type] ?? null,
    fields: [...(spec.vertex ? VERTEX_FIELDS : []), ...(spec.alternate ? ['dialect'] : [])],
    docs: DOCS[spec.type] ?? `${spec.label} (${spec.dialect} dialect).`,
  }));
}

export interface ViewInput {
  id: string;
  /** The entry in effect (absent for a gateway started from fixed settings). */
  entry?: ProviderConfig;
  resolved?: ResolvedProvider;
  source: ProviderView['source'];
  edited: boolean;
  /** The key set through the API, if any. */
  secret?: string;
  /** What the API's key store is called (SecretsSource.name; default "secrets.json"). */
  secretsName?: string;
  port: { port: number; running: boolean } | null;
  /** The resolver's note about it (why it is disabled), if any. */
  note?: string;
  env: Env;
}

export function providerView(v: ViewInput): ProviderView {
  const entry = v.entry ?? {};
  const type = v.resolved?.type ?? entry.type ?? v.id;
  const spec = PRESETS[type];
  const r = v.resolved;
  const view: ProviderView = {
    id: v.id,
    type,
    label: r?.label ?? entry.label ?? (spec ? (v.id === type ? spec.label : `${spec.label} (${v.id})`) : v.id),
    dialect: r?.dialect ?? entry.dialect ?? spec?.dialect ?? 'openai-chat',
    enabled: r !== undefined,
    source: v.source,
    edited: v.edited,
    baseUrl: r?.baseUrl ?? entry.baseUrl ?? spec?.baseUrl ?? '',
    port: v.port?.port ?? null,
    running: v.port?.running ?? false,
    models: tiers(r?.tiers ?? { ...(spec?.tiers ?? {}), ...(entry.models ?? {}) }),
    modelMap: { ...(r?.modelMap ?? entry.modelMap ?? {}) },
    key: r ? resolvedKey(r) : unresolvedKey(v, entry, spec),
    problem: r ? null : entry.enabled === false ? 'disabled' : (v.note?.replace(/^[^:]+:\s*/, '') ?? 'not in use'),
  };
  if (spec?.vertex) {
    view.google = {
      region: r?.vertex?.region ?? entry.region ?? '',
      project: r?.vertex?.credentials.projectId ?? entry.project ?? '',
      credentialsFile: entry.credentialsFile ?? (v.env.GOOGLE_APPLICATION_CREDENTIALS || ''),
    };
  }
  return view;
}

function resolvedKey(r: ResolvedProvider): ProviderView['key'] {
  const key = r.apiKey;
  return { set: !!key, hint: key ? keyHint(key) : null, env: r.keySource.startsWith('$') ? r.keySource.slice(1) : null, source: r.keySource };
}

/** A provider not in use: the key it would get, by the resolver's precedence. */
function unresolvedKey(v: ViewInput, entry: ProviderConfig, spec: ProviderSpec | undefined): ProviderView['key'] {
  const fromEnv = (entry.apiKeyEnv ? [entry.apiKeyEnv] : (spec?.keyEnv ?? [])).find((name) => v.env[name]);
  const found: [string | undefined, string, string | null] = v.secret
    ? [v.secret, v.secretsName ?? 'secrets.json', null]
    : entry.apiKey
      ? [entry.apiKey, 'config file', null]
      : fromEnv
        ? [v.env[fromEnv], `$${fromEnv}`, fromEnv]
        : [undefined, entry.apiKeyEnv ? `$${entry.apiKeyEnv}` : 'none', null];
  const [key, source, env] = found;
  return { set: !!key, hint: key ? keyHint(key) : null, env, source };
}

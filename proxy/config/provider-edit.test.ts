import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { createProvider, deleteProvider, parseProviderBody, pickPort, ProviderEditError, updateProvider, type EditContext } from './provider-edit.js';
import { composeConfig, emptyOverlay, readOverlay } from './provider-overlay.js';
import { ProviderStore, type ProviderEdits } from './provider-store.js';
import type { Env } from './resolve.js';
import { ConfigSchema, type ConfigFile } from './schema.js';

const dir = mkdtempSync(join(tmpdir(), 'switchboard-provider-edit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function store(base: ConfigFile, env: Env = {}): ProviderStore {
  return ProviderStore.open({ base: ConfigSchema.parse(base), path: null, env, stateDir: join(dir, `s${n++}`) });
}

function ctx(s: ProviderStore, ports: EditContext['ports'] = []): EditContext {
  return { base: s.baseEntries(), entries: s.entries(), edits: s.edits, ports };
}

function editError(fn: () => unknown): { status: number; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ProviderEditError);
    return { status: (err as ProviderEditError).status, message: (err as Error).message };
  }
  throw new Error('expected a ProviderEditError');
}

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

const BASE: ConfigFile = {
  providers: {
    openrouter: { apiKeyEnv: 'OR_KEY', models: { sonnet: 'anthropic/claude-sonnet-4.5' } },
    local: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:1234/v1', models: { sonnet: 'qwen' } },
  },
  ports: [
    { port: 8080, use: 'router' },
    { port: 8093, use: 'openrouter' },
    { port: 8100, use: 'local', fallbackToRouter: true },
  ],
  router: { order: ['openrouter', 'local'] },
};
const ENV = { OR_KEY: 'sk-or-from-env-0000' };

describe('provider request bodies', () => {
  it('name the field, as a config file error would', () => {
    expect(editError(() => parseProviderBody({ type: 'openai', baseUrl: 'not a url' }, null)).message).toBe('providers.openai.baseUrl: must be an http(s) URL');
    expect(editError(() => parseProviderBody({ baseUrl: 'ftp://x' }, 'local')).message).toBe('providers.local.baseUrl: must be an http(s) URL');
    expect(editError(() => parseProviderBody({ type: 'openai', apikey: 'x' }, null)).message).toBe('providers.openai: unknown field "apikey"');
    expect(editError(() => parseProviderBody({ port: 70000 }, 'local')).message).toMatch(/^providers\.local\.port: /);
    expect(editError(() => parseProviderBody({ models: { large: 'x' } }, 'local')).message).toBe('providers.local.models: unknown field "large"');
    expect(editError(() => parseProviderBody({ type: 'openai', id: 'Bad Id' }, null)).message).toMatch(/^providers\.Bad Id\.id: provider ids are lowercase/);
    expect(editError(() => parseProviderBody({ apiKey: 'sk has spaces' }, 'local')).message).toBe('providers.local.apiKey: must be printable characters without spaces');
    expect(editError(() => parseProviderBody([], 'local')).status).toBe(400);
    // A pasted key loses its surrounding whitespace.
    expect(parseProviderBody({ apiKey: '  sk-123456789012\n' }, 'local').apiKey).toBe('sk-123456789012');
  });
});

describe('adding, changing and removing providers', () => {
  it('adds a provider: id from the type, its key apart from the config, a free port', () => {
    const s = store(BASE, ENV);
    const taken = [
      { port: 8080, use: 'router' },
      { port: 8093, use: 'openrouter' },
      { port: 8100, use: 'local' },
    ];
    const { id, edits } = createProvider(ctx(s, taken), parseProviderBody({ type: 'openai', apiKey: 'sk-openai-123456789', models: { sonnet: 'gpt-5' } }, null));
    expect(id).toBe('openai');
    expect(edits.overlay).toEqual({ providers: { openai: { models: { sonnet: 'gpt-5' } } }, ports: { openai: 8095 } });
    expect(edits.secrets).toEqual({ openai: 'sk-openai-123456789' });
    const settings = s.resolve(edits);
    expect(settings.providers.get('openai')).toMatchObject({ apiKey: 'sk-openai-123456789', keySource: 'secrets.json', tiers: { opus: 'gpt-5', sonnet: 'gpt-5', haiku: 'gpt-5-mini' } });
    expect(settings.ports).toEqual([
      { port: 8080, use: 'router', fallbackToRouter: false },
      { port: 8093, use: 'openrouter', fallbackToRouter: false },
      { port: 8100, use: 'local', fallbackToRouter: true },
      { port: 8095, use: 'openai', fallbackToRouter: false },
    ]);
    // An explicit router.order gains the new provider at its end.
    expect(settings.routerOrder).toEqual(['openrouter', 'local', 'openai']);
    // A second custom provider takes the next free custom port.
    expect(pickPort('vllm', [...taken, { port: 8095, use: 'openai' }])).toBe(8101);
  });

  it('refuses an id that exists (409), a taken port (409), a key a preset cannot take, a missing type', () => {
    const s = store(BASE, ENV);
    const ports = [{ port: 8093, use: 'openrouter' }];
    expect(editError(() => createProvider(ctx(s, ports), parseProviderBody({ type: 'openrouter' }, null)))).toEqual({ status: 409, message: 'providers.openrouter: a provider with this id exists; send another "id", or PUT /api/providers/openrouter to change it' });
    expect(editError(() => createProvider(ctx(s, ports), parseProviderBody({ type: 'openai', port: 8093 }, null)))).toEqual({ status: 409, message: 'providers.openai.port: 8093 is already used by "openrouter"' });
    expect(editError(() => createProvider(ctx(s, ports), parseProviderBody({ type: 'ollama', apiKey: 'sk-123456789012' }, null)))).toEqual({ status: 400, message: 'providers.ollama.apiKey: Ollama takes no API key' });
    expect(editError(() => createProvider(ctx(s, ports), parseProviderBody({ baseUrl: 'http://x' }, null))).message).toMatch(/^type: required \(one of .*openai-compatible/);
    expect(editError(() => createProvider(ctx(s, ports), parseProviderBody({ type: 'openai', id: 'router' }, null))).message).toBe('id: "router" names the router port; choose another id');
    expect(editError(() => updateProvider(ctx(s), 'nope', {}))).toEqual({ status: 404, message: 'no provider "nope" (providers: openrouter, local)' });
    expect(editError(() => updateProvider(ctx(s), 'local', { id: 'other' })).message).toBe('providers.local.id: a provider cannot be renamed; add one with the new id and remove this one');
  });

  it('a change is saved as the difference from the config file, and undoing it leaves nothing', () => {
    const s = store(BASE, ENV);
    const edited = updateProvider(ctx(s), 'local', parseProviderBody({ label: 'LM Studio', models: { haiku: 'qwen-small' }, baseUrl: '' }, 'local'));
    expect(edited.overlay.providers).toEqual({ local: { label: 'LM Studio', models: { sonnet: 'qwen', haiku: 'qwen-small' }, baseUrl: null } });
    // baseUrl back to the preset default: an openai-compatible server has none.
    expect(configError(() => s.resolve(edited))).toBe('providers.local.baseUrl: required for a OpenAI-compatible server');
    const s2 = store(BASE, ENV);
    const e1 = updateProvider(ctx(s2), 'local', parseProviderBody({ label: 'LM Studio' }, 'local'));
    const back = updateProvider({ ...ctx(s2), edits: e1, entries: s2.entries(e1) }, 'local', parseProviderBody({ label: '' }, 'local'));
    expect(back.overlay).toEqual(emptyOverlay());
  });

  it('a key set, kept and cleared; a key set in the API wins over the environment', () => {
    const s = store(BASE, ENV);
    const set = updateProvider(ctx(s), 'openrouter', parseProviderBody({ apiKey: 'sk-or-from-ui-1111' }, 'openrouter'));
    expect(set.secrets).toEqual({ openrouter: 'sk-or-from-ui-1111' });
    expect(s.resolve(set).providers.get('openrouter')).toMatchObject({ apiKey: 'sk-or-from-ui-1111', keySource: 'secrets.json' });
    const kept = updateProvider({ ...ctx(s), edits: set, entries: s.entries(set) }, 'openrouter', parseProviderBody({ label: 'OR' }, 'openrouter'));
    expect(kept.secrets).toEqual(set.secrets);
    const cleared = updateProvider({ ...ctx(s), edits: kept, entries: s.entries(kept) }, 'openrouter', parseProviderBody({ apiKey: '' }, 'openrouter'));
    expect(cleared.secrets).toEqual({});
    expect(s.resolve(cleared).providers.get('openrouter')).toMatchObject({ apiKey: 'sk-or-from-env-0000', keySource: '$OR_KEY' });
  });

  it('a key written in the config file is replaced, not used behind a cleared one', () => {
    const s = store({ providers: { openai: { apiKey: 'sk-in-the-file-0000' } } });
    const cleared = updateProvider(ctx(s), 'openai', parseProviderBody({ apiKey: '' }, 'openai'));
    expect(cleared.overlay.providers.openai).toEqual({ apiKey: null });
    const settings = s.resolve(cleared);
    expect(settings.providers.has('openai')).toBe(false);
    expect(settings.notes).toEqual(['openai: disabled, no API key (set $OPENAI_API_KEY or providers.openai.apiKey)']);
  });

  it('removing a provider drops its ports, order entry, port choice and key; a scenario that names it is an error', () => {
    const s = store(BASE, ENV);
    const withKey = updateProvider(ctx(s), 'local', parseProviderBody({ apiKey: 'lm-key-123456789', port: 8101 }, 'local'));
    const gone = deleteProvider({ ...ctx(s), edits: withKey, entries: s.entries(withKey) }, 'local');
    expect(gone).toEqual({ overlay: { providers: { local: null }, ports: {} }, secrets: {} });
    const settings = s.resolve(gone);
    expect([...settings.providers.keys()]).toEqual(['openrouter']);
    expect(settings.ports.map((p) => p.use)).toEqual(['router', 'openrouter']);
    expect(settings.routerOrder).toEqual(['openrouter']);
    const withScenario = store({ ...BASE, router: { ...BASE.router, scenarios: { background: 'local,qwen' } } }, ENV);
    expect(configError(() => withScenario.resolve(deleteProvider(ctx(withScenario), 'local')))).toBe('router.scenarios.background: provider "local" is not a configured provider (enabled: openrouter)');
  });

  it('a port chosen in the API replaces the config entries of that provider, keeping fallbackToRouter', () => {
    const s = store(BASE, ENV);
    const moved = updateProvider(ctx(s), 'local', parseProviderBody({ port: 8110 }, 'local'));
    expect(s.resolve(moved).ports.find((p) => p.use === 'local')).toEqual({ port: 8110, use: 'local', fallbackToRouter: true });
    const none = updateProvider(ctx(s), 'local', parseProviderBody({ port: null }, 'local'));
    expect(s.resolve(none).ports.some((p) => p.use === 'local')).toBe(false);
    // A clash with a config port is the config's error.
    const clash = updateProvider(ctx(s), 'local', parseProviderBody({ port: 8093 }, 'local'));
    expect(configError(() => s.resolve(clash))).toBe('providers.local.port: 8093 is already bound to "openrouter"');
  });

  it('without a providers section, the environment providers stay when one is added', () => {
    const env = { OPENROUTER_API_KEY: 'sk-or-env-123456', GITHUB_TOKEN: 'ghp-env-123456' };
    const s = store({}, env);
    expect(Object.keys(s.entries())).toEqual(['openrouter', 'github-models']);
    const { edits } = createProvider(ctx(s), parseProviderBody({ type: 'openai-compatible', id: 'lmstudio', baseUrl: 'http://127.0.0.1:1234/v1' }, null));
    expect(edits.overlay.ports).toEqual({ lmstudio: 8100 });
    const settings = s.resolve(edits);
    expect([...settings.providers.keys()]).toEqual(['openrouter', 'github-models', 'lmstudio']);
    // Default ports stay as they were, the new one gets its own.
    expect(settings.ports.map((p) => `${p.port}:${p.use}`)).toEqual(['8080:router', '8092:github-models', '8093:openrouter', '8100:lmstudio']);
    expect(settings.routerOrder).toEqual(['github-models', 'openrouter', 'lmstudio']);
    // Deleting an environment provider sticks (null in the overlay).
    const gone = deleteProvider({ ...ctx(s), edits, entries: s.entries(edits) }, 'openrouter');
    expect(gone.overlay.providers.openrouter).toBeNull();
    expect([...s.resolve(gone).providers.keys()]).toEqual(['github-models', 'lmstudio']);
  });

  it('composes nothing when nothing was changed', () => {
    const base = ConfigSchema.parse(BASE);
    expect(composeConfig(base, emptyOverlay(), {})).toBe(base);
  });

  it('saves the overlay and keys, reopens them, and never writes a key into providers.json', async () => {
    const stateDir = join(dir, 'persist');
    const s = ProviderStore.open({ base: ConfigSchema.parse(BASE), path: null, env: ENV, stateDir });
    const { edits } = createProvider(ctx(s), parseProviderBody({ type: 'openai', apiKey: 'sk-openai-999999999' }, null));
    await s.save(edits);
    const overlayText = readFileSync(s.overlayPath, 'utf8');
    expect(overlayText).not.toContain('sk-openai-999999999');
    expect(JSON.parse(overlayText)).toEqual({ version: 1, providers: { openai: {} }, ports: { openai: 8095 } });
    const again = ProviderStore.open({ base: ConfigSchema.parse(BASE), path: null, env: ENV, stateDir });
    expect(again.edits).toEqual<ProviderEdits>(edits);
    expect(again.resolve().providers.get('openai')?.keySource).toBe('secrets.json');
  });

  it('refuses a malformed providers.json rather than saving over it', () => {
    const path = join(dir, 'overlay-bad.json');
    writeFileSync(path, '{"providers": {"x": 3}}');
    expect(configError(() => readOverlay(path))).toBe(`${path} (providers changed through the admin API) has providers.x that is neither an object nor null; fix it, or delete it to use the config file alone`);
    writeFileSync(path, '{"ports": {"x": "8080"}}');
    expect(configError(() => readOverlay(path))).toContain('has ports.x that is not a port number or null');
  });
});

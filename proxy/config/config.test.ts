import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { defaultConfigPath, loadConfig, parseConfig } from './load.js';
import { resolveSettings, type Env } from './resolve.js';
import { ConfigSchema, type ConfigFile } from './schema.js';

const dir = mkdtempSync(join(tmpdir(), 'switchboard-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The ConfigError message parseConfig throws for a config value. */
function configErrorFor(value: unknown): string {
  try {
    parseConfig(JSON.stringify(value), 'test.json');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

function resolve(file: ConfigFile, env: Env = {}) {
  return resolveSettings(ConfigSchema.parse(file), env);
}

function resolveError(file: ConfigFile, env: Env = {}): string {
  try {
    resolve(file, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('config validation errors name the field', () => {
  it.each<[string, unknown, RegExp]>([
    ['a bad base URL', { providers: { openrouter: { baseUrl: 'not a url' } } }, /config: providers\.openrouter\.baseUrl: /],
    ['a non-http base URL', { providers: { local: { type: 'openai-compatible', baseUrl: 'ftp://box/v1' } } }, /providers\.local\.baseUrl: /],
    ['an unknown provider field', { providers: { openrouter: { apikey: 'x' } } }, /providers\.openrouter: unknown field "apikey"/],
    ['two unknown fields', { providers: { openrouter: { apikey: 'x', model: 'y' } } }, /providers\.openrouter: unknown fields "apikey", "model"/],
    ['an unknown top-level field', { x: 1 }, /\(root\): unknown field "x"/],
    ['an unknown server field', { server: { port: 8080 } }, /server: unknown field "port"/],
    ['a port out of range', { ports: [{ port: 70000, use: 'router' }] }, /ports\.0\.port: /],
    ['a port without use', { ports: [{ port: 8080 }] }, /ports\.0\.use: /],
    ['an unknown tier', { providers: { openrouter: { models: { large: 'x' } } } }, /providers\.openrouter\.models: unknown field "large"/],
    ['an empty tier model', { providers: { openrouter: { models: { opus: '' } } } }, /providers\.openrouter\.models\.opus: /],
    ['a bad dialect', { providers: { deepseek: { dialect: 'grpc' } } }, /providers\.deepseek\.dialect: /],
    ['a bad quirk value', { providers: { local: { quirks: { systemMessages: 'drop' } } } }, /providers\.local\.quirks\.systemMessages: /],
    ['a bad log level', { server: { logLevel: 'loud' } }, /server\.logLevel: /],
    ['a string timeout', { server: { timeouts: { idleMs: '5s' } } }, /server\.timeouts\.idleMs: /],
    ['a provider id with capitals', { providers: { OpenRouter: {} } }, /providers.*OpenRouter|provider ids are lowercase/],
  ])('%s', (_name, value, expected) => {
    const message = configErrorFor(value);
    expect(message).toMatch(/^test\.json is not a valid Switchboard config: /);
    expect(message).toMatch(expected);
  });

  it('puts a single issue on one line', () => {
    const message = configErrorFor({ providers: { openrouter: { baseUrl: 'not a url' } } });
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toMatch(/^test\.json is not a valid Switchboard config: providers\.openrouter\.baseUrl: \S/);
  });

  it('lists several issues, one line each', () => {
    const message = configErrorFor({ providers: { openrouter: { baseUrl: 'nope', bogus: true } }, ports: [{ port: -1, use: 'router' }] });
    const lines = message.split('\n').slice(1);
    expect(lines).toHaveLength(3);
    expect(message).toContain('providers.openrouter.baseUrl');
    expect(message).toContain('unknown field "bogus"');
    expect(message).toContain('ports.0.port');
  });

  it('an invalid JSON file is a ConfigError naming the file', () => {
    const path = write('broken.json', '{ "providers": { ');
    expect(() => loadConfig(path, {})).toThrow(ConfigError);
    expect(() => loadConfig(path, {})).toThrow(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not valid JSON: `));
  });

  it('an explicit --config path that does not exist is an error; the default path may be absent', () => {
    const missing = join(dir, 'nope', 'config.json');
    expect(() => loadConfig(missing, {})).toThrow(`config file not found: ${missing}`);
    const loaded = loadConfig(undefined, { HOME: join(dir, 'empty-home'), OPENROUTER_API_KEY: 'sk-or-1' });
    expect(loaded.path).toBeNull();
    expect([...loaded.settings.providers.keys()]).toEqual(['openrouter']);
  });

  it('loads a valid file and reports its path', () => {
    const path = write('ok.json', JSON.stringify({ providers: { local: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:8000/v1' } } }));
    const loaded = loadConfig(path, {});
    expect(loaded.path).toBe(path);
    expect(loaded.settings.providers.get('local')!.baseUrl).toBe('http://127.0.0.1:8000/v1');
  });

  it('finds the default config path from SWITCHBOARD_CONFIG, XDG_CONFIG_HOME, then HOME', () => {
    expect(defaultConfigPath({ SWITCHBOARD_CONFIG: '/etc/sb.json', XDG_CONFIG_HOME: '/x', HOME: '/h' })).toBe('/etc/sb.json');
    expect(defaultConfigPath({ XDG_CONFIG_HOME: '/x', HOME: '/h' })).toBe('/x/switchboard/config.json');
    expect(defaultConfigPath({ HOME: '/h' })).toBe('/h/.config/switchboard/config.json');
  });
});

describe('no config file: providers from the environment', () => {
  it('OPENROUTER_API_KEY and GITHUB_TOKEN enable their providers on 8093 and 8092, the router on 8080', () => {
    const s = resolve({}, { OPENROUTER_API_KEY: 'sk-or-env', GITHUB_TOKEN: 'ghp_env' });
    expect([...s.providers.keys()].sort()).toEqual(['github-models', 'openrouter']);
    expect(s.ports).toEqual([
      { port: 8080, use: 'router', fallbackToRouter: false },
      { port: 8092, use: 'github-models', fallbackToRouter: false },
      { port: 8093, use: 'openrouter', fallbackToRouter: false },
    ]);
    expect(s.routerOrder).toEqual(['github-models', 'openrouter']);
    const or = s.providers.get('openrouter')!;
    expect(or).toMatchObject({ baseUrl: 'https://openrouter.ai/api/v1', apiKey: 'sk-or-env', keySource: '$OPENROUTER_API_KEY', dialect: 'openai-chat' });
    expect(s.providers.get('github-models')).toMatchObject({ baseUrl: 'https://models.github.ai/inference', apiKey: 'ghp_env', keySource: '$GITHUB_TOKEN' });
    expect(s.host).toBe('127.0.0.1');
    expect(s.bodyLimit).toBe(32 * 1024 * 1024);
  });

  it('GEMINI_API_KEY (or GOOGLE_API_KEY) enables Google AI Studio on 8098, gemini dialect, key in x-goog-api-key', () => {
    const s = resolve({}, { GEMINI_API_KEY: 'AIza-gemini', GOOGLE_API_KEY: 'AIza-google' });
    expect(s.providers.get('aistudio')).toMatchObject({
      dialect: 'gemini',
      baseUrl: 'https://generativelanguage.googleapis.com/v1beta',
      auth: 'x-goog-api-key',
      apiKey: 'AIza-gemini',
      keySource: '$GEMINI_API_KEY',
      modelsPath: '/models',
      catalogFormat: 'google',
      tiers: { opus: 'gemini-2.5-pro', sonnet: 'gemini-2.5-pro', haiku: 'gemini-2.5-flash' },
    });
    expect(s.providers.get('aistudio')!.gemini).toMatchObject({ modelPath: '/models/{model}', countTokens: 'wrapped' });
    expect(s.ports.find((p) => p.use === 'aistudio')!.port).toBe(8098);
    expect(resolve({}, { GOOGLE_API_KEY: 'AIza-google' }).providers.get('aistudio')!.keySource).toBe('$GOOGLE_API_KEY');
    // After the hosted providers that come first in the default order, before local Ollama.
    expect(resolve({}, { GEMINI_API_KEY: 'k', OPENROUTER_API_KEY: 'k', OLLAMA_HOST: 'localhost' }).routerOrder).toEqual(['openrouter', 'aistudio', 'ollama']);
  });

  it('GH_TOKEN also enables GitHub Models', () => {
    expect(resolve({}, { GH_TOKEN: 'gho_x' }).providers.get('github-models')!.keySource).toBe('$GH_TOKEN');
  });

  it.each([
    ['0.0.0.0:11434', 'http://127.0.0.1:11434'],
    ['localhost', 'http://localhost:11434'],
    ['127.0.0.1:11500', 'http://127.0.0.1:11500'],
    ['http://gpu-box.lan:11434/', 'http://gpu-box.lan:11434'],
  ])('OLLAMA_HOST %s → ollama at %s (no key needed)', (value, base) => {
    const s = resolve({}, { OLLAMA_HOST: value });
    expect(s.providers.get('ollama')).toMatchObject({ baseUrl: base, dialect: 'anthropic', path: '/v1/messages', apiKey: undefined });
    expect(s.ports.find((p) => p.use === 'ollama')!.port).toBe(8097);
  });

  it('ollama over openai-chat lives under /v1 of OLLAMA_HOST', () => {
    const s = resolve({ providers: { ollama: { dialect: 'openai-chat' } } }, { OLLAMA_HOST: '0.0.0.0:11434' });
    expect(s.providers.get('ollama')).toMatchObject({ baseUrl: 'http://127.0.0.1:11434/v1', dialect: 'openai-chat', path: '/chat/completions' });
  });

  it('base URL variables override the preset (OPENAI_BASE_URL)', () => {
    const s = resolve({}, { OPENAI_API_KEY: 'sk-openai', OPENAI_BASE_URL: 'https://oai-proxy.corp.example/v1/' });
    expect(s.providers.get('openai')).toMatchObject({ baseUrl: 'https://oai-proxy.corp.example/v1', apiKey: 'sk-openai' });
    expect(s.ports.find((p) => p.use === 'openai')!.port).toBe(8095);
    // A base URL alone does not enable a provider that needs a key.
    expect(resolve({}, { OPENAI_BASE_URL: 'https://x.example/v1' }).providers.size).toBe(0);
  });

  it('ANTHROPIC_BASE_URL is not read (in a Claude Code shell it points at Switchboard)', () => {
    const s = resolve({}, { ANTHROPIC_API_KEY: 'sk-ant-env', ANTHROPIC_BASE_URL: 'http://127.0.0.1:8080' });
    expect(s.providers.get('anthropic')).toMatchObject({ baseUrl: 'https://api.anthropic.com', keySource: '$ANTHROPIC_API_KEY' });
  });

  it('an empty environment: only the router port, no providers', () => {
    const s = resolve({}, {});
    expect(s.providers.size).toBe(0);
    expect(s.ports).toEqual([{ port: 8080, use: 'router', fallbackToRouter: false }]);
    expect(s.routerOrder).toEqual([]);
  });
});

describe('providers from the config file', () => {
  it('a provider without its required key is disabled with a note', () => {
    const s = resolve({ providers: { openrouter: {}, 'github-models': { apiKeyEnv: 'MY_GH_TOKEN' }, local: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:1234/v1' } } }, {});
    expect([...s.providers.keys()]).toEqual(['local']);
    expect(s.notes).toContain('openrouter: disabled, no API key (set $OPENROUTER_API_KEY or providers.openrouter.apiKey)');
    expect(s.notes.some((n) => n.includes('$MY_GH_TOKEN is not set'))).toBe(true);
    expect(s.notes.some((n) => n.startsWith('github-models: disabled'))).toBe(true);
    // Keys never appear in notes.
    expect(resolve({ providers: { openrouter: { apiKey: 'sk-or-in-file' } } }).notes.join('\n')).not.toContain('sk-or-in-file');
  });

  it('a port bound to a disabled provider is an error naming the port', () => {
    expect(resolveError({ providers: { openrouter: {} }, ports: [{ port: 8093, use: 'openrouter' }] })).toBe('ports[0].use: "openrouter" is disabled or has no API key');
    expect(resolveError({ ports: [{ port: 8093, use: 'nobody' }] })).toBe('ports[0].use: "nobody" is not a configured provider');
  });

  it('apiKeyEnv reads the named variable; a key in the file wins', () => {
    expect(resolve({ providers: { openrouter: { apiKeyEnv: 'OR_WORK' } } }, { OR_WORK: 'sk-work', OPENROUTER_API_KEY: 'sk-home' }).providers.get('openrouter')).toMatchObject({ apiKey: 'sk-work', keySource: '$OR_WORK' });
    expect(resolve({ providers: { openrouter: { apiKey: 'sk-file' } } }, { OPENROUTER_API_KEY: 'sk-home' }).providers.get('openrouter')).toMatchObject({ apiKey: 'sk-file', keySource: 'config file' });
  });

  it("DeepSeek with dialect 'anthropic' uses its Anthropic endpoint", () => {
    const s = resolve({ providers: { deepseek: { dialect: 'anthropic' } } }, { DEEPSEEK_API_KEY: 'sk-ds' });
    expect(s.providers.get('deepseek')).toMatchObject({ dialect: 'anthropic', baseUrl: 'https://api.deepseek.com/anthropic', path: '/v1/messages', auth: 'x-api-key', apiKey: 'sk-ds' });
    expect(resolve({ providers: { deepseek: {} } }, { DEEPSEEK_API_KEY: 'sk-ds' }).providers.get('deepseek')).toMatchObject({ dialect: 'openai-chat', baseUrl: 'https://api.deepseek.com' });
  });

  it('rejects what cannot work, naming the field', () => {
    expect(resolveError({ providers: { openai: { dialect: 'anthropic' } } }, { OPENAI_API_KEY: 'k' })).toMatch(/^providers\.openai\.dialect: OpenAI has no anthropic API/);
    expect(resolveError({ providers: { deepseek: { dialect: 'gemini' } } }, { DEEPSEEK_API_KEY: 'k' })).toMatch(/^providers\.deepseek\.dialect: DeepSeek has no gemini API/);
    expect(resolveError({ providers: { openrouter: { forwardClientAuth: true } } }, { OPENROUTER_API_KEY: 'k' })).toMatch(/^providers\.openrouter\.forwardClientAuth: /);
    expect(resolveError({ providers: { acme: {} } })).toMatch(/^providers\.acme\.type: unknown provider type "acme" \(known: .*openai-compatible/);
    expect(resolveError({ providers: { local: { type: 'openai-compatible' } } })).toMatch(/^providers\.local\.baseUrl: required/);
    expect(resolveError({ providers: { local: { type: 'openai-compatible', baseUrl: 'http://h:1' } }, router: { order: ['local', 'ghost'] } })).toMatch(/^router\.order\[1\]: "ghost"/);
    expect(
      resolveError({
        providers: { local: { type: 'openai-compatible', baseUrl: 'http://h:1' } },
        ports: [
          { port: 9000, use: 'router' },
          { port: 9000, use: 'local' },
        ],
      }),
    ).toMatch(/^ports\[1\]\.port: 9000 is bound twice/);
  });

  it('an invalid base URL in the environment is a ConfigError naming the variable', () => {
    expect(resolveError({}, { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'http://exa mple/v1' })).toMatch(/OPENAI_BASE_URL/);
    expect(resolveError({}, { OLLAMA_HOST: '::1:11434' })).toMatch(/OLLAMA_HOST/);
  });

  it('merges presets with config: tiers, modelMap, modelInfo, headers, quirks, server settings', () => {
    const s = resolve({
      server: { bodyLimitMb: 1.5, clientApiKey: 'ck', allowedHosts: ['box.lan'], timeouts: { idleMs: 1000 } },
      providers: {
        openrouter: {
          apiKey: 'k',
          label: 'OR',
          models: { sonnet: 'qwen/qwen3-coder' },
          modelMap: { 'claude-x': 'x/y' },
          modelInfo: { 'qwen/qwen3-coder': { maxOutputTokens: 65536 } },
          headers: { 'X-Title': 'Mine' },
          quirks: { cacheControl: false },
        },
      },
      router: { order: ['openrouter'] },
    });
    const or = s.providers.get('openrouter')!;
    expect(or.label).toBe('OR');
    expect(or.tiers).toEqual({ opus: 'anthropic/claude-opus-4.5', sonnet: 'qwen/qwen3-coder', haiku: 'anthropic/claude-haiku-4.5' });
    expect(or.modelMap).toEqual({ 'claude-x': 'x/y' });
    expect(or.models['qwen/qwen3-coder']).toEqual({ maxOutputTokens: 65536 });
    expect(or.models['anthropic/claude-opus-4.5']).toBeDefined();
    expect(or.headers).toMatchObject({ 'x-title': 'Mine', 'http-referer': expect.any(String) });
    expect(or.chat).toMatchObject({ cacheControl: false, reasoning: 'openrouter' });
    expect(s.bodyLimit).toBe(Math.round(1.5 * 1024 * 1024));
    expect(s.timeouts).toEqual({ connectMs: 10_000, firstByteMs: 300_000, idleMs: 1000 });
    expect(s.clientApiKey).toBe('ck');
    expect(s.allowedHosts).toEqual(['box.lan']);
    expect(s.routerOrder).toEqual(['openrouter']);
    // A provider id that is not a preset gets its own port from 8100 up.
    const custom = resolve({ providers: { a: { type: 'openai-compatible', baseUrl: 'http://h:1' }, b: { type: 'anthropic-compatible', baseUrl: 'http://h:2' } } });
    expect(custom.ports.map((p) => `${p.use}:${p.port}`)).toEqual(['router:8080', 'a:8100', 'b:8101']);
  });

  it('enabled: false leaves a provider out, even with its key in the environment', () => {
    const s = resolve({ providers: { openrouter: { enabled: false }, 'github-models': {} } }, { OPENROUTER_API_KEY: 'k', GITHUB_TOKEN: 'g' });
    expect([...s.providers.keys()]).toEqual(['github-models']);
  });
});

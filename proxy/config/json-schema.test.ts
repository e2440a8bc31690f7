import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from './json-schema.js';
import { parseConfig } from './load.js';
import { resolveSettings } from './resolve.js';

// The published schema (switchboard.schema.json, for editors) and the example
// config must agree with the zod schema the gateway validates with. ajv comes
// with fastify; it is not a direct dependency.

const ROOT = new URL('../../', import.meta.url);
const SCHEMA_FILE = new URL('switchboard.schema.json', ROOT);
const EXAMPLE_FILE = new URL('examples/config.example.json', ROOT);

/** Exactly what `switchboard schema` prints. */
const expectedSchemaText = () => JSON.stringify(configJsonSchema(), null, 2) + '\n';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

function validator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  return ajv.compile(configJsonSchema());
}

describe('published JSON Schema', () => {
  it('switchboard.schema.json is up to date (SWITCHBOARD_UPDATE_SCHEMA=1 rewrites it)', () => {
    const expected = expectedSchemaText();
    if (process.env.SWITCHBOARD_UPDATE_SCHEMA === '1') writeFileSync(SCHEMA_FILE, expected);
    expect(existsSync(SCHEMA_FILE), 'switchboard.schema.json is missing: run `node dist/proxy/cli.js schema > switchboard.schema.json`').toBe(true);
    const actual = readFileSync(SCHEMA_FILE, 'utf8');
    expect(actual === expected, 'switchboard.schema.json is out of date: run `node dist/proxy/cli.js schema > switchboard.schema.json` (or SWITCHBOARD_UPDATE_SCHEMA=1 npx vitest run proxy/config/json-schema.test.ts)').toBe(true);
  });

  it('is a draft 2020-12 schema that ajv compiles in strict mode', () => {
    const schema = configJsonSchema();
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe('https://switchboard.dev/schema/config.json');
    expect(() => validator()).not.toThrow();
  });

  it('validates the example config, which the gateway also accepts', () => {
    const text = readFileSync(EXAMPLE_FILE, 'utf8');
    const validate = validator();
    const ok = validate(JSON.parse(text));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);

    const file = parseConfig(text, 'examples/config.example.json');
    const settings = resolveSettings(file, { GITHUB_TOKEN: 'ghp_example', OPENROUTER_API_KEY: 'sk-or-example' });
    expect([...settings.providers.keys()]).toEqual(['github-models', 'openrouter', 'local']);
    expect(settings.ports.map((p) => `${p.port}:${p.use}`)).toEqual(['8080:router', '8092:github-models', '8093:openrouter', '8100:local']);
    expect(settings.routerOrder).toEqual(['github-models', 'openrouter', 'local']);
    expect(settings.notes).toEqual([]);
    expect(settings.providers.get('local')!.dialect).toBe('openai-chat');
    expect(settings.scenarioRoutes.longContext).toEqual([
      { provider: 'openrouter', model: 'google/gemini-2.5-flash' },
      { provider: 'github-models', model: 'openai/gpt-4.1' },
    ]);
  });

  it('rejects what the gateway rejects', () => {
    const validate = validator();
    const bad = [
      { providers: { openrouter: { apikey: 'x' } } },
      { providers: { openrouter: { baseUrl: 'not a url' } } },
      { providers: { OpenRouter: {} } },
      { ports: [{ port: 70000, use: 'router' }] },
      { server: { logLevel: 'loud' } },
      { bogus: true },
    ];
    for (const config of bad) {
      expect(validate(config), JSON.stringify(config)).toBe(false);
      expect(() => parseConfig(JSON.stringify(config), 'x.json')).toThrow();
    }
    for (const config of [{}, { providers: { local: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:8000/v1' } } }, { $schema: '../switchboard.schema.json' }]) {
      expect(validate(config), JSON.stringify(config)).toBe(true);
    }
  });
});

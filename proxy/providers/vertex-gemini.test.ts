import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/errors.js';
import { resolveSettings, type Env } from '../config/resolve.js';
import { ConfigSchema, type ConfigFile } from '../config/schema.js';
import { geminiDialect, modelUrl } from '../dialects/gemini.js';
import type { RequestContext } from '../dialects/types.js';
import { upstreamModelFor } from '../router/model-map.js';
import { catalogRequest, probeRequest } from './catalog.js';
import { parseVertexCatalog } from './google-catalog.js';
import { vertexGeminiEnabledByEnv } from './vertex-gemini.js';

const resolve = (file: ConfigFile, env: Env = {}) => resolveSettings(ConfigSchema.parse(file), env);
const enabled = (env: Env) => [...resolve({}, env).providers.keys()];

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

const ctx = (body: Record<string, unknown>): RequestContext =>
  ({ body, raw: Buffer.from(JSON.stringify(body)), query: '', headers: {}, requestedModel: String(body.model), stream: body.stream === true, messageId: 'msg_unit', byteStrings: false }) as unknown as RequestContext;

describe('Vertex AI Gemini settings', () => {
  it('defaults: global endpoint, gemini dialect, port 8091 after Vertex AI Claude in the router order', () => {
    const s = resolve({ providers: { 'vertex-gemini': { project: 'my-proj' }, 'vertex-claude': { project: 'my-proj' }, openrouter: { apiKey: 'k' } } });
    const p = s.providers.get('vertex-gemini')!;
    expect(p).toMatchObject({ type: 'vertex-gemini', dialect: 'gemini', label: 'Vertex AI Gemini', baseUrl: 'https://aiplatform.googleapis.com/v1', keySource: 'Google Application Default Credentials', auth: 'none' });
    expect(p.apiKey).toBeUndefined();
    expect(p.vertex).toMatchObject({ publisher: 'google', region: 'global' });
    expect(p.authHook).toBe(p.vertex!.credentials);
    expect(p.gemini).toMatchObject({ modelPath: '/publishers/google/models/{model}', countTokens: 'flat', webSearch: 'googleSearch' });
    expect(p.tiers).toEqual({ opus: 'gemini-2.5-pro', sonnet: 'gemini-2.5-pro', haiku: 'gemini-2.5-flash' });
    expect(upstreamModelFor(p, 'claude-haiku-4-5-20251001')).toBe('gemini-2.5-flash');
    expect(s.ports.map((x) => [x.port, x.use])).toEqual([
      [8080, 'router'],
      [8090, 'vertex-claude'],
      [8091, 'vertex-gemini'],
      [8093, 'openrouter'],
    ]);
    expect(s.routerOrder).toEqual(['vertex-claude', 'vertex-gemini', 'openrouter']);
  });

  it('builds model URLs for regional and global hosts', () => {
    const s = resolve({ providers: { 'vertex-gemini': { region: 'us-central1', project: 'proj-r' }, vg: { type: 'vertex-gemini', region: 'global', project: 'proj-g' }, veu: { type: 'vertex-gemini', region: 'eu', project: 'proj-e' } } });
    const at = (id: string, model: string) => ({ provider: s.providers.get(id)!, model });
    expect(modelUrl(at('vertex-gemini', 'gemini-2.5-pro'))).toBe('https://us-central1-aiplatform.googleapis.com/v1/projects/proj-r/locations/us-central1/publishers/google/models/gemini-2.5-pro');
    expect(modelUrl(at('vg', 'gemini-3-pro-preview'))).toBe('https://aiplatform.googleapis.com/v1/projects/proj-g/locations/global/publishers/google/models/gemini-3-pro-preview');
    expect(modelUrl(at('veu', 'gemini-2.5-flash'))).toBe('https://aiplatform.eu.rep.googleapis.com/v1/projects/proj-e/locations/eu/publishers/google/models/gemini-2.5-flash');
    const req = geminiDialect.messagesRequest(ctx({ model: 'claude-sonnet-4-5', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'hi' }] }), at('vertex-gemini', 'gemini-2.5-pro'));
    expect(req.url).toBe('https://us-central1-aiplatform.googleapis.com/v1/projects/proj-r/locations/us-central1/publishers/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse');
    // The Bearer token comes from the auth hook at send time; no key header is built.
    expect(req.headers['x-goog-api-key']).toBeUndefined();
    expect(req.headers.authorization).toBeUndefined();
  });

  it('catalog: Model Garden publisher models (v1beta1); probe: the sonnet-tier model entry (v1)', () => {
    const s = resolve({ providers: { 'vertex-gemini': { region: 'us-central1', project: 'p' }, gw: { type: 'vertex-gemini', baseUrl: 'https://gw.example/vertex/v1/', project: 'p' } } });
    const p = s.providers.get('vertex-gemini')!;
    expect(catalogRequest(p)!.url).toBe('https://us-central1-aiplatform.googleapis.com/v1beta1/publishers/google/models');
    expect(catalogRequest(p)!.headers['content-type']).toBeUndefined();
    expect(probeRequest(p)!.url).toBe('https://us-central1-aiplatform.googleapis.com/v1/publishers/google/models/gemini-2.5-pro');
    const viaGateway = s.providers.get('gw')!;
    expect(catalogRequest(viaGateway)!.url).toBe('https://gw.example/vertex/v1beta1/publishers/google/models');
    expect(probeRequest(viaGateway)!.url).toBe('https://gw.example/vertex/v1/publishers/google/models/gemini-2.5-pro');
  });

  it('reads Model Garden pages: Gemini ids without the publisher prefix, no embeddings or other families', () => {
    const page = {
      publisherModels: [
        { name: 'publishers/google/models/gemini-2.5-pro', versionId: 'default', launchStage: 'GA' },
        { name: 'publishers/google/models/gemini-embedding-001' },
        { name: 'publishers/google/models/imagen-4.0-generate-001' },
        { name: 'publishers/google/models/gemini-2.0-flash-001@default' },
        { nope: true },
        null,
      ],
      nextPageToken: 'tok-2',
    };
    expect(parseVertexCatalog(page)).toEqual({ models: [{ id: 'gemini-2.5-pro' }, { id: 'gemini-2.0-flash-001' }], nextPageToken: 'tok-2' });
    expect(parseVertexCatalog({})).toEqual({ models: [], nextPageToken: null });
    expect(parseVertexCatalog('junk')).toEqual({ models: [], nextPageToken: null });
  });

  it('region and project: config, then google-genai\'s variables, then the seeds\'; CLOUD_ML_REGION stays Claude\'s', () => {
    const s = resolve(
      { providers: { 'vertex-gemini': {}, 'vertex-claude': {} } },
      { GOOGLE_CLOUD_LOCATION: 'us-central1', VERTEX_AI_LOCATION: 'us-east5', CLOUD_ML_REGION: 'europe-west1', GOOGLE_CLOUD_PROJECT: 'genai-proj', ANTHROPIC_VERTEX_PROJECT_ID: 'claude-proj' },
    );
    expect(s.providers.get('vertex-gemini')!.vertex).toMatchObject({ region: 'us-central1', apiBase: 'https://us-central1-aiplatform.googleapis.com/v1' });
    expect(s.providers.get('vertex-gemini')!.vertex!.credentials.projectId).toBe('genai-proj');
    expect(s.providers.get('vertex-claude')!.vertex).toMatchObject({ region: 'europe-west1' });
    expect(s.providers.get('vertex-claude')!.vertex!.credentials.projectId).toBe('claude-proj');

    const seeds = resolve({ providers: { 'vertex-gemini': {} } }, { VERTEX_AI_LOCATION: 'us-east5', CLOUD_ML_REGION: 'europe-west1' });
    expect(seeds.providers.get('vertex-gemini')!.vertex!.region).toBe('us-east5');
    const claudeOnly = resolve({ providers: { 'vertex-gemini': {} } }, { CLOUD_ML_REGION: 'europe-west1', ANTHROPIC_VERTEX_PROJECT_ID: 'claude-proj' });
    expect(claudeOnly.providers.get('vertex-gemini')!.vertex).toMatchObject({ region: 'global' });
    expect(claudeOnly.providers.get('vertex-gemini')!.vertex!.credentials.projectId).toBe('claude-proj');

    const cfg = resolve({ providers: { 'vertex-gemini': { region: 'asia-northeast1', project: 'cfg' } } }, { GOOGLE_CLOUD_LOCATION: 'us-central1', GOOGLE_CLOUD_PROJECT: 'env' });
    expect(cfg.providers.get('vertex-gemini')!.vertex).toMatchObject({ region: 'asia-northeast1' });
    expect(cfg.providers.get('vertex-gemini')!.vertex!.credentials.projectId).toBe('cfg');
  });

  it('names the field or variable when something is wrong', () => {
    expect(errorOf(() => resolve({ providers: { 'vertex-gemini': {} } }, { GOOGLE_CLOUD_LOCATION: 'us central1' }))).toBe('$GOOGLE_CLOUD_LOCATION: "us central1" is not a region such as us-east5 or global');
    expect(errorOf(() => resolve({ providers: { 'vertex-gemini': { apiKey: 'AIza-x' } } }))).toBe(
      'providers.vertex-gemini.apiKey: Vertex AI Gemini authenticates with Google credentials (credentialsFile, $GOOGLE_APPLICATION_CREDENTIALS or Application Default Credentials), not an API key',
    );
  });
});

describe('Vertex AI Gemini with no config file', () => {
  it('is enabled by GOOGLE_GENAI_USE_VERTEXAI=true|1 (google-genai, Gemini CLI), region and project from their variables', () => {
    for (const flag of ['true', 'True', 'TRUE', '1']) expect(vertexGeminiEnabledByEnv({ GOOGLE_GENAI_USE_VERTEXAI: flag })).toBe(true);
    const s = resolve({}, { GOOGLE_GENAI_USE_VERTEXAI: 'true', GOOGLE_CLOUD_PROJECT: 'genai-proj', GOOGLE_CLOUD_LOCATION: 'us-central1' });
    expect([...s.providers.keys()]).toEqual(['vertex-gemini']);
    const p = s.providers.get('vertex-gemini')!;
    expect(p.vertex).toMatchObject({ region: 'us-central1' });
    expect(p.vertex!.credentials.projectId).toBe('genai-proj');
    expect(s.ports.map((x) => [x.port, x.use])).toEqual([
      [8080, 'router'],
      [8091, 'vertex-gemini'],
    ]);
    // Without a location: google-genai's default, the global endpoint.
    expect(resolve({}, { GOOGLE_GENAI_USE_VERTEXAI: '1' }).providers.get('vertex-gemini')!.baseUrl).toBe('https://aiplatform.googleapis.com/v1');
  });

  it('is enabled by GOOGLE_CLOUD_PROJECT with a location: the seeds\' setup gets 8090 and 8091', () => {
    expect(enabled({ GOOGLE_CLOUD_PROJECT: 'p', GOOGLE_CLOUD_LOCATION: 'global' })).toEqual(['vertex-gemini']);
    const seeds = resolve({}, { GOOGLE_CLOUD_PROJECT: 'custom-mix-460500-g9', VERTEX_AI_LOCATION: 'us-east5', GOOGLE_APPLICATION_CREDENTIALS: './config/vertex-service-account.json', GITHUB_TOKEN: 'ghp_x' });
    expect(seeds.ports.map((x) => [x.port, x.use])).toEqual([
      [8080, 'router'],
      [8090, 'vertex-claude'],
      [8091, 'vertex-gemini'],
      [8092, 'github-models'],
    ]);
    expect(seeds.routerOrder).toEqual(['vertex-claude', 'vertex-gemini', 'github-models']);
    expect(seeds.providers.get('vertex-gemini')!.vertex).toMatchObject({ region: 'us-east5', apiBase: 'https://us-east5-aiplatform.googleapis.com/v1' });
    expect(seeds.providers.get('vertex-gemini')!.keySource).toBe('Google credentials $GOOGLE_APPLICATION_CREDENTIALS');
  });

  it('is not enabled by credentials alone, a project alone, Claude Code\'s Vertex variables, or GOOGLE_GENAI_USE_VERTEXAI=false', () => {
    expect(enabled({ GOOGLE_APPLICATION_CREDENTIALS: '/keys/sa.json' })).toEqual([]);
    // Gemini CLI sets a project for Code Assist without meaning Vertex AI.
    expect(enabled({ GOOGLE_CLOUD_PROJECT: 'p', GEMINI_API_KEY: 'AIza-x' })).toEqual(['aistudio']);
    expect(enabled({ CLAUDE_CODE_USE_VERTEX: '1', CLOUD_ML_REGION: 'us-east5', ANTHROPIC_VERTEX_PROJECT_ID: 'p' })).toEqual(['vertex-claude']);
    expect(enabled({ GOOGLE_GENAI_USE_VERTEXAI: 'false', GOOGLE_CLOUD_PROJECT: 'p', GOOGLE_CLOUD_LOCATION: 'us-central1' })).toEqual([]);
    expect(enabled({ GOOGLE_GENAI_USE_VERTEXAI: '0', GOOGLE_CLOUD_PROJECT: 'p', VERTEX_AI_LOCATION: 'us-east5' })).toEqual(['vertex-claude']);
    expect(enabled({ GOOGLE_GENAI_USE_VERTEXAI: '', GOOGLE_CLOUD_PROJECT: ' ', GOOGLE_CLOUD_LOCATION: 'global' })).toEqual([]);
  });
});

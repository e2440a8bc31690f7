import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/errors.js';
import { parseConfig } from '../config/load.js';
import { resolveSettings, type Env } from '../config/resolve.js';
import { ConfigSchema, type ConfigFile } from '../config/schema.js';
import { upstreamModelFor } from '../router/model-map.js';
import { vertexApiBase, vertexModelUrl, vertexPublisherModelUrl } from './vertex.js';
import { vertexClaudeModelId } from './vertex-claude.js';

const resolve = (file: ConfigFile, env: Env = {}) => resolveSettings(ConfigSchema.parse(file), env);

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('Vertex AI settings', () => {
  it('picks the host for the region: regional, global, multi-region', () => {
    expect(vertexApiBase('us-east5')).toBe('https://us-east5-aiplatform.googleapis.com/v1');
    expect(vertexApiBase('europe-west1')).toBe('https://europe-west1-aiplatform.googleapis.com/v1');
    expect(vertexApiBase('global')).toBe('https://aiplatform.googleapis.com/v1');
    expect(vertexApiBase('us')).toBe('https://aiplatform.us.rep.googleapis.com/v1');
    expect(vertexApiBase('eu')).toBe('https://aiplatform.eu.rep.googleapis.com/v1');
  });

  it('defaults to us-east5, port 8090, first in the router order, credentials from the environment', () => {
    const s = resolve({ providers: { 'vertex-claude': {}, openrouter: { apiKey: 'k' } } }, { GOOGLE_APPLICATION_CREDENTIALS: '/keys/sa.json', ANTHROPIC_VERTEX_PROJECT_ID: 'my-proj' });
    const p = s.providers.get('vertex-claude')!;
    expect(p).toMatchObject({ type: 'vertex-claude', dialect: 'anthropic', label: 'Vertex AI Claude', baseUrl: 'https://us-east5-aiplatform.googleapis.com/v1', keySource: 'Google credentials $GOOGLE_APPLICATION_CREDENTIALS' });
    expect(p.vertex).toMatchObject({ region: 'us-east5', publisher: 'anthropic', apiBase: 'https://us-east5-aiplatform.googleapis.com/v1' });
    expect(p.authHook).toBe(p.vertex!.credentials);
    expect(p.vertex!.credentials.projectId).toBe('my-proj');
    expect(s.ports.find((x) => x.use === 'vertex-claude')!.port).toBe(8090);
    expect(s.routerOrder).toEqual(['vertex-claude', 'openrouter']);
    expect(vertexModelUrl(p.vertex!, 'claude-sonnet-4-5@20250929', 'streamRawPredict')).toBe(
      'https://us-east5-aiplatform.googleapis.com/v1/projects/my-proj/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:streamRawPredict',
    );
    expect(vertexPublisherModelUrl(p.vertex!, 'claude-sonnet-4-5@20250929')).toBe('https://us-east5-aiplatform.googleapis.com/v1/publishers/anthropic/models/claude-sonnet-4-5');
  });

  it('config wins over the environment; the base URL override keeps its path', () => {
    const s = resolve(
      { providers: { vx: { type: 'vertex-claude', region: 'global', project: 'cfg-proj', credentialsFile: '~/keys/sa.json', baseUrl: 'http://127.0.0.1:9/vertex/v1/' } } },
      { CLOUD_ML_REGION: 'europe-west1', ANTHROPIC_VERTEX_PROJECT_ID: 'env-proj', GOOGLE_APPLICATION_CREDENTIALS: '/keys/other.json', HOME: '/home/u' },
    );
    const p = s.providers.get('vx')!;
    expect(p.vertex).toMatchObject({ region: 'global', apiBase: 'http://127.0.0.1:9/vertex/v1' });
    expect(p.baseUrl).toBe('http://127.0.0.1:9/vertex/v1');
    expect(p.keySource).toBe('Google credentials file');
    expect(p.vertex!.credentials.projectId).toBe('cfg-proj');
    expect(s.ports.find((x) => x.use === 'vx')!.port).toBe(8100);
  });

  it('is enabled with no config by Claude Code\'s Vertex variables or the seeds\', not by GOOGLE_APPLICATION_CREDENTIALS alone', () => {
    const claudeCode = resolve({}, { CLAUDE_CODE_USE_VERTEX: '1', CLOUD_ML_REGION: 'global', ANTHROPIC_VERTEX_PROJECT_ID: 'cc-proj' });
    expect(claudeCode.providers.get('vertex-claude')!.vertex).toMatchObject({ region: 'global', apiBase: 'https://aiplatform.googleapis.com/v1' });
    expect(claudeCode.providers.get('vertex-claude')!.keySource).toBe('Google Application Default Credentials');

    const seeds = resolve({}, { VERTEX_AI_LOCATION: 'us-east5', GOOGLE_CLOUD_PROJECT: 'custom-mix-460500-g9', GOOGLE_APPLICATION_CREDENTIALS: './config/vertex-service-account.json' });
    const p = seeds.providers.get('vertex-claude')!;
    expect(p.vertex!.region).toBe('us-east5');
    expect(p.vertex!.credentials.projectId).toBe('custom-mix-460500-g9');
    // The seeds ran Gemini next to Claude: project + location enable Vertex AI Gemini too (vertex-gemini.test.ts).
    expect(seeds.ports.map((x) => [x.port, x.use])).toEqual([
      [8080, 'router'],
      [8090, 'vertex-claude'],
      [8091, 'vertex-gemini'],
    ]);

    expect(resolve({}, { GOOGLE_APPLICATION_CREDENTIALS: '/keys/sa.json' }).providers.has('vertex-claude')).toBe(false);
    expect(resolve({}, { ANTHROPIC_VERTEX_BASE_URL: 'https://gw.example/vertex/v1', CLAUDE_CODE_USE_VERTEX: '1' }).providers.get('vertex-claude')!.baseUrl).toBe('https://gw.example/vertex/v1');
  });

  it('names the field or variable when something is wrong', () => {
    expect(errorOf(() => parseConfig(JSON.stringify({ providers: { 'vertex-claude': { region: 'US East 5' } } }), 'c.json'))).toContain('providers.vertex-claude.region: a Vertex AI region such as us-east5, or global');
    expect(errorOf(() => parseConfig(JSON.stringify({ providers: { 'vertex-claude': { project: 'Bad Project!' } } }), 'c.json'))).toContain('providers.vertex-claude.project: a Google Cloud project id');
    expect(errorOf(() => resolve({ providers: { openrouter: { apiKey: 'k', region: 'us-east5' } } }))).toBe('providers.openrouter.region: only Vertex AI providers take a region (OpenRouter does not)');
    expect(errorOf(() => resolve({ providers: { 'vertex-claude': {} } }, { CLOUD_ML_REGION: 'us-east5/../x' }))).toBe('$CLOUD_ML_REGION: "us-east5/../x" is not a region such as us-east5 or global');
    expect(errorOf(() => resolve({ providers: { 'vertex-claude': { forwardClientAuth: true } } }))).toContain("authenticates with Google credentials, not the client's key");
    expect(errorOf(() => resolve({ providers: { 'vertex-claude': { apiKeyEnv: 'VERTEX_KEY' } } }))).toBe(
      'providers.vertex-claude.apiKeyEnv: Vertex AI Claude authenticates with Google credentials (credentialsFile, $GOOGLE_APPLICATION_CREDENTIALS or Application Default Credentials), not an API key',
    );
  });

  it('expands ~ in the credentials path', async () => {
    const s = resolve({ providers: { 'vertex-claude': { credentialsFile: '~/sa.json', project: 'p' } } }, { HOME: '/nonexistent-home-sb' });
    const err = await Promise.resolve(s.providers.get('vertex-claude')!.authHook!.headers()).catch((e: Error) => e);
    expect((err as Error).message).toContain('the Google credentials file /nonexistent-home-sb/sa.json (providers.vertex-claude.credentialsFile) does not exist');
  });
});

describe('Vertex AI Claude model ids', () => {
  it('turns first-party dated ids into @ ids and knows the aliases', () => {
    expect(vertexClaudeModelId('claude-sonnet-4-5-20250929')).toBe('claude-sonnet-4-5@20250929');
    expect(vertexClaudeModelId('claude-opus-4-1-20250805')).toBe('claude-opus-4-1@20250805');
    expect(vertexClaudeModelId('claude-sonnet-4-20250514')).toBe('claude-sonnet-4@20250514');
    expect(vertexClaudeModelId('claude-3-5-sonnet-20241022')).toBe('claude-3-5-sonnet-v2@20241022');
    expect(vertexClaudeModelId('claude-haiku-4-5')).toBe('claude-haiku-4-5@20251001');
    expect(vertexClaudeModelId('claude-opus-4-6')).toBe('claude-opus-4-6');
    expect(vertexClaudeModelId('claude-sonnet-4-5@20250929')).toBe('claude-sonnet-4-5@20250929');
    expect(vertexClaudeModelId('claude-opus-5-5')).toBeUndefined();
    expect(vertexClaudeModelId('gpt-5')).toBeUndefined();
  });

  it('maps requests: exact map, then the Vertex id, then the tier defaults', () => {
    const s = resolve({ providers: { 'vertex-claude': { modelMap: { 'claude-sonnet-4-5-20250929': 'claude-sonnet-4-6' } }, custom: { type: 'vertex-claude', models: { opus: 'claude-opus-4-6' } } } });
    const p = s.providers.get('vertex-claude')!;
    expect(upstreamModelFor(p, 'claude-opus-5-5')).toBe('claude-opus-4-5@20251101');
    expect(upstreamModelFor(p, 'claude-sonnet-5-5')).toBe('claude-sonnet-4-5@20250929');
    expect(upstreamModelFor(p, 'claude-haiku-5-5')).toBe('claude-haiku-4-5@20251001');
    expect(upstreamModelFor(p, 'haiku')).toBe('claude-haiku-4-5@20251001');
    expect(upstreamModelFor(p, 'claude-opus-4-1-20250805')).toBe('claude-opus-4-1@20250805');
    expect(upstreamModelFor(p, 'claude-sonnet-4-5-20250929')).toBe('claude-sonnet-4-6');
    expect(upstreamModelFor(s.providers.get('custom')!, 'claude-opus-5-5')).toBe('claude-opus-4-6');
  });
});

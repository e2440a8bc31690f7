import { describe, expect, it } from 'vitest';
import { resolveOneProvider } from '../../config/resolve.js';
import { presetViews, providerView } from './provider-view.js';

describe('provider views', () => {
  it('show where a key came from and its last four characters, never the key', () => {
    const env = { OPENAI_API_KEY: 'sk-proj-abcdefghijklmnop' };
    const { provider } = resolveOneProvider('openai', {}, env);
    const v = providerView({ id: 'openai', entry: {}, resolved: provider!, source: 'env', edited: false, port: { port: 8095, running: true }, env });
    expect(v.key).toEqual({ set: true, hint: '••••mnop', env: 'OPENAI_API_KEY', source: '$OPENAI_API_KEY' });
    expect(v).toMatchObject({ enabled: true, problem: null, models: { opus: 'gpt-5', sonnet: 'gpt-5', haiku: 'gpt-5-mini' }, port: 8095, running: true });
    expect(JSON.stringify(v)).not.toContain('sk-proj-abcdefghijklmnop');

    const short = resolveOneProvider('local', { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:1/v1', apiKeyEnv: 'LOCAL_KEY' }, { LOCAL_KEY: 'short' });
    expect(providerView({ id: 'local', resolved: short.provider!, source: 'config', edited: false, port: null, env: {} }).key).toEqual({ set: true, hint: '••••', env: 'LOCAL_KEY', source: '$LOCAL_KEY' });
  });

  it('show a provider not in use with the reason, and the key it would use', () => {
    const v = providerView({ id: 'openai', entry: { models: { haiku: 'gpt-5-nano' } }, source: 'ui', edited: true, secret: 'sk-saved-1234567890', port: null, note: 'openai: disabled, no API key', env: {} });
    expect(v).toMatchObject({ enabled: false, running: false, port: null, problem: 'disabled, no API key', models: { haiku: 'gpt-5-nano' }, key: { set: true, hint: '••••7890', env: null, source: 'secrets.json' } });
    expect(providerView({ id: 'x', entry: { type: 'openrouter', enabled: false }, source: 'config', edited: false, port: null, env: {} })).toMatchObject({ label: 'OpenRouter (x)', problem: 'disabled', key: { set: false, hint: null } });
  });

  it('show Vertex AI settings, not a key', () => {
    const { provider } = resolveOneProvider('vertex-claude', { region: 'global', project: 'my-proj', credentialsFile: '/keys/sa.json' }, {});
    const v = providerView({ id: 'vertex-claude', entry: { region: 'global', project: 'my-proj', credentialsFile: '/keys/sa.json' }, resolved: provider!, source: 'config', edited: false, port: null, env: {} });
    expect(v.google).toEqual({ region: 'global', project: 'my-proj', credentialsFile: '/keys/sa.json' });
    expect(v.key).toMatchObject({ set: false, hint: null, env: null });
  });

  it('describe every preset in one line, with the fields its form needs', () => {
    const presets = presetViews();
    expect(presets.find((p) => p.type === 'deepseek')).toMatchObject({ dialects: ['openai-chat', 'anthropic'], fields: ['dialect'], needsKey: true, takesKey: true });
    expect(presets.find((p) => p.type === 'ollama')).toMatchObject({ needsKey: false, takesKey: false, defaultPort: 8097, fields: ['dialect'] });
    expect(presets.find((p) => p.type === 'openai-compatible')).toMatchObject({ defaultBaseUrl: '', defaultModels: { opus: '', sonnet: '', haiku: '' }, defaultPort: null, takesKey: true });
    for (const p of presets) expect(p.docs, p.type).not.toMatch(/\n/);
  });
});

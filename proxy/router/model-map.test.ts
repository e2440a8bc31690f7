import { describe, expect, it } from 'vitest';
import { resolveSettings, type ResolvedProvider } from '../config/resolve.js';
import { ConfigSchema, type ProviderConfig } from '../config/schema.js';
import { modelInfoFor, parseExplicitModel, tierOf, TIER_ALIASES, upstreamModelFor } from './model-map.js';

function provider(pc: ProviderConfig & { type: string }, env: Record<string, string> = {}): ResolvedProvider {
  const settings = resolveSettings(ConfigSchema.parse({ providers: { p: pc } }), env);
  return settings.providers.get('p')!;
}

describe('tierOf', () => {
  it.each([
    ['claude-opus-5-5', 'opus'],
    ['claude-opus-4-1-20250805', 'opus'],
    ['claude-3-opus-20240229', 'opus'],
    ['claude-sonnet-5-5', 'sonnet'],
    ['claude-sonnet-4-5@20250929', 'sonnet'],
    ['claude-3-7-sonnet-latest', 'sonnet'],
    ['claude-haiku-5-5', 'haiku'],
    ['claude-3-5-haiku-20241022', 'haiku'],
    ['Claude-Opus-5-5', 'opus'],
    ['claude-neo-1', 'sonnet'],
    ['claude-2.1', 'sonnet'],
    ['opus', 'opus'],
    ['Sonnet', 'sonnet'],
    ['haiku', 'haiku'],
  ])('%s → %s', (model, tier) => {
    expect(tierOf(model)).toBe(tier);
  });

  it.each(['gpt-4o', 'o3-mini', 'qwen3-coder:30b', 'deepseek-reasoner', 'anthropic/claude-3.5-haiku', 'anthropic/claude-sonnet-4.5', 'my-opus-finetune', 'sonnet-large', 'openai/gpt-4.1', ''])(
    '%s is not a Claude name',
    (model) => {
      expect(tierOf(model)).toBeUndefined();
    },
  );
});

describe('parseExplicitModel', () => {
  it.each([
    ['openrouter,anthropic/claude-sonnet-4.5', { provider: 'openrouter', model: 'anthropic/claude-sonnet-4.5' }],
    ['gh,openai/gpt-4.1', { provider: 'gh', model: 'openai/gpt-4.1' }],
    [' local , qwen3 ', { provider: 'local', model: 'qwen3' }],
    ['p,a,b', { provider: 'p', model: 'a,b' }],
  ])('%s', (model, expected) => {
    expect(parseExplicitModel(model)).toEqual(expected);
  });

  it.each(['claude-sonnet-5-5', ',model', 'provider,', ''])('%s is not explicit', (model) => {
    expect(parseExplicitModel(model)).toBeNull();
  });
});

describe('upstreamModelFor', () => {
  const p = provider({ type: 'openai-compatible', baseUrl: 'http://h:1', models: { opus: 'big', haiku: 'small' }, modelMap: { 'claude-opus-4-1': 'exact', 'gpt-4o': 'renamed' } });

  it('an exact modelMap entry wins, then the tier, then the name as given', () => {
    expect(upstreamModelFor(p, 'claude-opus-4-1')).toBe('exact');
    expect(upstreamModelFor(p, 'claude-opus-5-5')).toBe('big');
    expect(upstreamModelFor(p, 'claude-haiku-5-5')).toBe('small');
    expect(upstreamModelFor(p, 'gpt-4o')).toBe('renamed');
    // No sonnet tier configured: the requested name goes as is.
    expect(upstreamModelFor(p, 'claude-sonnet-5-5')).toBe('claude-sonnet-5-5');
    expect(upstreamModelFor(p, 'mistral-large')).toBe('mistral-large');
  });

  it('preset tiers apply unless overridden', () => {
    const or = provider({ type: 'openrouter', models: { sonnet: 'qwen/qwen3-coder' } }, { OPENROUTER_API_KEY: 'k' });
    expect(upstreamModelFor(or, 'claude-sonnet-5-5')).toBe('qwen/qwen3-coder');
    expect(upstreamModelFor(or, 'claude-opus-5-5')).toBe('anthropic/claude-opus-4.5');
    expect(upstreamModelFor(or, 'anthropic/claude-3.5-haiku')).toBe('anthropic/claude-3.5-haiku');
  });
});

describe('modelInfoFor', () => {
  it('uses modelInfo, then the provider ceiling, then the preset table', () => {
    const local = provider({ type: 'openai-compatible', baseUrl: 'http://h:1', modelInfo: { qwen3: { maxOutputTokens: 32768, contextWindow: 131072, reasoning: true } } });
    expect(modelInfoFor(local, 'qwen3')).toEqual({ maxOutputTokens: 32768, contextWindow: 131072, reasoning: true });
    expect(modelInfoFor(local, 'other')).toEqual({ maxOutputTokens: 8192, contextWindow: undefined, reasoning: false });
    const capped = provider({ type: 'openai-compatible', baseUrl: 'http://h:1', maxOutputTokens: 2048 });
    expect(modelInfoFor(capped, 'x').maxOutputTokens).toBe(2048);
  });

  it('decides reasoning from the preset rule when the table does not say', () => {
    const oai = provider({ type: 'openai' }, { OPENAI_API_KEY: 'k' });
    expect(modelInfoFor(oai, 'gpt-5').reasoning).toBe(true);
    expect(modelInfoFor(oai, 'o4-mini').reasoning).toBe(true);
    expect(modelInfoFor(oai, 'gpt-4.1').reasoning).toBe(false);
    expect(modelInfoFor(oai, 'gpt-5-chat-latest').reasoning).toBe(false);
    const gh = provider({ type: 'github-models' }, { GITHUB_TOKEN: 'g' });
    expect(modelInfoFor(gh, 'openai/o3').reasoning).toBe(true);
    expect(modelInfoFor(gh, 'openai/gpt-4.1')).toMatchObject({ reasoning: false, maxOutputTokens: 4000 });
  });

  it('an Anthropic provider has no ceiling of its own', () => {
    const an = provider({ type: 'anthropic', apiKey: 'k' });
    expect(modelInfoFor(an, 'claude-opus-5-5').maxOutputTokens).toBeUndefined();
  });
});

describe('TIER_ALIASES', () => {
  it('are Claude names of their own tier', () => {
    for (const [tier, alias] of Object.entries(TIER_ALIASES)) {
      expect(alias.id).toMatch(/^claude-/);
      expect(tierOf(alias.id)).toBe(tier);
    }
  });
});

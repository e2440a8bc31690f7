import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../config/resolve.js';
import { PRESETS } from '../providers/presets.js';
import { bundledPrice, canonicalModel, priceFor, type ModelPrice } from './prices.js';

const settings = resolveSettings(
  {
    providers: {
      openai: { apiKey: 'sk-test-openai', modelInfo: { 'gpt-5': { price: { inputPerM: 9, outputPerM: 9 } } } },
      openrouter: { apiKey: 'sk-or-test', modelInfo: { 'anthropic/claude-opus-4.5': { price: { inputPerM: 4, outputPerM: 20, cacheWrite5mPerM: 5 } } } },
      anthropic: { apiKey: 'sk-ant-test' },
      deepseek: { apiKey: 'sk-test-deepseek' },
      'github-models': { apiKey: 'ghp-test' },
      'gh-free': { type: 'github-models', apiKey: 'ghp-test', price: { inputPerM: 0, outputPerM: 0 } },
      ollama: {},
      custom: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', modelInfo: { 'my-model': { price: { inputPerM: 0.1, outputPerM: 0.3 } } } },
    },
  },
  {},
);
const p = (id: string) => settings.providers.get(id)!;
const live = new Map<string, ModelPrice>([
  ['anthropic/claude-sonnet-4.5', { inputPerM: 2.9, outputPerM: 14, source: 'openrouter.ai/api/v1/models, fetched 2026-11-20T00:00:00Z', origin: 'live' }],
  ['anthropic/claude-opus-4.5', { inputPerM: 4.5, outputPerM: 24, source: 'live', origin: 'live' }],
]);

describe('priceFor: precedence config > local > live > bundled > unknown', () => {
  it('knows bundled prices with their source', () => {
    expect(priceFor(p('openai'), 'gpt-5-mini')).toMatchObject({ inputPerM: 0.25, outputPerM: 2, cacheReadPerM: 0.025, origin: 'bundled' });
    expect(priceFor(p('openai'), 'gpt-5-mini')?.source).toMatch(/openai\.com/);
  });

  it('takes a model price from config over everything, naming the field', () => {
    expect(priceFor(p('custom'), 'my-model')).toEqual({ inputPerM: 0.1, outputPerM: 0.3, origin: 'config', source: 'config: providers.custom.modelInfo["my-model"].price' });
    expect(priceFor(p('openai'), 'gpt-5')).toMatchObject({ inputPerM: 9, origin: 'config' });
    // Over a live price too.
    expect(priceFor(p('openrouter'), 'anthropic/claude-opus-4.5', live)).toMatchObject({ inputPerM: 4, cacheWrite5mPerM: 5, origin: 'config' });
  });

  it('takes a provider-wide config price for every model without its own', () => {
    expect(priceFor(p('gh-free'), 'openai/gpt-4.1')).toMatchObject({ inputPerM: 0, outputPerM: 0, origin: 'config', source: 'config: providers.gh-free.price' });
  });

  it('takes a live price over the bundled table', () => {
    expect(priceFor(p('openrouter'), 'anthropic/claude-sonnet-4.5', live)).toMatchObject({ inputPerM: 2.9, origin: 'live' });
    expect(priceFor(p('openrouter'), 'anthropic/claude-sonnet-4.5')).toMatchObject({ inputPerM: 3, origin: 'bundled' });
    // A model missing from the live list still gets its bundled price.
    expect(priceFor(p('openrouter'), 'anthropic/claude-haiku-4.5', live)).toMatchObject({ inputPerM: 1, origin: 'bundled' });
  });

  it('prices local models at zero', () => {
    expect(priceFor(p('ollama'), 'qwen3-coder')).toMatchObject({ inputPerM: 0, outputPerM: 0, origin: 'local' });
  });

  it('leaves unknown models unknown, never free', () => {
    expect(priceFor(p('openai'), 'gpt-unknown')).toBeNull();
    expect(priceFor(p('custom'), 'other-model')).toBeNull();
    // GitHub Models publishes no per-token price; DeepSeek's reasoner and V4 prices are not verified.
    expect(priceFor(p('github-models'), 'openai/gpt-4.1')).toBeNull();
    expect(priceFor(p('deepseek'), 'deepseek-reasoner')).toBeNull();
    expect(priceFor(p('deepseek'), PRESETS.deepseek.tiers.opus!)).toBeNull();
  });

  it('hands out frozen prices (built once per provider and model): a caller cannot change the table', () => {
    const provider = p('openai');
    expect(priceFor(provider, 'gpt-4.1')).toBe(priceFor(provider, 'gpt-4.1'));
    expect(() => {
      priceFor(provider, 'gpt-4.1')!.inputPerM = 999;
    }).toThrow(TypeError);
    expect(priceFor(p('openai'), 'gpt-4.1')!.inputPerM).toBe(2);
  });
});

describe('bundled table: dated ids, Vertex and Gemini', () => {
  it('prices dated snapshots like their alias', () => {
    expect(canonicalModel('claude-sonnet-4-5-20250929')).toBe('claude-sonnet-4-5');
    expect(canonicalModel('claude-haiku-4-5@20251001')).toBe('claude-haiku-4-5');
    expect(canonicalModel('models/gemini-2.5-pro')).toBe('gemini-2.5-pro');
    expect(canonicalModel('gpt-4.1')).toBe('gpt-4.1');
    expect(priceFor(p('anthropic'), 'claude-sonnet-4-5-20250929')).toMatchObject({ inputPerM: 3, outputPerM: 15 });
  });

  it('knows Vertex AI Claude at the global-endpoint list price, by Vertex ids', () => {
    for (const type of ['vertex-claude']) {
      expect(bundledPrice(type, 'claude-opus-4-5@20251101')).toMatchObject({ inputPerM: 5, outputPerM: 25, cacheReadPerM: 0.5, cacheWrite5mPerM: 6.25, cacheWrite1hPerM: 10 });
      expect(bundledPrice(type, 'claude-sonnet-4-5@20250929')?.source).toMatch(/Vertex AI global endpoint/);
      // Opus 4.1 predates the no-premium global endpoint: not known.
      expect(bundledPrice(type, 'claude-opus-4-1@20250805')).toBeNull();
    }
  });

  it('knows Gemini 2.5 Pro with its long-context tier, and 2.5 Flash, under every Google type', () => {
    for (const type of ['aistudio', 'vertex-gemini']) {
      expect(bundledPrice(type, 'gemini-2.5-pro')).toMatchObject({
        inputPerM: 1.25,
        outputPerM: 10,
        cacheReadPerM: 0.125,
        longContext: { thresholdTokens: 200_000, inputPerM: 2.5, outputPerM: 15, cacheReadPerM: 0.25 },
      });
      expect(bundledPrice(type, 'gemini-2.5-pro')?.cacheWrite5mPerM).toBeUndefined(); // implicit caching: no write fee
      expect(bundledPrice(type, 'models/gemini-2.5-flash')).toMatchObject({ inputPerM: 0.3, outputPerM: 2.5, cacheReadPerM: 0.03 });
    }
  });

  it('gives Sonnet 4.5 its above-200k rates', () => {
    expect(priceFor(p('anthropic'), 'claude-sonnet-4-5')?.longContext).toEqual({ thresholdTokens: 200_000, inputPerM: 6, outputPerM: 22.5, cacheReadPerM: 0.6, cacheWrite5mPerM: 7.5, cacheWrite1hPerM: 12 });
  });
});

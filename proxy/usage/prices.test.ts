import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../config/resolve.js';
import { priceFor } from './prices.js';

const settings = resolveSettings(
  {
    providers: {
      openai: { apiKey: 'sk-test-openai' },
      ollama: {},
      custom: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', modelInfo: { 'my-model': { price: { inputPerM: 0.1, outputPerM: 0.3 } } } },
    },
  },
  {},
);
const p = (id: string) => settings.providers.get(id)!;

describe('priceFor', () => {
  it('knows bundled prices with their source', () => {
    expect(priceFor(p('openai'), 'gpt-5')).toMatchObject({ inputPerM: 1.25, outputPerM: 10, cacheReadPerM: 0.125 });
    expect(priceFor(p('openai'), 'gpt-5')?.source).toMatch(/openai\.com/);
  });
  it('takes a price from config over the table', () => {
    expect(priceFor(p('custom'), 'my-model')).toEqual({ inputPerM: 0.1, outputPerM: 0.3, source: 'config' });
  });
  it('prices local models at zero', () => {
    expect(priceFor(p('ollama'), 'qwen3-coder')).toMatchObject({ inputPerM: 0, outputPerM: 0 });
  });
  it('leaves unknown models unknown, never free', () => {
    expect(priceFor(p('openai'), 'gpt-unknown')).toBeNull();
    expect(priceFor(p('custom'), 'other-model')).toBeNull();
  });
});

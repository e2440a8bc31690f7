import { describe, expect, it } from 'vitest';
import { checkRates, parseOpenRouterPrices, perMillion, ratesFromPricing } from './openrouter-prices.js';

describe('perMillion: OpenRouter USD-per-token strings → USD per million tokens', () => {
  it('converts decimal strings without binary noise', () => {
    expect(perMillion('0.000003')).toBe(3); // naive: 2.9999999999999996
    expect(perMillion('0.0000003')).toBe(0.3);
    expect(perMillion('0.00000125')).toBe(1.25);
    expect(perMillion('0.0000000375')).toBe(0.0375);
    expect(perMillion('1.5e-7')).toBe(0.15);
    expect(perMillion(0.00001)).toBe(10);
  });

  it('keeps "0" as a real price: free models are free', () => {
    expect(perMillion('0')).toBe(0);
  });

  it('treats "-1", negatives and non-numbers as unknown', () => {
    for (const v of ['-1', '-0.000001', 'abc', '', ' ', 'NaN', 'Infinity', null, undefined, {}, Number.NaN, -1]) expect(perMillion(v)).toBeNull();
  });
});

describe('ratesFromPricing / parseOpenRouterPrices', () => {
  it('maps prompt, completion and both cache prices (one write price: the 5-minute one)', () => {
    expect(ratesFromPricing({ prompt: '0.000003', completion: '0.000015', input_cache_read: '0.0000003', input_cache_write: '0.00000375', request: '0', image: '0.0048' })).toEqual({
      inputPerM: 3,
      outputPerM: 15,
      cacheReadPerM: 0.3,
      cacheWrite5mPerM: 3.75,
    });
  });

  it('leaves a model out when its prompt or completion price is unusable, and drops only a bad cache price', () => {
    expect(ratesFromPricing({ prompt: '-1', completion: '-1' })).toBeNull();
    expect(ratesFromPricing({ prompt: '0.000001' })).toBeNull();
    expect(ratesFromPricing(null)).toBeNull();
    expect(ratesFromPricing({ prompt: '0.000001', completion: '0.000002', input_cache_read: '-1' })).toEqual({ inputPerM: 1, outputPerM: 2 });
  });

  it('reads a model list, skipping entries that do not check out', () => {
    const list = {
      data: [
        { id: 'anthropic/claude-sonnet-4.5', pricing: { prompt: '0.000003', completion: '0.000015' } },
        { id: 'qwen/qwen3-coder:free', pricing: { prompt: '0', completion: '0' } },
        { id: 'openrouter/auto', pricing: { prompt: '-1', completion: '-1' } },
        { id: 'no-pricing' },
        { pricing: { prompt: '0.1', completion: '0.1' } },
        'garbage',
        null,
      ],
    };
    const rates = parseOpenRouterPrices(list);
    expect([...rates.keys()]).toEqual(['anthropic/claude-sonnet-4.5', 'qwen/qwen3-coder:free']);
    expect(rates.get('qwen/qwen3-coder:free')).toEqual({ inputPerM: 0, outputPerM: 0 });
    expect(parseOpenRouterPrices({ data: 'x' }).size).toBe(0);
    expect(parseOpenRouterPrices(null).size).toBe(0);
  });

  it('checks saved rates the same way', () => {
    expect(checkRates({ inputPerM: 3, outputPerM: 15, cacheReadPerM: 0.3, extra: 1 })).toEqual({ inputPerM: 3, outputPerM: 15, cacheReadPerM: 0.3 });
    expect(checkRates({ inputPerM: -1, outputPerM: 15 })).toBeNull();
    expect(checkRates({ inputPerM: '3', outputPerM: 15 })).toBeNull();
    expect(checkRates({ inputPerM: 3, outputPerM: 15, cacheWrite5mPerM: Number.NaN })).toEqual({ inputPerM: 3, outputPerM: 15 });
  });
});

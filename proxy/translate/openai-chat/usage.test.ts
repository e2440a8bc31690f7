import { describe, expect, it } from 'vitest';
import { providerCostOf, toAnthropicUsage } from './usage.js';

describe('toAnthropicUsage', () => {
  it('missing usage → zeros', () => {
    const zero = { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 };
    expect(toAnthropicUsage(undefined)).toEqual(zero);
    expect(toAnthropicUsage(null)).toEqual(zero);
    expect(toAnthropicUsage({})).toEqual(zero);
  });

  it('plain OpenAI usage', () => {
    expect(toAnthropicUsage({ prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 })).toEqual({
      input_tokens: 100,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: 20,
    });
  });

  it('OpenAI cached tokens are excluded from input_tokens (no double count)', () => {
    const u = toAnthropicUsage({ prompt_tokens: 1200, completion_tokens: 12, prompt_tokens_details: { cached_tokens: 1024 } });
    expect(u).toEqual({ input_tokens: 176, cache_creation_input_tokens: 0, cache_read_input_tokens: 1024, output_tokens: 12 });
    expect(u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens).toBe(1200);
  });

  it('OpenRouter cache writes are excluded too', () => {
    expect(toAnthropicUsage({ prompt_tokens: 700, completion_tokens: 60, prompt_tokens_details: { cached_tokens: 512, cache_write_tokens: 100 }, cost: 0.01 })).toEqual({
      input_tokens: 88,
      cache_creation_input_tokens: 100,
      cache_read_input_tokens: 512,
      output_tokens: 60,
    });
  });

  it('DeepSeek hit/miss split', () => {
    expect(toAnthropicUsage({ prompt_tokens: 5000, completion_tokens: 80, prompt_cache_hit_tokens: 4864, prompt_cache_miss_tokens: 136 })).toEqual({
      input_tokens: 136,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 4864,
      output_tokens: 80,
    });
    // Newer DeepSeek responses also carry prompt_tokens_details.cached_tokens: same numbers.
    expect(
      toAnthropicUsage({ prompt_tokens: 5000, completion_tokens: 80, prompt_tokens_details: { cached_tokens: 4864 }, prompt_cache_hit_tokens: 4864, prompt_cache_miss_tokens: 136 }),
    ).toEqual({ input_tokens: 136, cache_creation_input_tokens: 0, cache_read_input_tokens: 4864, output_tokens: 80 });
  });

  it('null details and inconsistent numbers never go negative', () => {
    expect(toAnthropicUsage({ prompt_tokens: 10, completion_tokens: 1, prompt_tokens_details: null })).toMatchObject({ input_tokens: 10, cache_read_input_tokens: 0 });
    expect(toAnthropicUsage({ prompt_tokens: 10, prompt_tokens_details: { cached_tokens: 50 } }).input_tokens).toBe(0);
  });
});

describe('providerCostOf (OpenRouter usage.cost)', () => {
  it('reads the charge in USD', () => {
    expect(providerCostOf({ prompt_tokens: 10, cost: 0.00042 })).toBe(0.00042);
    expect(providerCostOf({ prompt_tokens: 10, cost: 0 })).toBe(0);
  });

  it('is undefined when the provider does not say, or says nonsense', () => {
    expect(providerCostOf(undefined)).toBeUndefined();
    expect(providerCostOf({ prompt_tokens: 10 })).toBeUndefined();
    expect(providerCostOf({ cost: -1 })).toBeUndefined();
    expect(providerCostOf({ cost: '0.1' as unknown as number })).toBeUndefined();
  });

  it('adds the upstream charge for BYOK requests (cost is then only OpenRouter\'s fee)', () => {
    expect(providerCostOf({ cost: 0.0001, is_byok: true, cost_details: { upstream_inference_cost: 0.002 } })).toBe(0.0021);
    // BYOK without the upstream figure: the total is not known.
    expect(providerCostOf({ cost: 0.0001, is_byok: true })).toBeUndefined();
    // Not BYOK: cost is the whole charge, whatever cost_details says.
    expect(providerCostOf({ cost: 0.002, is_byok: false, cost_details: { upstream_inference_cost: 0.002 } })).toBe(0.002);
  });
});

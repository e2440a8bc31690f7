import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../config/resolve.js';
import type { Usage } from '../protocol/anthropic/types.js';
import { toAnthropicUsage } from '../translate/openai-chat/usage.js';
import { computeCost, referenceCostUsd, roundUsd, savingsUsd, type CostUsage } from './cost.js';
import { bundledPrice, priceFor, referencePrice, type ModelPrice } from './prices.js';

// Worked fixtures: every expected figure is computed by hand in the comments
// (tokens × USD per million / 1e6). Results are rounded to 1e-9 USD, so exact
// equality holds where a naive float sum would not (e.g. 0.054599999999999996).

const settings = resolveSettings(
  {
    providers: {
      anthropic: { apiKey: 'sk-ant-test' },
      openai: { apiKey: 'sk-test-openai' },
      openrouter: { apiKey: 'sk-or-test' },
      deepseek: { apiKey: 'sk-test-deepseek' },
      ollama: {},
    },
  },
  {},
);
const price = (provider: string, model: string): ModelPrice | null => priceFor(settings.providers.get(provider)!, model);

const usage = (u: Partial<CostUsage>): CostUsage => ({
  input_tokens: 0,
  output_tokens: 0,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
  ...u,
});

describe('computeCost: Anthropic Sonnet 4.5 with 5m and 1h cache writes and reads', () => {
  // Sonnet 4.5: input 3, output 15, cache read 0.30, write 5m 3.75, write 1h 6.00 ($/MTok).
  const turn = usage({
    input_tokens: 1200,
    cache_read_input_tokens: 40_000,
    cache_creation_input_tokens: 6000,
    cache_creation: { ephemeral_5m_input_tokens: 4000, ephemeral_1h_input_tokens: 2000 },
    output_tokens: 800,
  });

  it('prices each token class at its own rate', () => {
    const r = computeCost({ price: price('anthropic', 'claude-sonnet-4-5'), usage: turn });
    expect(r.breakdown).toEqual({
      inputUsd: 0.0036, //       1200 × 3     / 1e6
      cacheReadUsd: 0.012, //   40000 × 0.30  / 1e6
      cacheWriteUsd: 0.027, //   4000 × 3.75  / 1e6 = 0.015  +  2000 × 6 / 1e6 = 0.012
      outputUsd: 0.012, //        800 × 15    / 1e6
    });
    // 0.0036 + 0.012 + 0.027 + 0.012 (a naive float sum gives 0.054599999999999996)
    expect(r.costUsd).toBe(0.0546);
    expect(r).toMatchObject({ providerCostUsd: null, driftUsd: null, drift: false });
  });

  it('without the 5m/1h split, prices every write at the 5m rate', () => {
    const { cache_creation: _split, ...unsplit } = turn;
    const r = computeCost({ price: price('anthropic', 'claude-sonnet-4-5'), usage: unsplit });
    expect(r.breakdown?.cacheWriteUsd).toBe(0.0225); // 6000 × 3.75 / 1e6
    expect(r.costUsd).toBe(0.0501); //                   0.0036 + 0.012 + 0.0225 + 0.012
  });

  it('saves nothing against its own tier and 0.0364 against Opus', () => {
    expect(savingsUsd(referenceCostUsd(turn, 'sonnet'), 0.0546)).toBe(0);
    // Opus 4.5: 1200×5 + 40000×0.5 + 4000×6.25 + 2000×10 + 800×25 = 6000+20000+25000+20000+20000 = 91000 µ$ → 0.091
    // 0.091 − 0.0546 = 0.0364
    expect(savingsUsd(referenceCostUsd(turn, 'opus'), 0.0546)).toBe(0.0364);
  });
});

describe('computeCost: OpenAI gpt-5, cached tokens already subtracted', () => {
  // prompt_tokens 10000 includes 8000 cached → input 2000, cache_read 8000.
  const turn = toAnthropicUsage({ prompt_tokens: 10_000, completion_tokens: 500, prompt_tokens_details: { cached_tokens: 8000 } });

  it('maps the usage as the translator does', () => {
    expect(turn).toEqual({ input_tokens: 2000, cache_read_input_tokens: 8000, cache_creation_input_tokens: 0, output_tokens: 500 });
  });

  it('bills 2000 uncached and 8000 cached tokens once each', () => {
    // gpt-5: input 1.25, cached 0.125, output 10.
    const r = computeCost({ price: price('openai', 'gpt-5'), usage: turn });
    expect(r.breakdown).toEqual({
      inputUsd: 0.0025, //  2000 × 1.25  / 1e6
      cacheReadUsd: 0.001, // 8000 × 0.125 / 1e6
      cacheWriteUsd: 0,
      outputUsd: 0.005, //   500 × 10    / 1e6
    });
    // 0.0085, not 0.0185 (what billing all 10000 prompt tokens as input plus the reads would give)
    expect(r.costUsd).toBe(0.0085);
  });

  it('saves against Sonnet list price', () => {
    // Sonnet: 2000×3 + 8000×0.3 + 500×15 = 6000 + 2400 + 7500 = 15900 µ$ → 0.0159; 0.0159 − 0.0085 = 0.0074
    expect(savingsUsd(referenceCostUsd(turn, 'sonnet'), 0.0085)).toBe(0.0074);
  });
});

describe('computeCost: DeepSeek cache hit/miss', () => {
  const turn = toAnthropicUsage({ prompt_tokens: 50_000, prompt_cache_hit_tokens: 45_000, prompt_cache_miss_tokens: 5000, completion_tokens: 1000 });

  it('bills misses as input and hits at the hit price', () => {
    expect(turn).toMatchObject({ input_tokens: 5000, cache_read_input_tokens: 45_000, output_tokens: 1000 });
    // deepseek-chat: miss 0.28, hit 0.028, output 0.42.
    const r = computeCost({ price: price('deepseek', 'deepseek-chat'), usage: turn });
    expect(r.breakdown).toEqual({
      inputUsd: 0.0014, //    5000 × 0.28  / 1e6
      cacheReadUsd: 0.00126, // 45000 × 0.028 / 1e6
      cacheWriteUsd: 0,
      outputUsd: 0.00042, //  1000 × 0.42  / 1e6
    });
    expect(r.costUsd).toBe(0.00308); // naive float sum: 0.0030800000000000003
  });
});

describe('computeCost: OpenRouter with provider-reported usage.cost', () => {
  // prompt 12000 = 10000 cached + 1500 written + 500 uncached.
  const turn = toAnthropicUsage({
    prompt_tokens: 12_000,
    completion_tokens: 400,
    prompt_tokens_details: { cached_tokens: 10_000, cache_write_tokens: 1500 },
  });
  const sonnet = price('openrouter', 'anthropic/claude-sonnet-4.5');
  // 500×3 + 10000×0.3 + 1500×3.75 (no split → 5m) + 400×15 = 1500 + 3000 + 5625 + 6000 = 16125 µ$ → 0.016125
  const ours = 0.016125;

  it('records both figures and no drift when they match', () => {
    expect(turn).toMatchObject({ input_tokens: 500, cache_read_input_tokens: 10_000, cache_creation_input_tokens: 1500 });
    const r = computeCost({ price: sonnet, usage: turn, providerCostUsd: 0.016125 });
    expect(r).toEqual({
      costUsd: ours,
      breakdown: { inputUsd: 0.0015, cacheReadUsd: 0.003, cacheWriteUsd: 0.005625, outputUsd: 0.006 },
      providerCostUsd: 0.016125,
      driftUsd: 0,
      drift: false,
    });
  });

  it('tolerates a difference within 2% of the provider cost', () => {
    // 0.0163 − 0.016125 = 0.000175 ≤ 2% × 0.0163 = 0.000326
    const r = computeCost({ price: sonnet, usage: turn, providerCostUsd: 0.0163 });
    expect(r).toMatchObject({ driftUsd: 0.000175, drift: false });
  });

  it('flags drift in either direction', () => {
    // 0.0195 − 0.016125 = 0.003375 > 2% × 0.0195 = 0.00039
    expect(computeCost({ price: sonnet, usage: turn, providerCostUsd: 0.0195 })).toMatchObject({ driftUsd: 0.003375, drift: true });
    // 0.012 − 0.016125 = −0.004125, |…| > 0.00024
    expect(computeCost({ price: sonnet, usage: turn, providerCostUsd: 0.012 })).toMatchObject({ driftUsd: -0.004125, drift: true });
  });

  it('never flags sub-micro-dollar differences (1e-6 floor)', () => {
    // 10 input tokens × 0.1 $/MTok = 0.000001; provider 0.0000015 → drift 5e-7: 33% but under the floor
    const tiny = computeCost({ price: { inputPerM: 0.1, outputPerM: 0.1, source: 'test' }, usage: usage({ input_tokens: 10 }), providerCostUsd: 0.0000015 });
    expect(tiny).toMatchObject({ costUsd: 0.000001, driftUsd: 5e-7, drift: false });
  });

  it('ignores an unusable provider figure', () => {
    for (const bad of [Number.NaN, -1, Number.POSITIVE_INFINITY, null, undefined]) {
      expect(computeCost({ price: sonnet, usage: turn, providerCostUsd: bad })).toMatchObject({ costUsd: ours, providerCostUsd: null, driftUsd: null, drift: false });
    }
  });
});

describe('computeCost: unknown price', () => {
  const turn = usage({ input_tokens: 1000, output_tokens: 100 });

  it('is unknown, never zero, even when the provider reports a cost', () => {
    const p = price('openai', 'gpt-unknown');
    expect(p).toBeNull();
    expect(computeCost({ price: p, usage: turn })).toEqual({ costUsd: null, breakdown: null, providerCostUsd: null, driftUsd: null, drift: false });
    expect(computeCost({ price: p, usage: turn, providerCostUsd: 0.002 })).toEqual({ costUsd: null, breakdown: null, providerCostUsd: 0.002, driftUsd: null, drift: false });
  });

  it('treats a malformed price as unknown', () => {
    expect(computeCost({ price: { inputPerM: Number.NaN, outputPerM: 1, source: 'bad' }, usage: turn }).costUsd).toBeNull();
  });

  it('has no savings', () => {
    expect(savingsUsd(referenceCostUsd(turn, 'sonnet'), null)).toBeNull();
  });
});

describe('computeCost: local Ollama', () => {
  const turn = usage({ input_tokens: 20_000, output_tokens: 1000 });

  it('costs exactly 0 (known free), not null', () => {
    const r = computeCost({ price: price('ollama', 'qwen3-coder'), usage: turn });
    expect(r.costUsd).toBe(0);
    expect(r.breakdown).toEqual({ inputUsd: 0, outputUsd: 0, cacheReadUsd: 0, cacheWriteUsd: 0 });
  });

  it('saves the whole reference cost', () => {
    // Sonnet: 20000 × 3 / 1e6 = 0.06  +  1000 × 15 / 1e6 = 0.015  → 0.075
    expect(savingsUsd(referenceCostUsd(turn, 'sonnet'), 0)).toBe(0.075);
  });
});

describe('computeCost: Gemini-style usage', () => {
  // §3.4: input = promptTokenCount − cachedContentTokenCount, cache_read = cachedContentTokenCount,
  // output = candidatesTokenCount + thoughtsTokenCount, no cache writes (implicit caching).
  const meta = { promptTokenCount: 1000, cachedContentTokenCount: 600, candidatesTokenCount: 150, thoughtsTokenCount: 250 };
  const turn: Usage = {
    input_tokens: meta.promptTokenCount - meta.cachedContentTokenCount, // 400
    cache_read_input_tokens: meta.cachedContentTokenCount, //              600
    cache_creation_input_tokens: 0,
    output_tokens: meta.candidatesTokenCount + meta.thoughtsTokenCount, // 400
  };
  // Gemini 2.5 Pro ≤200k (reference §5.2): input 1.25, output 10 (thinking included), cached 0.125.
  const gemini: ModelPrice = { inputPerM: 1.25, outputPerM: 10, cacheReadPerM: 0.125, source: 'test: Gemini 2.5 Pro list price' };

  it('bills cached tokens once, at the cached price', () => {
    const r = computeCost({ price: gemini, usage: turn });
    expect(r.breakdown).toEqual({
      inputUsd: 0.0005, //     400 × 1.25  / 1e6
      cacheReadUsd: 0.000075, // 600 × 0.125 / 1e6
      cacheWriteUsd: 0,
      outputUsd: 0.004, //     400 × 10    / 1e6
    });
    expect(r.costUsd).toBe(0.004575);
  });
});

describe('computeCost: fallbacks', () => {
  it('bills cache reads at the input price when no cache price is known', () => {
    // config price without cacheReadPerM: 1000 × 0.1 / 1e6
    const r = computeCost({ price: { inputPerM: 0.1, outputPerM: 0.3, source: 'config' }, usage: usage({ cache_read_input_tokens: 1000 }) });
    expect(r.breakdown?.cacheReadUsd).toBe(0.0001);
  });

  it('bills cache writes as input when the price has no write surcharge', () => {
    // gpt-4.1 (no write fee): 1000 × 2 / 1e6
    const r = computeCost({ price: price('openai', 'gpt-4.1'), usage: usage({ cache_creation_input_tokens: 1000 }) });
    expect(r.breakdown?.cacheWriteUsd).toBe(0.002);
  });

  it('uses the 5m write price for 1h writes when no 1h price is known', () => {
    // 1000 × 1.25 / 1e6
    const p: ModelPrice = { inputPerM: 1, outputPerM: 5, cacheWrite5mPerM: 1.25, source: 'test' };
    const r = computeCost({ price: p, usage: usage({ cache_creation_input_tokens: 1000, cache_creation: { ephemeral_1h_input_tokens: 1000 } }) });
    expect(r.breakdown?.cacheWriteUsd).toBe(0.00125);
  });

  it('keeps cache_creation_input_tokens as the total when the split disagrees', () => {
    // 1h claims 5000 of a 3000 total → 3000 at 1h: 3000 × 6 / 1e6
    const r = computeCost({
      price: price('anthropic', 'claude-sonnet-4-5'),
      usage: usage({ cache_creation_input_tokens: 3000, cache_creation: { ephemeral_1h_input_tokens: 5000 } }),
    });
    expect(r.breakdown?.cacheWriteUsd).toBe(0.018);
  });

  it('counts negative or non-finite token counts as zero', () => {
    const r = computeCost({ price: price('openai', 'gpt-5'), usage: usage({ input_tokens: -5, output_tokens: Number.NaN }) });
    expect(r.costUsd).toBe(0);
  });
});

describe('referencePrice and bundled cache prices', () => {
  it('gives Anthropic list prices per tier, cache prices included', () => {
    expect(referencePrice('opus')).toMatchObject({ inputPerM: 5, outputPerM: 25, cacheReadPerM: 0.5, cacheWrite5mPerM: 6.25, cacheWrite1hPerM: 10 });
    expect(referencePrice('sonnet')).toMatchObject({ inputPerM: 3, outputPerM: 15, cacheReadPerM: 0.3, cacheWrite5mPerM: 3.75, cacheWrite1hPerM: 6 });
    expect(referencePrice('haiku')).toMatchObject({ inputPerM: 1, outputPerM: 5, cacheReadPerM: 0.1, cacheWrite5mPerM: 1.25, cacheWrite1hPerM: 2 });
    expect(referencePrice('sonnet').source).toMatch(/platform\.claude\.com/);
  });

  it('hands out a frozen price: a caller cannot change the baseline', () => {
    expect(() => {
      referencePrice('haiku').inputPerM = 999;
    }).toThrow(TypeError);
    expect(referencePrice('haiku').inputPerM).toBe(1);
  });

  it('prices Anthropic cache writes at 1.25× (5m) and 2× (1h) input; OpenAI and DeepSeek have none', () => {
    for (const [provider, model] of [['anthropic', 'claude-opus-4-1'], ['anthropic', 'claude-haiku-4-5'], ['openrouter', 'anthropic/claude-opus-4.5']] as const) {
      const p = price(provider, model)!;
      expect(p.cacheWrite5mPerM).toBe(p.inputPerM * 1.25);
      expect(p.cacheWrite1hPerM).toBe(p.inputPerM * 2);
    }
    expect(price('openai', 'gpt-5')?.cacheWrite5mPerM).toBeUndefined();
    expect(price('deepseek', 'deepseek-chat')?.cacheWrite5mPerM).toBeUndefined();
  });

  it('rounds to 1e-9 USD', () => {
    expect(roundUsd(0.1 + 0.2)).toBe(0.3);
    expect(roundUsd(0.0012345678904)).toBe(0.001234568); // 9 decimal places
    expect(roundUsd(4e-10)).toBe(0);
  });
});

describe('computeCost: long-context rates', () => {
  // Gemini 2.5 Pro (reference §5.2): ≤200k prompt tokens 1.25 in / 10 out / 0.125 cached;
  // above 200k 2.50 / 15 / 0.25, for every token of the request.
  const gemini = (): ModelPrice => bundledPrice('aistudio', 'gemini-2.5-pro')!;

  it('uses the base rates up to the threshold, counting cached and written tokens as prompt', () => {
    // Prompt 150k + 40k cached + 10k written = exactly 200k: not above it.
    const u = usage({ input_tokens: 150_000, cache_read_input_tokens: 40_000, cache_creation_input_tokens: 10_000, output_tokens: 1000 });
    const r = computeCost({ price: gemini(), usage: u });
    expect(r.breakdown).toEqual({
      inputUsd: 0.1875, //    150000 × 1.25  / 1e6
      cacheReadUsd: 0.005, //  40000 × 0.125 / 1e6
      cacheWriteUsd: 0.0125, // 10000 × 1.25 (no write fee: billed as input) / 1e6
      outputUsd: 0.01, //        1000 × 10   / 1e6
    });
  });

  it('bills every token at the long-context rates above the threshold', () => {
    // Prompt 160k + 40k cached + 1 written = 200,001 > 200k.
    const u = usage({ input_tokens: 160_000, cache_read_input_tokens: 40_000, cache_creation_input_tokens: 1, output_tokens: 2000 });
    const r = computeCost({ price: gemini(), usage: u });
    expect(r.breakdown).toEqual({
      inputUsd: 0.4, //        160000 × 2.50 / 1e6
      cacheReadUsd: 0.01, //    40000 × 0.25 / 1e6
      cacheWriteUsd: 0.0000025, //  1 × 2.50 / 1e6
      outputUsd: 0.03, //        2000 × 15   / 1e6
    });
    expect(r.costUsd).toBe(0.4400025);
  });

  it('gives Anthropic Sonnet 4.5 its above-200k cache rates, 5m and 1h', () => {
    // 250k uncached + 1000 written (600 at 5m, 400 at 1h) + 500 output, all at the long-context rates:
    // 250000 × 6 + 600 × 7.5 + 400 × 12 + 500 × 22.5 (per 1e6)
    const u = usage({ input_tokens: 250_000, cache_creation_input_tokens: 1000, cache_creation: { ephemeral_5m_input_tokens: 600, ephemeral_1h_input_tokens: 400 }, output_tokens: 500 });
    const r = computeCost({ price: price('anthropic', 'claude-sonnet-4-5'), usage: u });
    expect(r.breakdown).toEqual({ inputUsd: 1.5, cacheReadUsd: 0, cacheWriteUsd: 0.0093, outputUsd: 0.01125 });
  });

  it('falls back within the long-context rates, and ignores an unusable tier', () => {
    const p: ModelPrice = { inputPerM: 1, outputPerM: 2, cacheReadPerM: 0.1, longContext: { thresholdTokens: 10, inputPerM: 3, outputPerM: 4 }, source: 'test' };
    // Above 10: reads have no long-context price → the long-context input price (3), not the base 0.1.
    expect(computeCost({ price: p, usage: usage({ cache_read_input_tokens: 1000 }) }).breakdown?.cacheReadUsd).toBe(0.003);
    const broken: ModelPrice = { ...p, longContext: { thresholdTokens: 10, inputPerM: Number.NaN, outputPerM: 4 } };
    expect(computeCost({ price: broken, usage: usage({ input_tokens: 1000 }) }).breakdown?.inputUsd).toBe(0.001);
  });

  it('keeps the savings baseline on Anthropic long-context rates for long prompts', () => {
    // 300k uncached on the sonnet tier: 300000 × 6 / 1e6 = 1.8 at Anthropic; actual 0.5.
    expect(savingsUsd(referenceCostUsd(usage({ input_tokens: 300_000 }), 'sonnet'), 0.5)).toBe(1.3);
  });
});

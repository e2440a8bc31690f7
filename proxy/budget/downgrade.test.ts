import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../config/resolve.js';
import { ConfigSchema } from '../config/schema.js';
import { resolveBudgets } from './config.js';
import { cheapestLabel, cheapestTargets, haikuModelFor } from './downgrade.js';
import { downgradePlan } from './plan.js';

const settings = (providers: Record<string, unknown>) => resolveSettings(ConfigSchema.parse({ providers }), {});

describe('haiku downgrade', () => {
  it('turns opus and sonnet Claude names into the haiku tier, and leaves everything else alone', () => {
    expect(haikuModelFor('claude-opus-5-5')).toBe('claude-haiku-5-5');
    expect(haikuModelFor('claude-sonnet-4-5-20250929')).toBe('claude-haiku-5-5');
    expect(haikuModelFor('sonnet')).toBe('claude-haiku-5-5');
    expect(haikuModelFor('claude-haiku-5-5')).toBeNull();
    expect(haikuModelFor('gpt-4.1')).toBeNull();
    expect(haikuModelFor('openrouter,anthropic/claude-opus-4.5')).toBeNull();
  });
});

describe('cheapest target', () => {
  it('takes each provider at its cheapest priced model, cheapest first; unknown prices are never cheapest, Ollama is free', () => {
    const s = settings({
      pricey: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:1/v1', models: { opus: 'big', haiku: 'small' }, modelInfo: { big: { price: { inputPerM: 10, outputPerM: 50 } }, small: { price: { inputPerM: 1, outputPerM: 5 } } } },
      unknown: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:2/v1', models: { opus: 'mystery' } },
      cheap: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:3/v1', modelMap: { 'claude-x': 'mapped' }, modelInfo: { mapped: { price: { inputPerM: 0.1, outputPerM: 0.4 } } } },
    });
    const plan = cheapestTargets(s.providers.values());
    expect(plan.map((t) => `${t.provider.id},${t.model}`)).toEqual(['cheap,mapped', 'pricey,small']);
    // 20k in, 2k out: 20000 × 0.1/M + 2000 × 0.4/M.
    expect(plan[0].typicalUsd).toBeCloseTo(0.0028, 9);
    expect(cheapestLabel(s.providers)).toBe('cheap,mapped');

    const withOllama = settings({ ollama: { models: { sonnet: 'qwen3-coder' } }, pricey: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:1/v1', models: { haiku: 'small' }, modelInfo: { small: { price: { inputPerM: 1, outputPerM: 5 } } } } });
    expect(cheapestLabel(withOllama.providers)).toBe('ollama,qwen3-coder');

    expect(cheapestLabel(settings({ unknown: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:2/v1', models: { opus: 'mystery' } } }).providers)).toBeNull();
  });

  it('recomputes the plan when the price lookup says its prices changed (a live list arrived)', () => {
    const s = settings({
      a: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:1/v1', models: { haiku: 'm-a' } },
      b: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:2/v1', models: { haiku: 'm-b' } },
    });
    const rates: Record<string, number> = { 'm-a': 1, 'm-b': 2 };
    const book = { version: 1, priceFor: (_p: unknown, model: string) => ({ inputPerM: rates[model], outputPerM: rates[model], source: 'test' }) };
    expect(cheapestLabel(s.providers, book)).toBe('a,m-a');
    rates['m-a'] = 5;
    // Same version: the cached plan stands (prices are not re-read per request).
    expect(cheapestLabel(s.providers, book)).toBe('a,m-a');
    book.version = 2;
    expect(cheapestLabel(s.providers, book)).toBe('b,m-b');
  });

  it('falls back to the haiku tier when nothing is priced', () => {
    const s = settings({ unknown: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:2/v1', models: { opus: 'mystery' } } });
    const decision = { kind: 'downgrade', to: 'cheapest', window: 'day', reason: 'daily budget reached' } as const;
    expect(downgradePlan(decision, s.providers, 'claude-opus-5-5')).toMatchObject({ model: 'claude-haiku-5-5', mode: 'budget-haiku', headers: { 'x-switchboard-budget': 'downgrade-haiku' } });
    expect(downgradePlan(decision, s.providers, 'custom-model')).toBeNull();
    expect(downgradePlan({ ...decision, to: 'haiku' }, s.providers, 'claude-haiku-5-5')).toBeNull();
  });
});

describe('budget settings', () => {
  it('defaults to the seeds (10 an hour, 50 a day, alerts only); config beats the environment; 0 turns a window off', () => {
    expect(resolveBudgets(undefined, {})).toEqual({ hourlyUsd: 10, dailyUsd: 50, action: 'alert', downgradeTo: 'haiku' });
    expect(resolveBudgets(undefined, { HOURLY_COST_ALERT_THRESHOLD: '2.5', DAILY_COST_ALERT_THRESHOLD: '0' })).toMatchObject({ hourlyUsd: 2.5, dailyUsd: null });
    expect(resolveBudgets({ hourlyUsd: 4, dailyUsd: null, action: 'block' }, { HOURLY_COST_ALERT_THRESHOLD: '2.5', DAILY_COST_ALERT_THRESHOLD: '7' })).toEqual({ hourlyUsd: 4, dailyUsd: null, action: 'block', downgradeTo: 'haiku' });
    expect(resolveBudgets(undefined, { HOURLY_COST_ALERT_THRESHOLD: ' ' }).hourlyUsd).toBe(10);
  });

  it('names a bad environment value', () => {
    expect(() => resolveBudgets(undefined, { DAILY_COST_ALERT_THRESHOLD: 'fifty' })).toThrow('$DAILY_COST_ALERT_THRESHOLD: "fifty" is not an amount of US dollars');
    expect(() => resolveBudgets(undefined, { HOURLY_COST_ALERT_THRESHOLD: '-1' })).toThrow(/HOURLY_COST_ALERT_THRESHOLD/);
  });

  it('reaches Settings through the config schema, with typos refused', () => {
    expect(resolveSettings(ConfigSchema.parse({ budgets: { dailyUsd: 20, action: 'downgrade', downgradeTo: 'cheapest' } }), {}).budgets).toEqual({ hourlyUsd: 10, dailyUsd: 20, action: 'downgrade', downgradeTo: 'cheapest' });
    expect(ConfigSchema.safeParse({ budgets: { dailyUSD: 20 } }).success).toBe(false);
    expect(ConfigSchema.safeParse({ budgets: { action: 'stop' } }).success).toBe(false);
    expect(ConfigSchema.safeParse({ budgets: { hourlyUsd: -1 } }).success).toBe(false);
  });
});

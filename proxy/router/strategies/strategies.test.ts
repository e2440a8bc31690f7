import { describe, expect, it } from 'vitest';
import { cand, facts, ids, NOW } from '../../test/router-candidates.js';
import { expectedSuccess, PRIOR_WEIGHT, SUCCESS_PRIOR } from './availability.js';
import { estimatedCostUsd, expectedOutputTokens, TYPICAL_OUTPUT_TOKENS } from './cost.js';
import { STRATEGIES } from './index.js';

const { priority, cost, performance, availability } = STRATEGIES;

describe('priority', () => {
  it('keeps the user order, unavailable and too-small last', () => {
    const cs = [cand('vertex-claude', { rateLimit: { blockedUntil: NOW + 30_000 } }), cand('vertex-gemini'), cand('github', { contextWindow: 8_000 }), cand('openrouter')];
    expect(ids(priority(cs, facts(), NOW))).toEqual(['vertex-gemini', 'openrouter', 'vertex-claude', 'github']);
    // Once the block has passed (fake clock moved on), the order is the user's again.
    expect(ids(priority(cs, facts({ estimatedInputTokens: 1_000 }), NOW + 30_000))).toEqual(['vertex-claude', 'vertex-gemini', 'github', 'openrouter']);
  });
});

describe('cost', () => {
  it('estimates input × inputPerM + min(max_tokens, typical) × outputPerM', () => {
    // 10 000 × $3/M + 2 000 × $15/M = $0.03 + $0.03 = $0.06
    expect(estimatedCostUsd(cand('a', { price: [3, 15] }), facts())).toBeCloseTo(0.06, 10);
    expect(expectedOutputTokens(facts({ maxTokens: 500 }))).toBe(500);
    expect(expectedOutputTokens(facts({ maxTokens: 128_000 }))).toBe(TYPICAL_OUTPUT_TOKENS);
    expect(estimatedCostUsd(cand('a', { price: [3, null] }), facts())).toBeNull();
    expect(estimatedCostUsd(cand('a'), facts())).toBeNull();
  });

  it('cheapest first, unknown prices after priced ones (unknown is never free), unavailable last', () => {
    const cs = [
      cand('claude', { price: [3, 15] }), // $0.06
      cand('mystery'), // unknown
      cand('gemini', { price: [1.25, 10] }), // $0.0325
      cand('half-known', { price: [0.1, null] }), // unknown
      cand('free-but-down', { price: [0, 0], circuit: 'open' }),
      cand('free', { price: [0, 0] }), // $0
      cand('also-0.06', { price: [3, 15] }),
    ];
    expect(ids(cost(cs, facts(), NOW))).toEqual(['free', 'gemini', 'claude', 'also-0.06', 'mystery', 'half-known', 'free-but-down']);
  });

  it('the output price matters less when max_tokens is small', () => {
    const cs = [cand('cheap-out', { price: [2, 4] }), cand('cheap-in', { price: [1, 20] })];
    // max_tokens 100: 10k×2 + 100×4 = 20 400 vs 10k×1 + 100×20 = 12 000 (µ$) → cheap-in
    expect(ids(cost(cs, facts({ maxTokens: 100 }), NOW))).toEqual(['cheap-in', 'cheap-out']);
    // max_tokens 32k (→ 2 000 expected): 20k + 8k = 28 000 vs 10k + 40k = 50 000 → cheap-out
    expect(ids(cost(cs, facts(), NOW))).toEqual(['cheap-out', 'cheap-in']);
  });
});

describe('performance', () => {
  it('lowest TTFT first; near-equal TTFT (same 50 ms bucket) → lower total latency', () => {
    const cs = [
      cand('slow', { latency: { ttftEwmaMs: 2_000, ewmaMs: 6_000 } }),
      cand('fast-long', { latency: { ttftEwmaMs: 410, ewmaMs: 9_000 } }),
      cand('fast-short', { latency: { ttftEwmaMs: 440, ewmaMs: 4_000 } }),
      cand('fastest', { latency: { ttftEwmaMs: 200, ewmaMs: 8_000 } }),
    ];
    expect(ids(performance(cs, facts(), NOW))).toEqual(['fastest', 'fast-short', 'fast-long', 'slow']);
  });

  it('unknown latency sits in the middle (median of the known), a tie there keeps the user order', () => {
    const cs = [
      cand('new'),
      cand('slow', { latency: { ttftEwmaMs: 3_000, ewmaMs: 9_000 } }),
      cand('fast', { latency: { ttftEwmaMs: 300, ewmaMs: 3_000 } }),
    ];
    // median TTFT of {3000, 300} = 1650, total 6000 → new between fast and slow
    expect(ids(performance(cs, facts(), NOW))).toEqual(['fast', 'new', 'slow']);
    // No samples anywhere → the user's order.
    expect(ids(performance([cand('x'), cand('y')], facts(), NOW))).toEqual(['x', 'y']);
  });

  it('a fast provider that is rate-limited goes last', () => {
    const cs = [cand('slow', { latency: { ttftEwmaMs: 3_000 } }), cand('fast', { latency: { ttftEwmaMs: 100 }, rateLimit: { blockedUntil: NOW + 1 } })];
    expect(ids(performance(cs, facts(), NOW))).toEqual(['slow', 'fast']);
  });
});

describe('availability', () => {
  it('blends the observed rate with the prior by sample count', () => {
    expect(expectedSuccess(cand('a').snapshot)).toBe(SUCCESS_PRIOR);
    expect(PRIOR_WEIGHT).toBe(5);
    // (1×1 + 0.9×5) / 6 = 0.9167; (0.98×200 + 4.5) / 205 = 0.9780
    expect(expectedSuccess(cand('a', { successRate: 1, samples: 1 }).snapshot)).toBeCloseTo(5.5 / 6, 10);
    expect(expectedSuccess(cand('a', { successRate: 0.98, samples: 200 }).snapshot)).toBeCloseTo(200.5 / 205, 10);
  });

  it('most reliable first; unknown ranks like the 0.9 prior; a long record beats a lucky first request', () => {
    const cs = [
      cand('flaky', { successRate: 0.6, samples: 50 }), // 0.636
      cand('new'), // 0.9
      cand('lucky', { successRate: 1, samples: 1 }), // 0.917
      cand('solid', { successRate: 0.98, samples: 200 }), // 0.978
      cand('perfect-but-open', { successRate: 1, samples: 500, circuit: 'open' }),
    ];
    expect(ids(availability(cs, facts(), NOW))).toEqual(['solid', 'lucky', 'new', 'flaky', 'perfect-but-open']);
  });
});

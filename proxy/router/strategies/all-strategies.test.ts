import { describe, expect, it } from 'vitest';
import type { Candidate } from '../state.js';
import { cand, facts, ids, NOW } from '../../test/router-candidates.js';
import { DEFAULT_STRATEGY, isStrategyName, STRATEGIES, STRATEGY_HELP } from './index.js';
import { canServe } from './serve.js';

// Properties every strategy must keep, on hand-built and randomised mixes.

describe('every strategy', () => {
  /** Deterministic PRNG (mulberry32) for the randomised mixes. */
  function rng(seed: number): () => number {
    return () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  function randomMix(r: () => number, n: number): Candidate[] {
    const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
    return Array.from({ length: n }, (_, i) =>
      cand(`p${i}`, {
        circuit: pick(['closed', 'closed', 'half-open', 'open'] as const),
        cooldownUntil: pick([null, null, NOW - 1, NOW + 1000]),
        rateLimit: { headroom: pick([null, 0.05, 0.5, 1]), blockedUntil: pick([null, null, NOW + 1000]), resetAt: pick([null, NOW + 60_000]) },
        latency: { ttftEwmaMs: pick([null, 300, 800, 800]), ewmaMs: pick([null, 2000, 5000]) },
        successRate: pick([null, 1, 0.9, 0.5]),
        samples: pick([0, 3, 100]),
        price: pick([null, [3, 15], [1, 5], [1, null], [0, 0]] as const) as [number | null, number | null] | null,
        contextWindow: pick([null, 32_000, 200_000]),
      }),
    );
  }

  for (const [name, strategy] of Object.entries(STRATEGIES)) {
    it(`${name}: drops nothing, ready first, the rest last in input order (200 random mixes)`, () => {
      const r = rng(42);
      const f = facts({ estimatedInputTokens: 40_000 });
      for (let k = 0; k < 200; k++) {
        const cs = randomMix(r, 1 + Math.floor(r() * 6));
        const out = strategy(cs, f, NOW);
        expect([...ids(out)].sort()).toEqual([...ids(cs)].sort());
        const ready = cs.filter((c) => canServe(c, f, NOW));
        const rest = cs.filter((c) => !canServe(c, f, NOW));
        expect(ids(out.slice(ready.length))).toEqual(ids(rest));
        expect(out.slice(0, ready.length).every((c) => canServe(c, f, NOW))).toBe(true);
      }
    });

    it(`${name}: identical candidates keep the input order; all unavailable → all returned in order; no input → none`, () => {
      const same = ['a', 'b', 'c', 'd'].map((id) => cand(id, { successRate: 0.95, samples: 50, price: [1, 2], latency: { ttftEwmaMs: 500, ewmaMs: 3000 } }));
      expect(ids(strategy(same, facts(), NOW))).toEqual(['a', 'b', 'c', 'd']);
      const down = ['a', 'b', 'c'].map((id, i) => cand(id, { circuit: i === 1 ? 'open' : 'closed', cooldownUntil: i === 1 ? null : NOW + 1 }));
      expect(ids(strategy(down, facts(), NOW))).toEqual(['a', 'b', 'c']);
      expect(strategy([], facts(), NOW)).toEqual([]);
    });

    it(`${name}: does not mutate its input`, () => {
      const cs = Object.freeze([cand('a', { circuit: 'open' }), cand('b')]);
      strategy(cs, facts(), NOW);
      expect(ids(cs)).toEqual(['a', 'b']);
    });
  }

  it('has help for every strategy, a default, and a name check', () => {
    for (const name of Object.keys(STRATEGIES)) expect(STRATEGY_HELP[name as keyof typeof STRATEGY_HELP]).toMatch(/\S/);
    expect(DEFAULT_STRATEGY).toBe('intelligent');
    expect(isStrategyName('cost')).toBe(true);
    expect(isStrategyName('toString')).toBe(false);
  });
});

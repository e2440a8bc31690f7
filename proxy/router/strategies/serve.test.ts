import { describe, expect, it } from 'vitest';
import { cand, facts, ids, NOW } from '../../test/router-candidates.js';
import { availableNow, canServe, CONTEXT_RESERVE_TOKENS, fitsContext, medianOf, partitionServable, rankReadyFirst } from './serve.js';

describe('can this candidate serve now', () => {
  it('healthy and half-open can; open cannot', () => {
    expect(availableNow(cand('a'), NOW)).toBe(true);
    expect(availableNow(cand('a', { circuit: 'half-open' }), NOW)).toBe(true);
    expect(availableNow(cand('a', { circuit: 'open' }), NOW)).toBe(false);
  });

  it('cooldown and rate-limit block apply strictly before their end', () => {
    expect(availableNow(cand('a', { cooldownUntil: NOW + 1 }), NOW)).toBe(false);
    expect(availableNow(cand('a', { cooldownUntil: NOW }), NOW)).toBe(true);
    expect(availableNow(cand('a', { rateLimit: { blockedUntil: NOW + 1 } }), NOW)).toBe(false);
    expect(availableNow(cand('a', { rateLimit: { blockedUntil: NOW - 1 } }), NOW)).toBe(true);
    // Low headroom alone does not make a provider unavailable (only the intelligent score minds it).
    expect(availableNow(cand('a', { rateLimit: { headroom: 0 } }), NOW)).toBe(true);
  });

  it('a known context window must hold the estimate plus the reserve; unknown fits', () => {
    const f = facts({ estimatedInputTokens: 100_000 });
    expect(fitsContext(cand('a', { contextWindow: 100_000 + CONTEXT_RESERVE_TOKENS }), f)).toBe(true);
    expect(fitsContext(cand('a', { contextWindow: 100_000 + CONTEXT_RESERVE_TOKENS - 1 }), f)).toBe(false);
    expect(fitsContext(cand('a', { contextWindow: null }), f)).toBe(true);
    expect(canServe(cand('a', { contextWindow: 64_000 }), f, NOW)).toBe(false);
  });

  it('partitions in input order', () => {
    const cs = [cand('a', { circuit: 'open' }), cand('b'), cand('c', { cooldownUntil: NOW + 5 }), cand('d')];
    const { ready, deferred } = partitionServable(cs, facts(), NOW);
    expect(ids(ready)).toEqual(['b', 'd']);
    expect(ids(deferred)).toEqual(['a', 'c']);
  });

  it('rankReadyFirst sorts by keys left to right, ties by input order, then the deferred', () => {
    const cs = [cand('a'), cand('b'), cand('x', { circuit: 'open' }), cand('c'), cand('d')];
    const keys: Record<string, number[]> = { a: [2, 0], b: [1, 5], c: [1, 5], d: [1, 1] };
    expect(ids(rankReadyFirst(cs, facts(), NOW, (ready) => ready.map((c) => keys[c.snapshot.id])))).toEqual(['d', 'b', 'c', 'a', 'x']);
  });

  it('medianOf', () => {
    expect(medianOf([])).toBeNull();
    expect(medianOf([300, 100, 200])).toBe(200);
    expect(medianOf([300, 100])).toBe(200);
  });
});

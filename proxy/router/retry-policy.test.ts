import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  CONNECT_REFUSED_COOLDOWN_MS,
  decideAfterFailure,
  DEFAULT_RETRY_POLICY,
  isRetryableStatus,
  type AttemptFailure,
  type FailureInput,
} from './retry-policy.js';

/** mulberry32: a tiny seeded PRNG so jitter tests are repeatable. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const http = (status: number, retryAfterMs: number | null = null): AttemptFailure => ({ status, retryable: true, retryAfterMs, kind: 'http' });
const transport = (kind: AttemptFailure['kind'], status = 502): AttemptFailure => ({ status, retryable: true, retryAfterMs: null, kind });

function input(over: Partial<FailureInput> = {}): FailureInput {
  return { attempt: 0, error: http(503), firstByteSent: false, elapsedMs: 0, remainingTargets: 1, policy: DEFAULT_RETRY_POLICY, random: () => 0.5, ...over };
}

describe('DEFAULT_RETRY_POLICY', () => {
  it('is one quick retry, then fall back', () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({ maxRetries: 1, baseDelayMs: 250, maxDelayMs: 4_000, retryAfterCapMs: 10_000, totalDeadlineMs: 120_000 });
    expect(Object.isFrozen(DEFAULT_RETRY_POLICY)).toBe(true);
  });
});

describe('isRetryableStatus', () => {
  it.each([408, 409, 429, 500, 502, 503, 504, 529])('%i is retryable', (s) => expect(isRetryableStatus(s)).toBe(true));
  it.each([400, 401, 402, 403, 404, 413, 422])('%i is not', (s) => expect(isRetryableStatus(s)).toBe(false));
});

describe('decideAfterFailure', () => {
  it('never retries or moves once the first byte reached the client', () => {
    for (const error of [http(503), http(429, 1_000), transport('reset'), transport('timeout', 504)]) {
      expect(decideAfterFailure(input({ error, firstByteSent: true, remainingTargets: 3 }))).toEqual({ action: 'fail' });
    }
  });

  it.each([400, 401, 403, 404, 413, 422])('a %i fails at once: the request itself is bad', (status) => {
    expect(decideAfterFailure(input({ error: { status, retryable: false, retryAfterMs: null, kind: 'http' }, remainingTargets: 3 }))).toEqual({ action: 'fail' });
    // even when mis-flagged retryable, a plain 4xx is not a trigger
    expect(decideAfterFailure(input({ error: http(status), remainingTargets: 3 }))).toEqual({ action: 'fail' });
  });

  it('the caller can veto a retryable status (e.g. a spend-cap 429)', () => {
    expect(decideAfterFailure(input({ error: { ...http(429), retryable: false } }))).toEqual({ action: 'fail' });
  });

  it.each<[string, AttemptFailure]>([
    ['connect refused', transport('connect')],
    ['connection reset', transport('reset')],
    ['TLS error', transport('tls')],
    ['408', http(408)],
    ['409', http(409)],
    ['500', http(500)],
    ['502', http(502)],
    ['503', http(503)],
    ['529', http(529)],
  ])('%s is retried on the same target first (when it is the only target)', (_name, error) => {
    expect(decideAfterFailure(input({ error, random: () => 0.5, remainingTargets: 0 }))).toEqual({ action: 'retry', delayMs: 125 });
  });

  it('a refused connection or a 429 goes straight to another target when one remains (failover costs no backoff)', () => {
    const refused = { status: 502, retryable: true, retryAfterMs: null, kind: 'connect' as const };
    expect(decideAfterFailure(input({ error: refused, remainingTargets: 1 }))).toEqual({ action: 'fallback', cooldownMs: 15_000 });
    expect(decideAfterFailure(input({ error: http(429, 3_000), remainingTargets: 2 }))).toEqual({ action: 'fallback', cooldownMs: 3_000 });
    expect(decideAfterFailure(input({ error: http(429), remainingTargets: 1 }))).toEqual({ action: 'fallback', cooldownMs: null });
    // A 5xx still gets one quick retry first: the same provider keeps the prompt cache warm.
    expect(decideAfterFailure(input({ error: http(503), remainingTargets: 1, random: () => 0.5 }))).toEqual({ action: 'retry', delayMs: 125 });
  });

  it('never retries a 429 or a timeout on the same target: the client shows and honours the wait; a hang would double', () => {
    expect(decideAfterFailure(input({ error: http(429, 3_000), remainingTargets: 0 }))).toEqual({ action: 'fail' });
    expect(decideAfterFailure(input({ error: http(429, 3_000), remainingTargets: 1 }))).toEqual({ action: 'fallback', cooldownMs: 3_000 });
    expect(decideAfterFailure(input({ error: transport('timeout', 504), remainingTargets: 0 }))).toEqual({ action: 'fail' });
    expect(decideAfterFailure(input({ error: transport('timeout', 504), remainingTargets: 1 }))).toEqual({ action: 'fallback', cooldownMs: null });
  });

  it('honours a retry-after within the cap instead of backoff', () => {
    expect(decideAfterFailure(input({ error: http(503, 10_000) }))).toEqual({ action: 'retry', delayMs: 10_000 }); // exactly the cap
    expect(decideAfterFailure(input({ error: http(529, 0) }))).toEqual({ action: 'retry', delayMs: 0 });
  });

  it('a retry-after past the cap falls back with it as the cooldown (429)', () => {
    expect(decideAfterFailure(input({ error: http(429, 10_001) }))).toEqual({ action: 'fallback', cooldownMs: 10_001 });
    expect(decideAfterFailure(input({ error: http(429, 52_200_000), remainingTargets: 2 }))).toEqual({ action: 'fallback', cooldownMs: 52_200_000 });
  });

  it('a retry-after past the cap on a 503 also falls back, without a cooldown', () => {
    expect(decideAfterFailure(input({ error: http(503, 60_000) }))).toEqual({ action: 'fallback', cooldownMs: null });
  });

  it('a long retry-after on the last target fails rather than waiting', () => {
    expect(decideAfterFailure(input({ error: http(429, 60_000), remainingTargets: 0 }))).toEqual({ action: 'fail' });
  });

  it('falls back once retries are used up, with the cooldown each failure suggests', () => {
    const used = { attempt: DEFAULT_RETRY_POLICY.maxRetries };
    expect(decideAfterFailure(input({ ...used, error: http(429, 2_000) }))).toEqual({ action: 'fallback', cooldownMs: 2_000 });
    expect(decideAfterFailure(input({ ...used, error: http(429) }))).toEqual({ action: 'fallback', cooldownMs: null });
    expect(decideAfterFailure(input({ ...used, error: transport('connect') }))).toEqual({ action: 'fallback', cooldownMs: CONNECT_REFUSED_COOLDOWN_MS });
    expect(decideAfterFailure(input({ ...used, error: transport('reset') }))).toEqual({ action: 'fallback', cooldownMs: null });
    expect(decideAfterFailure(input({ ...used, error: transport('timeout', 504) }))).toEqual({ action: 'fallback', cooldownMs: null });
    expect(decideAfterFailure(input({ ...used, error: http(529, 1_000) }))).toEqual({ action: 'fallback', cooldownMs: null });
  });

  it('fails when retries are used up and no target remains', () => {
    expect(decideAfterFailure(input({ attempt: 1, remainingTargets: 0 }))).toEqual({ action: 'fail' });
  });

  it('maxRetries 0 goes straight to fallback', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, maxRetries: 0 };
    expect(decideAfterFailure(input({ policy }))).toEqual({ action: 'fallback', cooldownMs: null });
  });

  it('allows more retries when the policy does', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, maxRetries: 3 };
    expect(decideAfterFailure(input({ policy, attempt: 2, random: () => 0.5 }))).toEqual({ action: 'retry', delayMs: 500 });
    expect(decideAfterFailure(input({ policy, attempt: 3 })).action).toBe('fallback');
  });

  describe('deadline', () => {
    const deadline = DEFAULT_RETRY_POLICY.totalDeadlineMs;

    it('retries only when the delay fits in what is left', () => {
      expect(decideAfterFailure(input({ error: http(503, 5_000), elapsedMs: deadline - 5_001 }))).toEqual({ action: 'retry', delayMs: 5_000 });
      expect(decideAfterFailure(input({ error: http(503, 5_000), elapsedMs: deadline - 5_000 }))).toEqual({ action: 'fallback', cooldownMs: null });
    });

    it('a backoff that does not fit falls back, or fails on the last target', () => {
      expect(decideAfterFailure(input({ elapsedMs: deadline - 100, random: () => 0.9 }))).toEqual({ action: 'fallback', cooldownMs: null });
      expect(decideAfterFailure(input({ elapsedMs: deadline - 100, random: () => 0.9, remainingTargets: 0 }))).toEqual({ action: 'fail' });
    });

    it('past the deadline nothing more is tried', () => {
      expect(decideAfterFailure(input({ elapsedMs: deadline, remainingTargets: 3, random: () => 0 }))).toEqual({ action: 'fail' });
      expect(decideAfterFailure(input({ elapsedMs: deadline + 1, attempt: 1, remainingTargets: 3 }))).toEqual({ action: 'fail' });
    });
  });
});

describe('backoffDelayMs (full jitter)', () => {
  it('stays within [0, min(max, base·2^attempt)) for a seeded random', () => {
    const random = seeded(42);
    for (let attempt = 0; attempt < 8; attempt++) {
      const ceiling = Math.min(4_000, 250 * 2 ** attempt);
      const samples = Array.from({ length: 500 }, () => backoffDelayMs(attempt, DEFAULT_RETRY_POLICY, random));
      expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...samples)).toBeLessThan(ceiling);
      // actually jittered: spread over most of the range, not clustered
      expect(Math.max(...samples) - Math.min(...samples)).toBeGreaterThan(ceiling * 0.9);
      expect(samples.every(Number.isInteger)).toBe(true);
    }
  });

  it('is repeatable with the same seed', () => {
    const a = seeded(7);
    const b = seeded(7);
    const run = (r: () => number) => [0, 1, 2, 3].map((n) => backoffDelayMs(n, DEFAULT_RETRY_POLICY, r));
    expect(run(a)).toEqual(run(b));
  });

  it('hits the edges and survives a bad random source', () => {
    expect(backoffDelayMs(0, DEFAULT_RETRY_POLICY, () => 0)).toBe(0);
    expect(backoffDelayMs(0, DEFAULT_RETRY_POLICY, () => 0.999999)).toBe(249);
    expect(backoffDelayMs(0, DEFAULT_RETRY_POLICY, () => 1)).toBe(249);
    expect(backoffDelayMs(0, DEFAULT_RETRY_POLICY, () => -3)).toBe(0);
    expect(backoffDelayMs(50, DEFAULT_RETRY_POLICY, () => 0.5)).toBe(2_000); // 2^50 overflows nothing: capped
    expect(backoffDelayMs(2000, DEFAULT_RETRY_POLICY, () => 0.5)).toBe(2_000); // 2^2000 = Infinity, still capped
  });

  it('is what decideAfterFailure uses when there is no retry-after', () => {
    const random = seeded(3);
    const expected = backoffDelayMs(0, DEFAULT_RETRY_POLICY, seeded(3));
    expect(decideAfterFailure(input({ random }))).toEqual({ action: 'retry', delayMs: expected });
  });
});

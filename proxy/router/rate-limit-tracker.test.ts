import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ASSUMED_WINDOW_MS, DEFAULT_BLOCK_MS, headroomThreshold, MAX_BLOCK_MS, RateLimitTracker } from './rate-limit-tracker.js';
import type { Clock } from './state.js';

const T0 = Date.parse('2026-03-01T12:00:00Z');

function setup(options?: ConstructorParameters<typeof RateLimitTracker>[1]) {
  const clock = { t: T0, now() { return this.t; } } satisfies Clock & { t: number };
  const tracker = new RateLimitTracker(clock, options);
  return { clock, tracker, tick: (ms: number) => void (clock.t += ms) };
}

// Fixtures modelled on real responses (values as providers send them).
const anthropicOk: IncomingHttpHeaders = {
  'content-type': 'application/json',
  'request-id': 'req_011CUq5mY9m3rK2xLfH8sdmA',
  'anthropic-organization-id': '5f0c3f1e-0000-4000-8000-1a2b3c4d5e6f',
  'anthropic-ratelimit-requests-limit': '4000',
  'anthropic-ratelimit-requests-remaining': '3999',
  'anthropic-ratelimit-requests-reset': '2026-03-01T12:00:01Z',
  'anthropic-ratelimit-tokens-limit': '2400000',
  'anthropic-ratelimit-tokens-remaining': '1920000',
  'anthropic-ratelimit-tokens-reset': '2026-03-01T12:00:07Z',
  'anthropic-ratelimit-input-tokens-limit': '2000000',
  'anthropic-ratelimit-input-tokens-remaining': '1860000',
  'anthropic-ratelimit-input-tokens-reset': '2026-03-01T12:00:07Z',
  'anthropic-ratelimit-output-tokens-limit': '400000',
  'anthropic-ratelimit-output-tokens-remaining': '60000',
  'anthropic-ratelimit-output-tokens-reset': '2026-03-01T12:00:09Z',
};

const openaiOk: IncomingHttpHeaders = {
  'openai-processing-ms': '412',
  'x-request-id': 'req_8f1c2d3e4b5a69788796a5b4c3d2e1f0',
  'x-ratelimit-limit-requests': '10000',
  'x-ratelimit-remaining-requests': '9999',
  'x-ratelimit-reset-requests': '6ms',
  'x-ratelimit-limit-tokens': '200000',
  'x-ratelimit-remaining-tokens': '30000',
  'x-ratelimit-reset-tokens': '6m0s',
};

const githubOk: IncomingHttpHeaders = {
  'x-ratelimit-remaining-requests': '12',
  'x-ratelimit-remaining-tokens': '47150',
  'x-ratelimit-type': 'UserByModelByMinute',
  'x-ms-rai-invoked': 'true',
};

const github429: IncomingHttpHeaders = {
  'retry-after': '52200',
  'x-ratelimit-remaining-requests': '0',
  'x-ratelimit-remaining-tokens': '0',
  'x-ratelimit-type': 'UserByModelByDay',
};

const googleBody = JSON.stringify({
  error: {
    code: 429,
    message: 'You exceeded your current quota, please check your plan and billing details.',
    status: 'RESOURCE_EXHAUSTED',
    details: [
      {
        '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
        violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests', quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier', quotaValue: '10' }],
      },
      { '@type': 'type.googleapis.com/google.rpc.Help', links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }] },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '37s' },
    ],
  },
});

describe('Anthropic headers', () => {
  it('takes the tightest family and its RFC 3339 reset', () => {
    const { tracker } = setup();
    expect(tracker.observe(200, anthropicOk)).toEqual({ rateLimited: false, retryAfterMs: null });
    expect(tracker.snapshot()).toEqual({ headroom: 0.15, resetAt: Date.parse('2026-03-01T12:00:09Z'), blockedUntil: null });
    expect(tracker.limits().map((f) => f.name).sort()).toEqual(['anthropic-input-tokens', 'anthropic-output-tokens', 'anthropic-requests', 'anthropic-tokens']);
  });

  it('routes away below the threshold and comes back when the window resets', () => {
    const { tracker, tick } = setup();
    tracker.observe(200, anthropicOk);
    expect(tracker.available()).toBe(false); // 15 % left < 20 %
    expect(tracker.available(0.1)).toBe(true);
    tick(8_999);
    expect(tracker.available()).toBe(false);
    tick(1); // 12:00:09: output-tokens refilled; input tokens (7 s) reset earlier too
    expect(tracker.available()).toBe(true);
    expect(tracker.snapshot().headroom).toBeNull();
  });

  it('reads retry-after on a 429 and blocks until then', () => {
    const { tracker, tick } = setup();
    const obs = tracker.observe(429, { ...anthropicOk, 'retry-after': '12', 'anthropic-ratelimit-output-tokens-remaining': '0' });
    expect(obs).toEqual({ rateLimited: true, retryAfterMs: 12_000 });
    expect(tracker.snapshot()).toMatchObject({ headroom: 0, blockedUntil: T0 + 12_000 });
    expect(tracker.retryAfterMs()).toBe(12_000);
    tick(11_999);
    expect(tracker.available(0)).toBe(false);
    tick(1);
    expect(tracker.retryAfterMs()).toBeNull();
    expect(tracker.available()).toBe(true); // the output window (12:00:09) has reset too
  });

  it('reads the priority-tier families', () => {
    const { tracker } = setup();
    tracker.observe(200, { 'anthropic-priority-input-tokens-limit': '100000', 'anthropic-priority-input-tokens-remaining': '10000', 'anthropic-priority-input-tokens-reset': '2026-03-01T12:01:00Z' });
    expect(tracker.snapshot()).toMatchObject({ headroom: 0.1, resetAt: Date.parse('2026-03-01T12:01:00Z') });
  });
});

describe('Anthropic unified (subscription) headers', () => {
  const fiveHourReset = Math.floor(T0 / 1000) + 3_600;
  const sevenDayReset = Math.floor(T0 / 1000) + 4 * 86_400;
  const unified: IncomingHttpHeaders = {
    'anthropic-ratelimit-unified-status': 'allowed_warning',
    'anthropic-ratelimit-unified-reset': String(fiveHourReset),
    'anthropic-ratelimit-unified-representative-claim': 'five_hour',
    'anthropic-ratelimit-unified-fallback-percentage': '0.5',
    'anthropic-ratelimit-unified-5h-status': 'allowed_warning',
    'anthropic-ratelimit-unified-5h-utilization': '0.93',
    'anthropic-ratelimit-unified-5h-reset': String(fiveHourReset),
    'anthropic-ratelimit-unified-7d-status': 'allowed',
    'anthropic-ratelimit-unified-7d-utilization': '0.41',
    'anthropic-ratelimit-unified-7d-reset': String(sevenDayReset),
    'anthropic-ratelimit-unified-overage-status': 'rejected',
    'anthropic-ratelimit-unified-overage-disabled-reason': 'org_level_disabled',
  };

  it('turns utilization into headroom with epoch-second resets, ignoring overage', () => {
    const { tracker } = setup();
    tracker.observe(200, unified);
    const s = tracker.snapshot();
    expect(s.headroom).toBeCloseTo(0.07, 9);
    expect(s.resetAt).toBe(fiveHourReset * 1000);
    expect(tracker.available()).toBe(false);
    expect(tracker.limits().map((f) => f.name).sort()).toEqual(['unified-5h', 'unified-7d']);
  });

  it('a rejected unified limit blocks until the unified reset', () => {
    const { tracker } = setup();
    const obs = tracker.observe(429, { ...unified, 'anthropic-ratelimit-unified-status': 'rejected', 'anthropic-ratelimit-unified-5h-status': 'rejected' });
    expect(obs).toEqual({ rateLimited: true, retryAfterMs: 3_600_000 });
    expect(tracker.snapshot()).toEqual({ headroom: 0, resetAt: fiveHourReset * 1000, blockedUntil: fiveHourReset * 1000 });
  });
});

describe('OpenAI-style x-ratelimit-*-{requests,tokens}', () => {
  it('reads duration resets ("6ms", "6m0s") and comes back after six minutes', () => {
    const { tracker, tick } = setup();
    tracker.observe(200, openaiOk);
    expect(tracker.snapshot()).toEqual({ headroom: 0.15, resetAt: T0 + 360_000, blockedUntil: null });
    expect(tracker.available()).toBe(false);
    tick(359_999);
    expect(tracker.available()).toBe(false);
    tick(1);
    expect(tracker.available()).toBe(true);
  });

  it('reads Groq fractional durations and bare seconds', () => {
    const { tracker } = setup();
    tracker.observe(200, {
      'x-ratelimit-limit-requests': '14400', 'x-ratelimit-remaining-requests': '14370', 'x-ratelimit-reset-requests': '2m59.56s',
      'x-ratelimit-limit-tokens': '18000', 'x-ratelimit-remaining-tokens': '17997', 'x-ratelimit-reset-tokens': '20ms',
    });
    expect(tracker.snapshot().resetAt).toBeCloseTo(T0 + 179_560, 3);
    tracker.observe(200, { 'x-ratelimit-limit-tokens': '1000', 'x-ratelimit-remaining-tokens': '100', 'x-ratelimit-reset-tokens': '1' });
    expect(tracker.snapshot()).toMatchObject({ headroom: 0.1, resetAt: T0 + 1_000 });
  });

  it('a 429 without retry-after blocks until the exhausted window resets', () => {
    const { tracker } = setup();
    const obs = tracker.observe(429, { ...openaiOk, 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '1s', 'x-ratelimit-reset-tokens': '6m0s' });
    expect(obs).toEqual({ rateLimited: true, retryAfterMs: 1_000 }); // requests bind; tokens still have 15 %
    expect(tracker.snapshot().blockedUntil).toBe(T0 + 1_000);
  });
});

describe('GitHub Models', () => {
  it('remaining without a limit is unknown headroom unless it is zero', () => {
    const { tracker, tick } = setup();
    tracker.observe(200, githubOk);
    expect(tracker.snapshot().headroom).toBeNull();
    expect(tracker.available()).toBe(true);
    tracker.observe(200, { ...githubOk, 'x-ratelimit-remaining-requests': '0' });
    expect(tracker.snapshot()).toEqual({ headroom: 0, resetAt: null, blockedUntil: null });
    expect(tracker.available(0)).toBe(false);
    tick(ASSUMED_WINDOW_MS); // no reset given: assume a one-minute window rather than forever
    expect(tracker.available()).toBe(true);
  });

  it('a 429 with an hours-long retry-after blocks for it', () => {
    const { tracker, tick } = setup();
    expect(tracker.observe(429, github429, JSON.stringify({ error: { code: 'RateLimitReached', message: 'Rate limit of 50 per 86400s exceeded for UserByModelByDay.' } }))).toEqual({ rateLimited: true, retryAfterMs: 52_200_000 });
    tick(52_199_999);
    expect(tracker.available()).toBe(false);
    tick(1);
    expect(tracker.available()).toBe(true);
  });

  it('keeps a limit seen earlier when later responses omit it', () => {
    const { tracker } = setup();
    tracker.observe(200, { 'x-ratelimit-limit-requests': '15', 'x-ratelimit-remaining-requests': '10' });
    tracker.observe(200, { 'x-ratelimit-remaining-requests': '3' });
    expect(tracker.snapshot().headroom).toBeCloseTo(0.2, 9);
  });
});

describe('OpenRouter and plain x-ratelimit-*', () => {
  const openrouter429: IncomingHttpHeaders = {
    'x-ratelimit-limit': '20',
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': String(T0 + 42_000), // epoch ms
    'retry-after': '8',
  };
  const body = JSON.stringify({ error: { message: 'Rate limit exceeded: free-models-per-min.', code: 429, metadata: { headers: { 'X-RateLimit-Limit': '20' } } } });

  it('retry-after wins over the window reset', () => {
    const { tracker } = setup();
    expect(tracker.observe(429, openrouter429, body)).toEqual({ rateLimited: true, retryAfterMs: 8_000 });
    expect(tracker.snapshot()).toEqual({ headroom: 0, resetAt: T0 + 42_000, blockedUntil: T0 + 8_000 });
  });

  it('without retry-after the epoch reset (ms or s) is the block', () => {
    const { tracker } = setup();
    const { 'retry-after': _, ...noRetry } = openrouter429;
    expect(tracker.observe(429, noRetry).retryAfterMs).toBe(42_000);
    const s = setup();
    s.tracker.observe(429, { ...noRetry, 'x-ratelimit-reset': String(T0 / 1000 + 30) });
    expect(s.tracker.snapshot().blockedUntil).toBe(T0 + 30_000);
  });

  it('reads the lower-cased names Node gives, and ignores headers of other families', () => {
    const { tracker } = setup();
    tracker.observe(200, { 'x-ratelimit-limit': '20', 'x-ratelimit-remaining': '15', 'x-request-id': 'r1', 'anthropic-organization-id': 'o' });
    expect(tracker.snapshot().headroom).toBe(0.75);
  });
});

describe('blocking', () => {
  it('retry-after-ms on a 529 blocks without counting as a rate limit', () => {
    const { tracker } = setup();
    expect(tracker.observe(529, { 'retry-after-ms': '1500', 'retry-after': '2' })).toEqual({ rateLimited: false, retryAfterMs: 1_500 });
    expect(tracker.snapshot().blockedUntil).toBe(T0 + 1_500);
  });

  it('retry-after as an HTTP date is measured on the injected clock', () => {
    const { tracker } = setup();
    tracker.observe(503, { 'retry-after': new Date(T0 + 20_000).toUTCString() });
    expect(tracker.retryAfterMs()).toBe(20_000);
  });

  it('retry-after is ignored on a success', () => {
    const { tracker } = setup();
    tracker.observe(200, { 'retry-after': '60' });
    expect(tracker.snapshot().blockedUntil).toBeNull();
  });

  it('a bare 429 blocks for the default, then the provider is back', () => {
    const { tracker, tick } = setup();
    expect(tracker.observe(429, {}, 'Too Many Requests')).toEqual({ rateLimited: true, retryAfterMs: null });
    expect(tracker.retryAfterMs()).toBe(DEFAULT_BLOCK_MS);
    tick(DEFAULT_BLOCK_MS);
    expect(tracker.available()).toBe(true);
    const custom = setup({ defaultBlockMs: 5_000 });
    custom.tracker.observe(429, { 'retry-after': 'later' });
    expect(custom.tracker.retryAfterMs()).toBe(5_000);
  });

  it('blocks only grow, and are capped', () => {
    const { tracker } = setup();
    tracker.observe(429, { 'retry-after': '60' });
    tracker.observe(429, { 'retry-after': '5' });
    expect(tracker.retryAfterMs()).toBe(60_000);
    tracker.observe(429, { 'retry-after': '999999999' });
    expect(tracker.retryAfterMs()).toBe(MAX_BLOCK_MS);
  });
});

describe('Google RESOURCE_EXHAUSTED', () => {
  it('blocks for RetryInfo.retryDelay', () => {
    const { tracker } = setup();
    expect(tracker.observe(429, { 'content-type': 'application/json; charset=UTF-8' }, googleBody)).toEqual({ rateLimited: true, retryAfterMs: 37_000 });
    expect(tracker.snapshot()).toEqual({ headroom: null, resetAt: null, blockedUntil: T0 + 37_000 });
  });

  it('reads an array of errors (streamGenerateContent without alt=sse)', () => {
    const { tracker } = setup();
    const arrayBody = JSON.stringify([JSON.parse(googleBody), { error: { status: 'RESOURCE_EXHAUSTED', details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '41.5s' }] } }]);
    expect(tracker.observe(429, {}, arrayBody).retryAfterMs).toBe(41_500);
  });

  it('without RetryInfo, or unparseable, falls back to the default block', () => {
    const a = setup();
    expect(a.tracker.observe(429, {}, JSON.stringify({ error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded' } }))).toEqual({ rateLimited: true, retryAfterMs: null });
    expect(a.tracker.retryAfterMs()).toBe(DEFAULT_BLOCK_MS);
    const b = setup();
    expect(b.tracker.observe(500, {}, '{"error":{"status":"RESOURCE_EXHAUSTED","details":[{"@ty').rateLimited).toBe(true);
    expect(b.tracker.retryAfterMs()).toBe(DEFAULT_BLOCK_MS);
  });

  it('other Google errors are not rate limits', () => {
    const { tracker } = setup();
    expect(tracker.observe(400, {}, JSON.stringify({ error: { code: 400, status: 'INVALID_ARGUMENT', message: 'x' } })).rateLimited).toBe(false);
    expect(tracker.snapshot().blockedUntil).toBeNull();
  });
});

describe('malformed input', () => {
  it('ignores values it cannot read and never throws', () => {
    const { tracker } = setup();
    const obs = tracker.observe(200, {
      'anthropic-ratelimit-tokens-limit': 'lots',
      'anthropic-ratelimit-tokens-remaining': '-5',
      'anthropic-ratelimit-tokens-reset': 'tomorrow',
      'anthropic-ratelimit-requests-reset': '1772366400',
      'anthropic-ratelimit-unified-5h-utilization': 'high',
      'anthropic-ratelimit-unified-5h-reset': '2026-03-01T13:00:00Z',
      'x-ratelimit-limit-tokens': '1e6',
      'x-ratelimit-remaining-tokens': '',
      'x-ratelimit-reset-tokens': 'soon',
      'x-ratelimit-limit': '0',
      'x-ratelimit-remaining': '5',
    });
    expect(obs).toEqual({ rateLimited: false, retryAfterMs: null });
    expect(tracker.snapshot()).toEqual({ headroom: null, resetAt: null, blockedUntil: null });
    expect(tracker.available()).toBe(true);
  });

  it('takes the first of repeated headers', () => {
    const { tracker } = setup();
    tracker.observe(429, { 'retry-after': ['3', '90'], 'x-ratelimit-limit-requests': ['100', '5'], 'x-ratelimit-remaining-requests': ['50', '0'] } as unknown as IncomingHttpHeaders);
    expect(tracker.snapshot()).toMatchObject({ headroom: 0.5, blockedUntil: T0 + 3_000 });
  });

  it('a negative retry-after-ms is ignored', () => {
    const { tracker } = setup();
    tracker.observe(429, { 'retry-after-ms': '-100' });
    expect(tracker.retryAfterMs()).toBe(DEFAULT_BLOCK_MS);
  });
});

describe('headroomThreshold', () => {
  it('maps RATE_LIMIT_THRESHOLD (fraction used) to the fraction that must remain', () => {
    expect(headroomThreshold(0.8)).toBeCloseTo(0.2, 9);
    expect(headroomThreshold(1)).toBe(0);
    expect(headroomThreshold(1.5)).toBe(0);
    expect(headroomThreshold(-1)).toBe(1);
  });
});

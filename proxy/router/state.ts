import type { Target } from '../dialects/types.js';
import type { Tier } from '../providers/types.js';

// The router's shared vocabulary. Every reliability concern (breaker, rate-limit
// tracker, latency stats) is its own module with its own state; strategies only
// ever see immutable snapshots of it, so each strategy is a small pure function
// of the request and the snapshots, testable with a fake clock.

/** Time source; tests pass a fake one. Milliseconds since the epoch. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export type CircuitState = 'closed' | 'open' | 'half-open';

/** What is known about one provider's rate limits at one instant. */
export interface RateLimitSnapshot {
  /** Fraction of the tightest known limit still available (0..1), or null when no header said. */
  headroom: number | null;
  /** When the tightest limit resets (ms epoch), or null. */
  resetAt: number | null;
  /** Until when the provider must not be tried at all (a 429 with retry-after, RESOURCE_EXHAUSTED), or null. */
  blockedUntil: number | null;
  /**
   * Headroom is below the router's threshold (router.rateLimitThreshold) and the window has not
   * reset: routed away from until it does. Absent means not known to be low.
   */
  low?: boolean;
}

export interface LatencySnapshot {
  /** Exponentially weighted moving averages, ms; null before any sample. */
  ewmaMs: number | null;
  ttftEwmaMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

/** Everything strategies may read about one provider, frozen at one instant. */
export interface ProviderSnapshot {
  id: string;
  circuit: CircuitState;
  /** Taken out of all plans until then (ms epoch), or null. */
  cooldownUntil: number | null;
  rateLimit: RateLimitSnapshot;
  latency: LatencySnapshot;
  /** Recent success rate 0..1, or null with no recent traffic. */
  successRate: number | null;
  /** Requests seen in the recent window. */
  samples: number;
}

/** Price of one target per million tokens, USD; null fields are unknown (never treated as free). */
export interface TargetPrice {
  inputPerM: number | null;
  outputPerM: number | null;
}

/** One candidate as strategies see it. */
export interface Candidate {
  target: Target;
  snapshot: ProviderSnapshot;
  price: TargetPrice | null;
  /** Context window of the target model in tokens, when known. */
  contextWindow: number | null;
}

export type Scenario = 'default' | 'background' | 'think' | 'longContext' | 'webSearch' | 'image';

/** The facts about a request that routing decisions use. */
export interface RequestFacts {
  tier: Tier | null;
  scenario: Scenario;
  /** Estimated prompt tokens (cheap estimate, not a tokenizer count). */
  estimatedInputTokens: number;
  maxTokens: number;
  /** Session id for affinity, when the client revealed one. */
  sessionId: string | null;
}

export type StrategyName = 'priority' | 'cost' | 'performance' | 'availability' | 'intelligent';

/** A strategy orders candidates (best first); it may drop ones that cannot serve the request. */
export type Strategy = (candidates: readonly Candidate[], facts: RequestFacts, now: number) => Candidate[];

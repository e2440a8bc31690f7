// Test helpers: hand-built router candidates and request facts (strategy and affinity tests).
import type { ResolvedProvider } from '../config/resolve.js';
import type { Candidate, LatencySnapshot, ProviderSnapshot, RateLimitSnapshot, RequestFacts, TargetPrice } from '../router/state.js';

export const NOW = 1_700_000_000_000;

export interface CandOpts extends Partial<Omit<ProviderSnapshot, 'id' | 'rateLimit' | 'latency'>> {
  rateLimit?: Partial<RateLimitSnapshot>;
  latency?: Partial<LatencySnapshot>;
  /** [inputPerM, outputPerM]; null = no price data. */
  price?: [number | null, number | null] | null;
  contextWindow?: number | null;
}

export function cand(id: string, o: CandOpts = {}): Candidate {
  const provider = { id, type: id, label: id, dialect: 'anthropic', baseUrl: 'http://x', path: '/v1/messages', auth: 'none', keySource: 'none', forwardClientAuth: false, headers: {}, tiers: {}, modelMap: {}, models: {} } satisfies ResolvedProvider;
  const price: TargetPrice | null = o.price ? { inputPerM: o.price[0], outputPerM: o.price[1] } : null;
  return {
    target: { provider, model: `${id}-model` },
    snapshot: {
      id,
      circuit: o.circuit ?? 'closed',
      cooldownUntil: o.cooldownUntil ?? null,
      rateLimit: { headroom: null, resetAt: null, blockedUntil: null, ...o.rateLimit },
      latency: { ewmaMs: null, ttftEwmaMs: null, p50Ms: null, p95Ms: null, p99Ms: null, ...o.latency },
      successRate: o.successRate ?? null,
      samples: o.samples ?? 0,
    },
    price,
    contextWindow: o.contextWindow ?? null,
  };
}

export function facts(o: Partial<RequestFacts> = {}): RequestFacts {
  return { tier: 'sonnet', scenario: 'default', estimatedInputTokens: 10_000, maxTokens: 32_000, sessionId: null, ...o };
}

export const ids = (cs: readonly Candidate[]): string[] => cs.map((c) => c.snapshot.id);

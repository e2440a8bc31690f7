import type { ResolvedProvider } from '../config/resolve.js';
import type { BreakerSnapshot } from './circuit-breaker.js';
import type { ProbeRecord } from './health-probe.js';
import type { LimitFamily } from './rate-limit-tracker.js';
import type { ProviderRuntime } from './runtime.js';
import type { CircuitState, LatencySnapshot, ProviderSnapshot, RateLimitSnapshot } from './state.js';

// One provider's live state as the admin API and UI show it. Strategies read the
// leaner ProviderSnapshot; this adds the detail a person needs to see why.

/** One word for a glance: down (circuit open), cooling-down, rate-limited, degraded (failing some requests or its probe), healthy, or unknown (no traffic or probe yet). */
export type Health = 'healthy' | 'degraded' | 'rate-limited' | 'cooling-down' | 'down' | 'unknown';

export interface ProviderStatus {
  id: string;
  label: string;
  dialect: string;
  /** Ports that can send it traffic: its pinned ports, and router ports while it is in the priority order. */
  ports: Array<{ port: number; use: string }>;
  /** Its place in the router's priority order (0 first), or null when the router does not use it. */
  priorityIndex: number | null;
  health: Health;
  circuit: CircuitState;
  breaker: BreakerSnapshot;
  rateLimit: RateLimitSnapshot;
  /** Each limit family the provider reported (requests, tokens, ...), with its reset. */
  limits: LimitFamily[];
  latency: LatencySnapshot;
  /** Recent success rate 0..1, or null with no recent traffic. */
  successRate: number | null;
  samples: number;
  cooldownUntil: number | null;
  /** The last health probe (a GET of its model list), or null before the first or with probes off. */
  probe: ProbeRecord | null;
}

export function providerStatus(
  provider: ResolvedProvider,
  rt: ProviderRuntime,
  snap: ProviderSnapshot,
  ports: ReadonlyArray<{ port: number; use: string }>,
  priority: readonly string[],
  probe: ProbeRecord | null = null,
): ProviderStatus {
  const index = priority.indexOf(provider.id);
  return {
    id: provider.id,
    label: provider.label,
    dialect: provider.dialect,
    ports: ports.filter((p) => p.use === provider.id || (p.use === 'router' && index !== -1)).map((p) => ({ port: p.port, use: p.use })),
    priorityIndex: index === -1 ? null : index,
    health: healthOf(snap, probe),
    circuit: snap.circuit,
    breaker: rt.breaker.snapshot(),
    rateLimit: snap.rateLimit,
    limits: rt.limits.limits(),
    latency: snap.latency,
    successRate: snap.successRate,
    samples: snap.samples,
    cooldownUntil: snap.cooldownUntil,
    probe,
  };
}

function healthOf(s: ProviderSnapshot, probe: ProbeRecord | null): Health {
  if (s.circuit === 'open') return 'down';
  if (s.cooldownUntil !== null) return 'cooling-down';
  if (s.rateLimit.blockedUntil !== null || s.rateLimit.headroom === 0) return 'rate-limited';
  if (s.circuit === 'half-open' || (s.successRate !== null && s.successRate < 0.9) || probe?.ok === false) return 'degraded';
  return s.samples === 0 && !probe ? 'unknown' : 'healthy';
}

import type { IncomingHttpHeaders } from 'node:http';
import type { Settings } from '../config/resolve.js';
import type { Target } from '../dialects/types.js';
import { EventBus } from '../events/bus.js';
import { STATIC_PRICES, type PriceLookup } from '../usage/prices.js';
import { applyAffinity, SessionAffinity } from './affinity.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { modelInfoFor } from './model-map.js';
import { LatencyStats } from './latency-stats.js';
import { priorityProblem } from './priority.js';
import { RateLimitTracker } from './rate-limit-tracker.js';
import { describeRouteChange, effectiveRoutes, emptyOverrides, overridesToJson, type RouteOverrides, type RouteSettings, type Thresholds } from './route-settings.js';
import type { RoutedScenario, ScenarioTarget } from './scenario-routes.js';
import { DEFAULT_RETRY_POLICY, type FailureKind, type RetryPolicy } from './retry-policy.js';
import type { Candidate, Clock, ProviderSnapshot, RequestFacts, StrategyName, TargetPrice } from './state.js';
import { systemClock } from './state.js';
import { providerStatus, type ProviderStatus } from './status.js';
import { DEFAULT_STRATEGY, STRATEGIES } from './strategies/index.js';
import type { ProbeRecord, ProbeResult } from './health-probe.js';

// The router's live state: one breaker, latency record and rate-limit tracker per
// provider, plus cooldowns, session affinity, the active strategy and the event
// bus. The attempt loop reports every outcome here; plans on the router port are
// ordered from snapshots of it. Each concern keeps its own module; this file only
// holds them together and turns their changes into events.

export interface ProviderRuntime {
  readonly breaker: CircuitBreaker;
  readonly latency: LatencyStats;
  readonly limits: RateLimitTracker;
  cooldownUntil: number | null;
}

/** A routing choice the user changed (only the changed fields); the Gateway persists it. */
export interface RoutingChange {
  strategy?: StrategyName;
  priority?: string[];
  /** Every scenario route the user set so far (not only this change), targets as strings. */
  scenarios?: Partial<Record<RoutedScenario, string[]>>;
  /** Every threshold the user set so far. */
  thresholds?: Partial<Thresholds>;
}

/** A change to scenario routes (an empty list removes the route) and thresholds; fields left out stay. */
export interface RouteChange {
  scenarios?: Partial<Record<RoutedScenario, ScenarioTarget[]>>;
  thresholds?: Partial<Thresholds>;
}

export class RouterRuntime {
  readonly events = new EventBus();
  readonly affinity: SessionAffinity;
  readonly retryPolicy: RetryPolicy;
  private readonly providers = new Map<string, ProviderRuntime>();
  /** Last health probe per provider (health-probe.ts); kept across reset(): it is observed, not learned. */
  private readonly probes = new Map<string, ProbeRecord>();
  private activeStrategy: StrategyName;
  private priorityOrder: string[];
  /** Scenario routes and thresholds the user set (admin API), over the config file's. */
  private overrides: RouteOverrides = emptyOverrides();
  private current: RouteSettings;
  /** Told about every strategy or priority change; set by the Gateway to persist them (this class does no I/O). */
  onRoutingChange: ((change: RoutingChange) => void) | null = null;
  /** Where candidates' prices come from; the Gateway points it at its PriceBook (live prices). */
  prices: PriceLookup = STATIC_PRICES;

  constructor(
    private settings: Settings,
    readonly clock: Clock = systemClock,
  ) {
    this.activeStrategy = settings.routerStrategy ?? DEFAULT_STRATEGY;
    this.priorityOrder = [...settings.routerOrder];
    this.current = effectiveRoutes(settings, this.overrides);
    // Same-provider retries are off unless configured: Claude Code runs its own retry loop
    // (with visible backoff), and gateway retries would multiply with it.
    this.retryPolicy = { ...DEFAULT_RETRY_POLICY, maxRetries: settings.routerRetries };
    this.affinity = new SessionAffinity(clock);
  }

  get strategy(): StrategyName {
    return this.activeStrategy;
  }

  setStrategy(strategy: StrategyName, reason = 'changed by the user'): void {
    if (strategy === this.activeStrategy) return;
    this.activeStrategy = strategy;
    this.events.emit({ type: 'strategy', at: this.clock.now(), strategy, reason });
    this.onRoutingChange?.({ strategy });
  }

  /** The router port's order (priority strategy, tie-breaks for the others); starts as router.order. */
  get priority(): readonly string[] {
    return this.priorityOrder;
  }

  /** Throws a RangeError naming the bad entry unless `ids` are enabled providers, each once. */
  setPriority(ids: readonly string[], reason = 'changed by the user'): void {
    const problem = priorityProblem(ids, this.settings.providers.keys());
    if (problem) throw new RangeError(problem);
    if (ids.length === this.priorityOrder.length && ids.every((id, i) => id === this.priorityOrder[i])) return;
    this.priorityOrder = [...ids];
    this.events.emit({ type: 'priority', at: this.clock.now(), priority: [...ids], reason });
    this.onRoutingChange?.({ priority: [...ids] });
  }

  /** Scenario routes and thresholds in force: one frozen object, replaced (never mutated) on a change. */
  get routes(): RouteSettings {
    return this.current;
  }

  /**
   * Applies a checked change (server/admin/routing.ts validates it) to the next
   * request: one new RouteSettings swapped in, one `routing` event, one save.
   */
  setRoutes(change: RouteChange, reason = 'changed by the user'): void {
    const o: RouteOverrides = { scenarios: { ...this.overrides.scenarios, ...change.scenarios }, thresholds: { ...this.overrides.thresholds, ...change.thresholds } };
    const next = effectiveRoutes(this.settings, o);
    const { fields, parts } = describeRouteChange(this.current, next);
    this.overrides = o;
    this.current = next;
    if (!fields.length) return;
    this.events.emit({ type: 'routing', at: this.clock.now(), fields, reason: `${parts.join('; ')} (${reason})` });
    this.onRoutingChange?.(overridesToJson(o));
  }

  /**
   * The providers changed while running (the Gateway's live reconfiguration). Removed
   * providers drop out of the priority and their learned state is forgotten, as is the
   * state of `changed` ones (a new key or URL makes an open circuit meaningless); new
   * ones join the end of the priority in the config's order. Not a user routing choice,
   * so nothing is saved: a saved priority is reconciled the same way at the next start.
   */
  updateSettings(next: Settings, changed: Iterable<string> = [], reason = 'providers changed'): void {
    const before = new Set(this.settings.providers.keys());
    this.settings = next;
    // The config's routes may have changed with the providers; the user's stay over them.
    this.current = effectiveRoutes(next, this.overrides);
    const forget = new Set(changed);
    for (const id of before) if (!next.providers.has(id)) forget.add(id);
    for (const id of forget) {
      this.providers.delete(id);
      this.probes.delete(id);
      this.affinity.forget(id);
    }
    const kept = this.priorityOrder.filter((id) => next.providers.has(id));
    const added = next.routerOrder.filter((id) => !before.has(id) && !kept.includes(id));
    const priority = [...kept, ...added];
    if (priority.length === this.priorityOrder.length && priority.every((id, i) => id === this.priorityOrder[i])) return;
    this.priorityOrder = priority;
    this.events.emit({ type: 'priority', at: this.clock.now(), priority: [...priority], reason });
  }

  /** Every enabled provider's live state, for the admin API; `ports` are the bound listeners. */
  status(ports: ReadonlyArray<{ port: number; use: string }>): ProviderStatus[] {
    return [...this.settings.providers.values()].map((p) => providerStatus(p, this.runtime(p.id), this.snapshot(p.id), ports, this.priorityOrder, this.lastProbe(p.id)));
  }

  runtime(providerId: string): ProviderRuntime {
    let rt = this.providers.get(providerId);
    if (!rt) {
      rt = { breaker: new CircuitBreaker({}, this.clock), latency: new LatencyStats({}, this.clock), limits: new RateLimitTracker(this.clock), cooldownUntil: null };
      this.providers.set(providerId, rt);
    }
    return rt;
  }

  /** `detail: false` leaves latency percentiles out: strategies do not read them, and they cost a sort. */
  snapshot(providerId: string, detail = true): ProviderSnapshot {
    const rt = this.runtime(providerId);
    const now = this.clock.now();
    return {
      id: providerId,
      circuit: rt.breaker.state(),
      cooldownUntil: rt.cooldownUntil !== null && rt.cooldownUntil > now ? rt.cooldownUntil : null,
      rateLimit: { ...rt.limits.snapshot(), low: !rt.limits.available(this.current.thresholds.rateLimitThreshold) },
      latency: rt.latency.snapshot(detail),
      successRate: rt.latency.successRate(),
      samples: rt.latency.samples(),
    };
  }

  /** Orders a router port's plan with the active strategy, then keeps a session on its provider. */
  order(targets: Target[], facts: RequestFacts): { targets: Target[]; reason: string } {
    if (targets.length < 2) return { targets, reason: 'only target' };
    const now = this.clock.now();
    const candidates: Candidate[] = targets.map((target) => ({
      target,
      snapshot: this.snapshot(target.provider.id, false),
      price: priceOf(this.prices, target),
      contextWindow: modelInfoFor(target.provider, target.model).contextWindow ?? null,
    }));
    let ordered = STRATEGIES[this.activeStrategy](candidates, facts, now);
    let reason = this.activeStrategy;
    const sticky = facts.sessionId ? this.affinity.get(facts.sessionId) : null;
    if (sticky) {
      const kept = applyAffinity(ordered, sticky, now, facts);
      if (kept[0] !== ordered[0]) reason += ', session affinity';
      ordered = kept;
    }
    return { targets: ordered.map((c) => c.target), reason };
  }

  /** A 2xx answer: the provider works. */
  recordSuccess(providerId: string, status: number, headers: IncomingHttpHeaders, latencyMs: number, ttftMs: number | null, sessionId: string | null): void {
    const rt = this.runtime(providerId);
    const before = rt.breaker.state();
    rt.limits.observe(status, headers);
    rt.breaker.onSuccess();
    rt.latency.record(ttftMs === null ? { ok: true, latencyMs } : { ok: true, latencyMs, ttftMs });
    this.circuitChanged(providerId, before, rt, 'requests succeed again');
    if (sessionId) this.affinity.set(sessionId, providerId);
  }

  /**
   * A failed attempt. Returns the provider's own wait (retry-after, reset of an
   * exhausted window) for the retry policy. 429s feed the rate-limit tracker,
   * not the breaker; other 4xx mean the provider answered (the request was bad).
   */
  recordFailure(providerId: string, failure: { kind: FailureKind; status: number; headers?: IncomingHttpHeaders; body?: string }): number | null {
    const rt = this.runtime(providerId);
    const before = rt.breaker.state();
    let retryAfterMs: number | null = null;
    if (failure.kind === 'http' && failure.headers) retryAfterMs = rt.limits.observe(failure.status, failure.headers, failure.body).retryAfterMs;
    if (failure.kind !== 'http' || failure.status >= 500) {
      rt.breaker.onFailure();
      rt.latency.record({ ok: false });
    } else if (failure.status === 429) {
      rt.breaker.release();
    } else {
      rt.breaker.onSuccess();
    }
    this.circuitChanged(providerId, before, rt, failure.kind === 'http' ? `HTTP ${failure.status}` : `${failure.kind} failures`);
    return retryAfterMs;
  }

  /** Forgets all learned state (breakers, limits, latency, cooldowns, affinity); strategy and priority stay. */
  reset(reason = 'learned state cleared'): void {
    this.providers.clear();
    this.affinity.clear();
    this.events.emit({ type: 'reset', at: this.clock.now(), reason });
  }

  /** An allowed request that was never sent (client gone, plan ended): frees a half-open probe slot. */
  release(providerId: string): void {
    this.runtime(providerId).breaker.release();
  }

  cooldown(providerId: string, ms: number, reason: string): void {
    const rt = this.runtime(providerId);
    const until = this.clock.now() + ms;
    if (rt.cooldownUntil !== null && rt.cooldownUntil >= until) return;
    rt.cooldownUntil = until;
    this.affinity.forget(providerId);
    this.events.emit({ type: 'cooldown', at: this.clock.now(), provider: providerId, until, reason });
  }

  /**
   * A health probe's result. A failure counts towards the breaker like a failed
   * request; a success closes nothing (a half-open circuit is still probed by real
   * traffic, which proves more than a model list). An event only when the result
   * flips; a provider never probed counts as up.
   */
  recordProbe(providerId: string, result: ProbeResult): void {
    const wasOk = this.probes.get(providerId)?.ok ?? true;
    this.probes.set(providerId, { ...result, at: this.clock.now() });
    if (wasOk !== result.ok) {
      const reason = result.ok ? `${providerId} is reachable again` : `${providerId} health probe failed: ${result.error ?? 'unknown error'}`;
      this.events.emit({ type: 'health', at: this.clock.now(), provider: providerId, ok: result.ok, reason });
    }
    if (result.ok) return;
    const rt = this.runtime(providerId);
    const before = rt.breaker.state();
    rt.breaker.onFailure();
    this.circuitChanged(providerId, before, rt, 'health probe failed');
  }

  lastProbe(providerId: string): ProbeRecord | null {
    return this.probes.get(providerId) ?? null;
  }

  private circuitChanged(providerId: string, before: string, rt: ProviderRuntime, why: string): void {
    const after = rt.breaker.state();
    if (after === before) return;
    if (after === 'open') this.affinity.forget(providerId);
    const reason = after === 'open' ? `${providerId} circuit opened (${why})` : after === 'closed' ? `${providerId} recovered (${why})` : `${providerId} circuit half-open: probing with real traffic`;
    this.events.emit({ type: 'circuit', at: this.clock.now(), provider: providerId, state: after, reason });
  }
}

/** The strategies' view of a target's price; unknown stays null (never free). */
function priceOf(prices: PriceLookup, target: Target): TargetPrice | null {
  const p = prices.priceFor(target.provider, target.model);
  return p ? { inputPerM: p.inputPerM, outputPerM: p.outputPerM } : null;
}

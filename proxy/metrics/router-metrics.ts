import { Counter, type Registry } from 'prom-client';
import type { RouterRuntime } from '../router/runtime.js';
import type { CircuitState } from '../router/state.js';
import { STRATEGY_HELP } from '../router/strategies/index.js';
import { PREFIX, scrapedGauge } from './registry.js';

// The router's live state as gauges. Read at scrape time from RouterRuntime, so
// the request path pays nothing for them and a scrape always sees the state the
// next request would be routed by. Circuit changes are also counted as they happen
// (from the event bus), so a flapping breaker shows between two scrapes.

/** 0 closed, 1 half-open, 2 open: alert on `> 0`, and max() over time shows the worst. */
export const CIRCUIT_VALUE: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };
/** Limit families reported per provider; they come from upstream header names. */
export const MAX_LIMIT_FAMILIES = 16;

/** `providers`: the enabled provider ids, read at each scrape. */
export function routerMetrics(registry: Registry, router: RouterRuntime, providers: () => Iterable<string>): void {
  const seconds = (untilMs: number | null, now: number) => (untilMs !== null && untilMs > now ? (untilMs - now) / 1000 : 0);

  scrapedGauge(registry, `${PREFIX}circuit_state`, 'Circuit breaker state per provider: 0 closed, 1 half-open, 2 open', ['provider'], (emit) => {
    for (const id of providers()) emit({ provider: id }, CIRCUIT_VALUE[router.snapshot(id, false).circuit]);
  });

  scrapedGauge(registry, `${PREFIX}rate_limit_headroom_ratio`, "Fraction of the provider's tightest known rate limit still available (0..1); absent until the provider reports limits", ['provider'], (emit) => {
    for (const id of providers()) {
      const h = router.snapshot(id, false).rateLimit.headroom;
      if (h !== null) emit({ provider: id }, h);
    }
  });

  scrapedGauge(registry, `${PREFIX}rate_limit_remaining_ratio`, 'Remaining / limit for each rate-limit window the provider reports (limit: e.g. x-requests, x-tokens, anthropic-input-tokens, unified-5h)', ['provider', 'limit'], (emit) => {
    for (const id of providers()) {
      let n = 0;
      for (const f of router.runtime(id).limits.limits()) {
        const ratio = f.remaining !== null && f.remaining <= 0 ? 0 : f.remaining !== null && f.limit !== null && f.limit > 0 ? Math.min(1, f.remaining / f.limit) : null;
        if (ratio === null) continue;
        if (++n > MAX_LIMIT_FAMILIES) break;
        emit({ provider: id, limit: f.name }, ratio);
      }
    }
  });

  scrapedGauge(registry, `${PREFIX}rate_limit_blocked_seconds`, 'Seconds until a rate-limited provider may be tried again (retry-after, window reset); 0 when not blocked', ['provider'], (emit) => {
    const now = router.clock.now();
    for (const id of providers()) emit({ provider: id }, seconds(router.snapshot(id, false).rateLimit.blockedUntil, now));
  });

  scrapedGauge(registry, `${PREFIX}cooldown_seconds`, 'Seconds the provider stays out of every plan after a failure; 0 when in rotation', ['provider'], (emit) => {
    const now = router.clock.now();
    for (const id of providers()) emit({ provider: id }, seconds(router.snapshot(id, false).cooldownUntil, now));
  });

  scrapedGauge(registry, `${PREFIX}router_strategy`, "The router port's active strategy: 1 for the active one, 0 for the others", ['strategy'], (emit) => {
    for (const s of Object.keys(STRATEGY_HELP)) emit({ strategy: s }, s === router.strategy ? 1 : 0);
  });

  const transitions = new Counter({ name: `${PREFIX}circuit_transitions_total`, help: 'Circuit breaker state changes per provider, by the state entered', labelNames: ['provider', 'state'], registers: [registry] });
  router.events.subscribe((e) => {
    if (e.type === 'circuit') transitions.inc({ provider: e.provider, state: e.state });
  });
}

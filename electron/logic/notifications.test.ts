import { describe, expect, it } from 'vitest';
import type { GatewayEvent } from '../../proxy/events/bus.js';
import { NotificationPolicy, THROTTLE_MS } from './notifications.js';

function clock(start = 1_700_000_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const failover = (from: string, to: string | null, at = 0): GatewayEvent => ({ type: 'failover', at, from, to, status: 429, reason: `${from} 429, retry after 32 s → ${to}` });
const circuit = (provider: string, state: 'open' | 'half-open' | 'closed'): GatewayEvent => ({ type: 'circuit', at: 0, provider, state, reason: `${provider} circuit ${state}` });
const health = (provider: string, ok: boolean): GatewayEvent => ({ type: 'health', at: 0, provider, ok, reason: ok ? `${provider} is reachable again` : `${provider} health probe failed: connection refused` });
const budget = (window: 'hour' | 'day', threshold: 0.8 | 1, resetsAt: number): GatewayEvent => ({ type: 'budget', at: 0, window, threshold, spentUsd: threshold * 10, limitUsd: 10, resetsAt, action: threshold === 1 ? 'block' : 'alert', reason: `hourly budget at ${threshold * 100} %` });

describe('notifications', () => {
  it('turns a burst of failovers into one notification per provider per throttle window', () => {
    const c = clock();
    const p = new NotificationPolicy({ now: c.now, label: (id) => ({ openrouter: 'OpenRouter', 'github-models': 'GitHub Models' })[id] ?? id });
    const first = p.consider(failover('openrouter', 'github-models'));
    expect(first).toEqual({ kind: 'failover', subject: 'openrouter', title: 'OpenRouter failed, switched to GitHub Models', body: 'openrouter 429, retry after 32 s → github-models', page: 'requests' });
    const burst = Array.from({ length: 20 }, () => {
      c.advance(1000);
      return p.consider(failover('openrouter', 'github-models'));
    });
    expect(burst.filter(Boolean)).toHaveLength(0);
    // Another provider's failover is its own subject.
    expect(p.consider(failover('github-models', null))?.title).toBe('GitHub Models failed, no provider left to try');
    c.advance(THROTTLE_MS - 20_000);
    expect(p.consider(failover('openrouter', 'github-models'))).not.toBeNull();
    expect(p.consider(failover('openrouter', 'github-models'))).toBeNull();
  });

  it('pairs down and recovered: down once until it recovers, recovered only after a told down', () => {
    const c = clock();
    const p = new NotificationPolicy({ now: c.now });
    expect(p.consider(health('ollama', true))).toBeNull(); // never told it was down
    expect(p.consider(circuit('ollama', 'open'))).toMatchObject({ kind: 'provider-down', title: 'ollama is down', page: 'health' });
    expect(p.consider(health('ollama', false))).toBeNull(); // still down: said already
    expect(p.consider(circuit('ollama', 'half-open'))).toBeNull();
    expect(p.consider(circuit('ollama', 'closed'))).toMatchObject({ kind: 'provider-recovered', title: 'ollama recovered', body: 'ollama circuit closed', page: 'health' });
    expect(p.consider(health('ollama', true))).toBeNull(); // recovered already told
  });

  it('throttles a flapping provider, and does not announce the recovery of a down it did not announce', () => {
    const c = clock();
    const p = new NotificationPolicy({ now: c.now });
    const seen = [];
    for (let i = 0; i < 5; i++) {
      seen.push(p.consider(health('deepseek', false))?.kind ?? null);
      c.advance(5_000);
      seen.push(p.consider(health('deepseek', true))?.kind ?? null);
      c.advance(5_000);
    }
    expect(seen).toEqual(['provider-down', 'provider-recovered', null, null, null, null, null, null, null, null]);
    c.advance(THROTTLE_MS);
    expect(p.consider(health('deepseek', false))?.kind).toBe('provider-down');
  });

  it('says each budget threshold once per window period, and again in the next period', () => {
    const p = new NotificationPolicy({ now: clock().now });
    const hour1 = 1_700_003_600_000;
    expect(p.consider(budget('hour', 0.8, hour1))).toMatchObject({ kind: 'budget-80', subject: 'hour', title: 'Switchboard hourly budget at 80 %', page: 'costs' });
    expect(p.consider(budget('hour', 0.8, hour1))).toBeNull();
    expect(p.consider(budget('hour', 1, hour1))).toMatchObject({ kind: 'budget-100', title: 'Switchboard hourly budget reached', page: 'costs' });
    expect(p.consider(budget('hour', 1, hour1))).toBeNull();
    expect(p.consider(budget('day', 1, hour1 + 86_400_000))).toMatchObject({ kind: 'budget-100', title: 'Switchboard daily budget reached' });
    expect(p.consider(budget('hour', 0.8, hour1 + 3_600_000))?.kind).toBe('budget-80');
  });

  it('ignores routine events', () => {
    const p = new NotificationPolicy();
    expect(p.consider({ type: 'route', at: 0, port: 8080, provider: 'a', model: 'm', strategy: 'intelligent', scenario: 'default', reason: 'a' })).toBeNull();
    expect(p.consider({ type: 'strategy', at: 0, strategy: 'cost', reason: 'changed' })).toBeNull();
    expect(p.consider({ type: 'retry', at: 0, provider: 'a', status: 502, delayMs: 100, reason: 'r' })).toBeNull();
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GatewayEvent } from '../api/types';
import { useEvents } from '../stores/events';
import { useRequests } from '../stores/requests';
import { fakeApi, gatewayState, requestRow, totals } from '../test/fake-api';
import { Live } from './live';

const route = (id: number): GatewayEvent => ({ id, type: 'route', at: Date.now(), reason: 'alpha (priority)', port: 8080, provider: 'alpha', model: 'm', strategy: 'priority', scenario: 'default' });

describe('Live: events fan out to stores, refetches are coalesced', () => {
  let live: Live;
  beforeEach(() => {
    vi.useFakeTimers();
    useEvents.getState().clear();
    useRequests.setState({ rows: [], newestId: null, loaded: false, nextBefore: null, filter: 'all' });
  });
  afterEach(() => {
    live.stop();
    vi.useRealTimers();
  });

  it('a burst of 200 route events fetches /api/state at most once a second, and the tail finds the new rows', async () => {
    let newest = 0;
    const f = fakeApi({
      'GET /api/state': gatewayState(),
      'GET /api/usage/requests': (c) => {
        const after = c.query.get('after');
        const rows = Array.from({ length: newest - Number(after ?? 0) }, (_, i) => requestRow({ id: newest - i }));
        return { rows, hasMore: false, nextBefore: null, newestId: newest || null };
      },
      'GET /api/usage/summary': { totals: totals() },
      'GET /api/usage/breakdown': { rows: [] },
    });
    live = new Live();
    const stopOverview = live.watch('overview');
    await vi.advanceTimersByTimeAsync(10);
    await useRequests.getState().load();
    const base = { state: f.count('GET /api/state'), overview: f.count('GET /api/usage/summary') };
    for (let i = 1; i <= 200; i++) {
      live.onEvent(route(i));
      if (i === 100) newest = 3; // rows written meanwhile
      await vi.advanceTimersByTimeAsync(5);
    }
    await vi.advanceTimersByTimeAsync(3000);
    // 200 events over 1 s, plus the tail: a handful of fetches, not 200.
    expect(f.count('GET /api/state') - base.state).toBeLessThanOrEqual(4);
    expect(f.count('GET /api/state') - base.state).toBeGreaterThanOrEqual(1);
    expect(useRequests.getState().rows.map((r) => r.id)).toEqual([3, 2, 1]);
    // New ledger rows refetched the watched overview, once.
    expect(f.count('GET /api/usage/summary') - base.overview).toBe(1);
    expect(useEvents.getState().events).toHaveLength(50); // route events are capped in the kept list
    stopOverview();
  });

  it('the tail stops by itself after the last routed request (bounded)', async () => {
    const f = fakeApi({ 'GET /api/usage/requests': { rows: [], hasMore: false, nextBefore: null, newestId: null }, 'GET /api/state': gatewayState() });
    live = new Live();
    live.onEvent(route(1));
    await vi.advanceTimersByTimeAsync(11 * 60_000);
    const n = f.count('GET /api/usage/requests');
    expect(n).toBeGreaterThan(10);
    expect(n).toBeLessThan(100); // 2 s for 30 s, then 10 s up to 10 min
    await vi.advanceTimersByTimeAsync(30 * 60_000);
    expect(f.count('GET /api/usage/requests')).toBe(n);
  });

  it('topics no page shows are not fetched; a budget event refetches the budget and raises a notice', async () => {
    const f = fakeApi({ 'GET /api/budget': { windows: [] }, 'GET /api/state': gatewayState() });
    live = new Live();
    live.onEvent({ id: 1, type: 'budget', at: Date.now(), reason: 'hourly budget reached', window: 'hour', threshold: 1, spentUsd: 10, limitUsd: 10, resetsAt: 0, action: 'block' });
    await vi.advanceTimersByTimeAsync(2000);
    expect(f.count('GET /api/budget')).toBe(0);
    const stop = live.watch('budget');
    await vi.advanceTimersByTimeAsync(10);
    live.onEvent({ id: 2, type: 'budget', at: Date.now(), reason: 'daily budget at 80 %', window: 'day', threshold: 0.8, spentUsd: 40, limitUsd: 50, resetsAt: 0, action: 'alert' });
    await vi.advanceTimersByTimeAsync(2000);
    expect(f.count('GET /api/budget')).toBe(2); // on watch, then after the event
    stop();
  });
});

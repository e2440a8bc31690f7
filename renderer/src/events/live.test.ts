import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GatewayEvent } from '../api/types';
import { useEvents } from '../stores/events';
import { useRequests } from '../stores/requests';
import { fakeApi, gatewayState, requestRow, totals } from '../test/fake-api';
import { Live } from './live';
import type { EventSourceLike } from './stream';

const route = (id: number): GatewayEvent => ({ id, type: 'route', at: Date.now(), reason: 'alpha (priority)', port: 8080, provider: 'alpha', model: 'm', strategy: 'priority', scenario: 'default' });

/** An EventSource that opens at once (or never, with `fail`), for the stream status. */
class FakeSource implements EventSourceLike {
  onopen: ((e: Event) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;
  constructor(fail: boolean) {
    setTimeout(() => (fail ? this.onerror?.(new Event('error')) : this.onopen?.(new Event('open'))), 0);
  }
  addEventListener() {}
  close() {}
}

/** A gateway whose ledger holds `written` rows; each route event's row is written before the event (as messages.ts does). */
function gateway() {
  const g = { written: 0 };
  const f = fakeApi({
    'GET /api/state': gatewayState(),
    'GET /api/usage/requests': (c) => {
      const after = Number(c.query.get('after') ?? 0);
      const ids = Array.from({ length: Math.min(100, g.written - after) }, (_, i) => g.written - i);
      return { rows: ids.map((id) => requestRow({ id })), hasMore: g.written - after > 100, nextBefore: null, newestId: g.written || null };
    },
    'GET /api/usage/summary': { totals: totals() },
    'GET /api/usage/breakdown': { rows: [] },
    'GET /api/budget': { windows: [] },
  });
  return Object.assign(g, { f });
}

const USAGE = ['GET /api/state', 'GET /api/usage/requests', 'GET /api/usage/summary', 'GET /api/budget'];

describe('Live: events fan out to stores, refetches are coalesced, nothing polls', () => {
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

  it('a burst of 200 route events fetches each endpoint at most twice, sees every row, and nothing is fetched while idle', async () => {
    const g = gateway();
    live = new Live({ stream: { createSource: () => new FakeSource(false) } });
    live.start(() => '/api/events');
    const unwatch = (['requests', 'overview', 'budget'] as const).map((t) => live.watch(t));
    await vi.advanceTimersByTimeAsync(100);
    const base = Object.fromEntries([...USAGE, 'GET /api/usage/breakdown'].map((k) => [k, g.f.count(k)]));
    for (let i = 1; i <= 200; i++) {
      g.written = i; // the row is in the ledger before its route event is sent
      live.onEvent(route(i));
      await vi.advanceTimersByTimeAsync(4); // 200 events in 0.8 s
    }
    await vi.advanceTimersByTimeAsync(3_000);
    for (const k of USAGE) {
      expect(g.f.count(k) - base[k], k).toBeGreaterThanOrEqual(1);
      expect(g.f.count(k) - base[k], k).toBeLessThanOrEqual(2);
    }
    expect(g.f.count('GET /api/usage/breakdown') - base['GET /api/usage/breakdown']).toBeLessThanOrEqual(4); // the overview reads two breakdowns per load
    expect(useRequests.getState().newestId).toBe(200);
    expect(useRequests.getState().rows[0].id).toBe(200);

    // Idle with the stream up: ten minutes, not one request.
    const before = g.f.calls.length;
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(g.f.calls.length).toBe(before);
    unwatch.forEach((u) => u());
  });

  it('topics no page shows are not fetched; a routing event refetches the routing page\'s data', async () => {
    const f2 = fakeApi({ 'GET /api/routing': {}, 'GET /api/prices': { providers: [] }, 'GET /api/state': gatewayState(), 'GET /api/usage/summary': { totals: totals() } });
    live = new Live();
    live.onEvent(route(1));
    await vi.advanceTimersByTimeAsync(2_000);
    expect(f2.count('GET /api/usage/summary')).toBe(0); // no page shows usage figures
    expect(f2.count('GET /api/state')).toBe(1); // the shell always shows the state
    const stop = live.watch('routing');
    await vi.advanceTimersByTimeAsync(10);
    live.onEvent({ id: 2, type: 'routing', at: Date.now(), reason: 'think → beta (changed through the admin API)', fields: ['scenarios.think'] });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(f2.count('GET /api/routing')).toBe(2); // on watch, then after the event
    stop();
  });

  it('while the stream is down and the window visible, a slow safety refresh once a minute; none when hidden', async () => {
    const g = gateway();
    let visible = true;
    live = new Live({ visible: () => visible, stream: { createSource: () => new FakeSource(true) } });
    live.start(() => '/api/events');
    const stop = live.watch('overview');
    await vi.advanceTimersByTimeAsync(100);
    const base = g.f.count('GET /api/usage/summary');
    await vi.advanceTimersByTimeAsync(3 * 60_000 + 100);
    expect(g.f.count('GET /api/usage/summary') - base).toBe(3);
    visible = false;
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(g.f.count('GET /api/usage/summary') - base).toBe(3);
    stop();
  });

  it('a budget event refetches the budget where it shows and raises a notice', async () => {
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

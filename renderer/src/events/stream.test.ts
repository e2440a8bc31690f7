import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GatewayEvent } from '../api/types';
import { EventStream, type EventSourceLike } from './stream';

class FakeSource implements EventSourceLike {
  static all: FakeSource[] = [];
  listeners = new Map<string, Array<(e: MessageEvent) => void>>();
  onopen: ((e: Event) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeSource.all.push(this);
  }
  addEventListener(type: string, l: (e: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), l]);
  }
  close() {
    this.closed = true;
  }
  emit(e: Partial<GatewayEvent> & { id: number; type: string }) {
    for (const l of this.listeners.get(e.type) ?? []) l(new MessageEvent(e.type, { data: JSON.stringify({ at: 1, reason: 'r', ...e }), lastEventId: String(e.id) }));
  }
}

function make(extra: Partial<ConstructorParameters<typeof EventStream>[0]> = {}) {
  const events: GatewayEvent[] = [];
  const statuses: string[] = [];
  const resync = vi.fn();
  const s = new EventStream({
    url: (after) => `/api/events${after === null ? '' : `?after=${after}`}`,
    onEvent: (e) => events.push(e),
    onStatus: (st) => statuses.push(st),
    onResync: resync,
    createSource: (url) => new FakeSource(url),
    random: () => 1,
    ...extra,
  });
  return { s, events, statuses, resync };
}

describe('EventStream', () => {
  beforeEach(() => {
    FakeSource.all = [];
    vi.useFakeTimers();
  });
  afterEach(() => void vi.useRealTimers());

  it('hands every event type to onEvent and keeps the last id', () => {
    const { s, events, statuses } = make({ replayOnStart: true });
    s.start();
    const src = FakeSource.all[0];
    expect(src.url).toBe('/api/events?after=0');
    src.onopen?.(new Event('open'));
    src.emit({ id: 1, type: 'route', provider: 'a' });
    src.emit({ id: 2, type: 'failover', from: 'a', to: 'b' });
    src.emit({ id: 2, type: 'failover' }); // a replay overlap is dropped
    src.emit({ id: 3, type: 'budget' });
    expect(events.map((e) => e.id)).toEqual([1, 2, 3]);
    expect(s.lastId).toBe(3);
    expect(statuses).toEqual(['connecting', 'live']);
  });

  it('on error: closes, waits with exponential backoff (1, 2, 4 ... 30 s), resumes after the last id, and asks for a resync', async () => {
    const { s, statuses, resync } = make();
    s.start();
    FakeSource.all[0].onopen?.(new Event('open'));
    FakeSource.all[0].emit({ id: 7, type: 'route' });
    FakeSource.all[0].onerror?.(new Event('error'));
    expect(FakeSource.all[0].closed).toBe(true);
    expect(statuses.at(-1)).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(999);
    expect(FakeSource.all).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeSource.all).toHaveLength(2);
    expect(FakeSource.all[1].url).toBe('/api/events?after=7');
    // Fails again before opening: the wait doubles.
    FakeSource.all[1].onerror?.(new Event('error'));
    await vi.advanceTimersByTimeAsync(1999);
    expect(FakeSource.all).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeSource.all).toHaveLength(3);
    FakeSource.all[2].onopen?.(new Event('open'));
    expect(resync).toHaveBeenCalledTimes(1);
    expect(statuses.at(-1)).toBe('live');
    expect(s.delayFor(10)).toBe(30_000);
    expect(s.delayFor(50)).toBe(30_000);
  });

  it('stop() closes the source and cancels a pending reconnect', async () => {
    const { s } = make();
    s.start();
    FakeSource.all[0].onerror?.(new Event('error'));
    s.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSource.all).toHaveLength(1);
  });

  it('ignores bad JSON', () => {
    const { s, events } = make();
    s.start();
    for (const l of FakeSource.all[0].listeners.get('route') ?? []) l(new MessageEvent('route', { data: '{nope' }));
    expect(events).toEqual([]);
  });
});

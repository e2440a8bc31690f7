import { useEffect } from 'react';
import type { GatewayEvent } from '../api/types';
import { useBudget } from '../stores/budget';
import { useCosts } from '../stores/costs';
import { useEvents } from '../stores/events';
import { useGateway } from '../stores/gateway';
import { useOverview } from '../stores/overview';
import { usePrices } from '../stores/prices';
import { useProviders } from '../stores/providers';
import { useRequests } from '../stores/requests';
import { toast } from '../stores/toasts';
import { coalesce, type Coalescer } from './coalesce';
import { EventStream, type StreamOptions } from './stream';

// Live updates: the event stream fans out to the stores. Each topic (one store's
// data) has one Coalescer, so a burst of events fetches each endpoint at most once
// a second, and only topics a mounted page watches are fetched at all. Route events
// arrive when a request is routed, before its ledger row exists, so they start a
// bounded "tail": GET /api/usage/requests?after=<newest> every 2 s for 30 s after
// the last routed request, then every 10 s for up to 10 min (a long stream). New
// ledger rows refetch the usage aggregates.

export type Topic = 'state' | 'providers' | 'overview' | 'costs' | 'budget' | 'requests' | 'prices';

const loaders: Record<Topic, () => Promise<unknown>> = {
  state: () => useGateway.getState().load(),
  providers: () => useProviders.getState().load(),
  overview: () => useOverview.getState().load(),
  costs: () => useCosts.getState().load(),
  budget: () => useBudget.getState().load(),
  requests: () => useRequests.getState().poll(),
  prices: () => usePrices.getState().load(),
};

/** What each event type makes stale. */
const STALE: Record<GatewayEvent['type'], Topic[]> = {
  route: ['state'],
  failover: ['state'],
  retry: ['state'],
  circuit: ['state'],
  cooldown: ['state'],
  health: ['state'],
  strategy: ['state'],
  priority: ['state'],
  reset: ['state'],
  budget: ['budget', 'state'],
  config: ['providers', 'state', 'prices'],
};
/** What new ledger rows make stale. */
const LEDGER_STALE: Topic[] = ['overview', 'costs', 'budget', 'state'];

export interface LiveOptions {
  minIntervalMs?: number;
  tailFastMs?: number;
  tailSlowMs?: number;
  stream?: Partial<StreamOptions>;
  url?: (after: number | null) => string;
}

export class Live {
  readonly refetch: Record<Topic, Coalescer>;
  private readonly watchers = new Map<Topic, number>();
  private stream: EventStream | null = null;
  private tailTimer: ReturnType<typeof setTimeout> | null = null;
  private lastRoute = 0;
  private stopped = false;
  private readonly fastMs: number;
  private readonly slowMs: number;

  constructor(private readonly opts: LiveOptions = {}) {
    const min = opts.minIntervalMs ?? 1000;
    this.fastMs = opts.tailFastMs ?? 2000;
    this.slowMs = opts.tailSlowMs ?? 10_000;
    const make = (t: Topic) => coalesce(loaders[t], { minIntervalMs: min });
    this.refetch = {
      state: make('state'),
      providers: make('providers'),
      overview: make('overview'),
      costs: make('costs'),
      budget: make('budget'),
      prices: make('prices'),
      // The tail: its result says whether the ledger changed.
      requests: coalesce(async () => {
        const fresh = await useRequests.getState().poll();
        if (fresh > 0) for (const t of LEDGER_STALE) this.stale(t);
      }, { minIntervalMs: min }),
    };
  }

  start(url: (after: number | null) => string): void {
    this.stopped = false;
    this.stream = new EventStream({
      url,
      replayOnStart: true,
      onEvent: (e) => this.onEvent(e),
      onStatus: (s) => useEvents.getState().setStatus(s),
      onResync: () => {
        for (const t of Object.keys(this.refetch) as Topic[]) this.stale(t);
      },
      ...this.opts.stream,
    });
    this.stream.start();
    void this.refetch.requests.now();
  }

  stop(): void {
    this.stopped = true;
    this.stream?.stop();
    this.stream = null;
    if (this.tailTimer) clearTimeout(this.tailTimer);
    this.tailTimer = null;
    for (const c of Object.values(this.refetch)) c.cancel();
  }

  /** A page shows this topic: load it now and keep it fresh while mounted. */
  watch(topic: Topic): () => void {
    this.watchers.set(topic, (this.watchers.get(topic) ?? 0) + 1);
    void this.refetch[topic].now();
    return () => this.watchers.set(topic, Math.max(0, (this.watchers.get(topic) ?? 1) - 1));
  }

  watched(topic: Topic): boolean {
    return topic === 'state' || topic === 'requests' || (this.watchers.get(topic) ?? 0) > 0;
  }

  /** Mark a topic stale: refetched (coalesced) if a page shows it. */
  stale(topic: Topic): void {
    if (this.watched(topic)) this.refetch[topic].request();
  }

  onEvent(e: GatewayEvent): void {
    useEvents.getState().add(e);
    for (const t of STALE[e.type] ?? []) this.stale(t);
    if (e.type === 'route') this.kickTail(e.at);
    if (e.type === 'budget' && Date.now() - e.at < 60_000) {
      toast(e.threshold >= 1 ? 'error' : 'warning', e.reason);
    }
  }

  /** A request was routed: follow the ledger until its row is written. */
  kickTail(at = Date.now()): void {
    this.lastRoute = Math.max(this.lastRoute, Math.min(at, Date.now()));
    if (!this.tailTimer && !this.stopped) this.scheduleTail(Math.min(500, this.fastMs));
  }

  private scheduleTail(wait: number): void {
    this.tailTimer = setTimeout(() => {
      this.tailTimer = null;
      if (this.stopped) return;
      this.refetch.requests.request();
      const since = Date.now() - this.lastRoute;
      if (since < 30_000) this.scheduleTail(this.fastMs);
      else if (since < 600_000) this.scheduleTail(this.slowMs);
    }, wait);
  }
}

let live: Live | null = null;

export function getLive(): Live {
  live ??= new Live();
  return live;
}

export function setLive(next: Live | null): void {
  live = next;
}

/** Keep topics fresh while the calling component is mounted. */
export function useWatch(...topics: Topic[]): void {
  const key = topics.join(',');
  useEffect(() => {
    const l = getLive();
    const undo = key.split(',').filter(Boolean).map((t) => l.watch(t as Topic));
    return () => undo.forEach((u) => u());
  }, [key]);
}

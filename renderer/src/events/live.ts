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
import { EventStream, type StreamOptions, type StreamStatus } from './stream';

// Live updates: the event stream fans out to the stores. Each topic (one store's
// data) has one Coalescer, so a burst of events fetches each endpoint at most once
// a second, and only topics a mounted page watches are fetched at all. There is
// no polling: the gateway records a request's ledger row before it emits the
// request's route event, and every /api/usage answer writes pending rows first
// (proxy/test/integration/routing-api.test.ts), so a refetch caused by the event
// already sees the row. Only while the stream is down (and the window visible) is
// there a slow safety refresh, once a minute.

export type Topic = 'state' | 'routing' | 'providers' | 'overview' | 'costs' | 'budget' | 'requests' | 'prices';

const loaders: Record<Topic, () => Promise<unknown>> = {
  state: () => useGateway.getState().load(),
  routing: () => useGateway.getState().loadRouting(),
  providers: () => useProviders.getState().load(),
  overview: () => useOverview.getState().load(),
  costs: () => useCosts.getState().load(),
  budget: () => useBudget.getState().load(),
  requests: () => useRequests.getState().poll(),
  prices: () => usePrices.getState().load(),
};
const TOPICS = Object.keys(loaders) as Topic[];

/** What a finished request changes: the request log and every figure computed from it. */
const LEDGER: Topic[] = ['requests', 'overview', 'costs', 'budget'];

/** What each event type makes stale. */
const STALE: Record<GatewayEvent['type'], Topic[]> = {
  route: ['state', ...LEDGER],
  // A failover that ends the plan (to: null) is a failed request: its row is written right after.
  failover: ['state', ...LEDGER],
  retry: ['state'],
  circuit: ['state'],
  cooldown: ['state'],
  health: ['state'],
  strategy: ['state'],
  priority: ['state'],
  reset: ['state'],
  routing: ['routing', 'prices'],
  budget: ['budget', 'state'],
  config: ['providers', 'state', 'routing', 'prices'],
};

export interface LiveOptions {
  minIntervalMs?: number;
  /** The safety refresh while the stream is down (default 60 s). */
  safetyMs?: number;
  stream?: Partial<StreamOptions>;
  /** Whether the window is on screen (default: document.visibilityState). */
  visible?: () => boolean;
}

export class Live {
  readonly refetch: Record<Topic, Coalescer>;
  private readonly watchers = new Map<Topic, number>();
  private stream: EventStream | null = null;
  private safety: ReturnType<typeof setInterval> | null = null;
  private status: StreamStatus = 'stopped';

  constructor(private readonly opts: LiveOptions = {}) {
    const min = opts.minIntervalMs ?? 1000;
    this.refetch = Object.fromEntries(TOPICS.map((t) => [t, coalesce(loaders[t], { minIntervalMs: min })])) as Record<Topic, Coalescer>;
  }

  start(url: (after: number | null) => string): void {
    this.stream = new EventStream({
      url,
      replayOnStart: true,
      onEvent: (e) => this.onEvent(e),
      onStatus: (s) => {
        this.status = s;
        useEvents.getState().setStatus(s);
      },
      onResync: () => {
        for (const t of TOPICS) this.stale(t);
      },
      ...this.opts.stream,
    });
    this.stream.start();
    const visible = this.opts.visible ?? (() => typeof document === 'undefined' || document.visibilityState === 'visible');
    this.safety = setInterval(() => {
      // Events cannot tell us about changes while disconnected; a slow look keeps the pages roughly current.
      if (this.status !== 'live' && visible()) for (const t of TOPICS) this.stale(t);
    }, this.opts.safetyMs ?? 60_000);
  }

  stop(): void {
    this.stream?.stop();
    this.stream = null;
    if (this.safety) clearInterval(this.safety);
    this.safety = null;
    for (const c of Object.values(this.refetch)) c.cancel();
  }

  /** A page shows this topic: load it now and keep it fresh while mounted. */
  watch(topic: Topic): () => void {
    this.watchers.set(topic, (this.watchers.get(topic) ?? 0) + 1);
    void this.refetch[topic].now();
    return () => this.watchers.set(topic, Math.max(0, (this.watchers.get(topic) ?? 1) - 1));
  }

  watched(topic: Topic): boolean {
    return topic === 'state' || (this.watchers.get(topic) ?? 0) > 0;
  }

  /** Mark a topic stale: refetched (coalesced) if a page shows it. */
  stale(topic: Topic): void {
    if (this.watched(topic)) this.refetch[topic].request();
  }

  onEvent(e: GatewayEvent): void {
    useEvents.getState().add(e);
    for (const t of STALE[e.type] ?? []) this.stale(t);
    if (e.type === 'budget' && Date.now() - e.at < 60_000) {
      toast(e.threshold >= 1 ? 'error' : 'warning', e.reason);
    }
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

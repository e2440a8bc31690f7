import { EVENT_TYPES, type GatewayEvent } from '../api/types';

// One EventSource on /api/events. Every event is handed to onEvent; the last id
// seen is kept, so a reconnect replays exactly what was missed (the gateway takes
// ?after=<id> as it takes Last-Event-ID, which EventSource cannot be given by
// hand). On an error the source is closed and reopened after an exponential
// backoff with jitter (1 s doubling to 30 s), instead of the browser's fixed retry.

export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'stopped';

export interface EventSourceLike {
  addEventListener(type: string, listener: (e: MessageEvent) => void): void;
  close(): void;
  onopen: ((e: Event) => void) | null;
  onerror: ((e: Event) => void) | null;
}

export interface StreamOptions {
  url: (after: number | null) => string;
  onEvent: (e: GatewayEvent) => void;
  onStatus?: (s: StreamStatus) => void;
  /** Called after a reconnect: events may have been missed beyond the gateway's replay ring. */
  onResync?: () => void;
  /** First connection replays what the gateway still holds (after=0) when true. */
  replayOnStart?: boolean;
  createSource?: (url: string) => EventSourceLike;
  initialDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
}

export class EventStream {
  private source: EventSourceLike | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private opened = false;
  private stopped = true;
  lastId: number | null = null;

  constructor(private readonly opts: StreamOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect(this.opts.replayOnStart ? 0 : null);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.source?.close();
    this.source = null;
    this.opts.onStatus?.('stopped');
  }

  /** The wait before reconnect attempt n (1-based): 1 s, 2 s, 4 s ... 30 s, each scaled by 0.5-1.0. */
  delayFor(n: number): number {
    const base = Math.min(this.opts.maxDelayMs ?? 30_000, (this.opts.initialDelayMs ?? 1000) * 2 ** Math.min(n - 1, 16));
    return Math.round(base * (0.5 + (this.opts.random ?? Math.random)() / 2));
  }

  private connect(after: number | null): void {
    this.opts.onStatus?.(this.opened ? 'reconnecting' : 'connecting');
    const create = this.opts.createSource ?? ((url: string) => new EventSource(url) as unknown as EventSourceLike);
    const src = create(this.opts.url(after));
    this.source = src;
    const handler = (m: MessageEvent) => {
      if (this.source !== src) return;
      let e: GatewayEvent;
      try {
        e = JSON.parse(String(m.data)) as GatewayEvent;
      } catch {
        return;
      }
      const id = typeof e.id === 'number' ? e.id : Number(m.lastEventId);
      if (Number.isFinite(id)) {
        if (this.lastId !== null && id <= this.lastId) return; // already seen (replay overlap)
        this.lastId = id;
      }
      this.opts.onEvent(e);
    };
    for (const type of EVENT_TYPES) src.addEventListener(type, handler);
    src.onopen = () => {
      if (this.source !== src) return;
      const wasReconnect = this.opened && this.failures > 0;
      this.failures = 0;
      this.opened = true;
      this.opts.onStatus?.('live');
      if (wasReconnect) this.opts.onResync?.();
    };
    src.onerror = () => {
      if (this.source !== src || this.stopped) return;
      src.close();
      this.source = null;
      this.failures++;
      if (!this.opened) this.opened = true; // the first connection failed: later ones are reconnects
      this.opts.onStatus?.('reconnecting');
      this.timer = setTimeout(() => {
        this.timer = null;
        if (!this.stopped) this.connect(this.lastId ?? (this.opts.replayOnStart ? 0 : null));
      }, this.delayFor(this.failures));
    };
  }
}

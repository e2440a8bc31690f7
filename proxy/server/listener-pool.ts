import type { FastifyInstance } from 'fastify';
import type { ResolvedPort, Settings } from '../config/resolve.js';
import type { ListenerContext } from './context.js';
import { createListener } from './listener.js';

// The gateway's listeners, one per port binding, as they change while running:
// bound at start, added and retired when providers change, stopped and started
// one at a time from the admin API. A retired listener stops accepting at once;
// requests in flight on it finish (stop() waits for them).

export interface ListeningPort extends ResolvedPort {
  url: string;
}

export interface PortEntry {
  /** As configured (port 0 = any free port). */
  configured: ResolvedPort;
  /** What the listener serves; `port` is the one actually bound. Its ListenerContext holds this object. */
  readonly bound: ResolvedPort;
  readonly lc: ListenerContext;
  /** null while stopped. */
  app: FastifyInstance | null;
}

export interface PortPlan {
  /** Existing listeners that stay, with their binding in the new settings. */
  keep: Array<[PortEntry, ResolvedPort]>;
  add: ResolvedPort[];
  remove: PortEntry[];
}

const STOP_WAIT_MS = 5_000;
const IDLE_SWEEP_MS = 250;

export class ListenerPool {
  private entries: PortEntry[] = [];
  /** Listeners closing in the background (in-flight requests finishing). */
  private readonly closing = new Map<Promise<void>, FastifyInstance>();

  constructor(
    private readonly host: () => string,
    private readonly context: (bound: ResolvedPort, settings: Settings) => ListenerContext,
  ) {}

  /** Running listeners, in binding order. */
  get listening(): ListeningPort[] {
    return this.entries.filter((e) => e.app).map((e) => ({ ...e.bound, url: this.url(e.bound.port) }));
  }

  /** Every binding, running or stopped. */
  get all(): readonly PortEntry[] {
    return this.entries;
  }

  find(port: number): PortEntry | undefined {
    return this.entries.find((e) => e.bound.port === port);
  }

  url(port: number): string {
    const host = this.host();
    return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  /**
   * Which listeners stay, start and go for `next`. A fixed port number keeps its
   * listener even when another provider takes it over; port-0 bindings are matched by
   * what they serve. The router and provider routes differ, so those never swap.
   */
  plan(next: readonly ResolvedPort[]): PortPlan {
    const free = new Set(this.entries);
    const keep: PortPlan['keep'] = [];
    const add: ResolvedPort[] = [];
    for (const np of next) {
      const match = [...free].find((e) =>
        np.port !== 0 ? e.configured.port === np.port && (e.configured.use === 'router') === (np.use === 'router') : e.configured.port === 0 && e.configured.use === np.use,
      );
      if (match) {
        free.delete(match);
        keep.push([match, np]);
      } else {
        add.push(np);
      }
    }
    return { keep, add, remove: [...free] };
  }

  /** Binds new listeners (not yet part of the pool). On a failure, closes the ones it bound and throws. */
  async open(ports: readonly ResolvedPort[], settings: Settings): Promise<PortEntry[]> {
    const opened: PortEntry[] = [];
    try {
      for (const configured of ports) {
        // A copy, so the listener reports the port actually bound when the config says 0.
        const bound: ResolvedPort = { ...configured };
        const entry: PortEntry = { configured, bound, lc: this.context(bound, settings), app: null };
        entry.app = await this.listen(entry.lc, configured.port, settings.host);
        bound.port = portOf(entry.app, configured.port);
        opened.push(entry);
      }
    } catch (err) {
      await this.discard(opened);
      throw err;
    }
    return opened;
  }

  /** Closes listeners opened by open() that will not be used after all. */
  async discard(entries: readonly PortEntry[]): Promise<void> {
    await Promise.all(entries.map((e) => e.app?.close()));
  }

  /** Makes `next` the pool: kept listeners get their new binding and settings, new ones join, removed ones stop accepting. */
  async adopt(plan: PortPlan, opened: readonly PortEntry[], settings: Settings): Promise<void> {
    for (const [entry, np] of plan.keep) {
      entry.configured = np;
      entry.bound.use = np.use;
      entry.bound.fallbackToRouter = np.fallbackToRouter;
      entry.lc.settings = settings;
    }
    const removed = new Set(plan.remove);
    this.entries = [...this.entries.filter((e) => !removed.has(e)), ...opened];
    await Promise.all(plan.remove.map((e) => this.retire(e)));
  }

  /** Stops one listener (its binding stays, to be started again). */
  async stop(entry: PortEntry): Promise<void> {
    await this.retire(entry);
  }

  /** Starts a stopped listener again on the port it had. */
  async start(entry: PortEntry, host: string): Promise<void> {
    if (entry.app) return;
    entry.app = await this.listen(entry.lc, entry.bound.port, host);
  }

  /** Stops every listener and waits for requests in flight. */
  async closeAll(): Promise<void> {
    const entries = this.entries.splice(0);
    await Promise.all(entries.map((e) => this.retire(e)));
    await Promise.all([...this.closing.keys()]);
  }

  /** Ends every connection of the listeners still closing: the last step of a bounded stop. */
  forceClose(): void {
    for (const app of this.closing.values()) app.server.closeAllConnections();
  }

  private async listen(lc: ListenerContext, port: number, host: string): Promise<FastifyInstance> {
    const app = createListener(lc);
    try {
      await app.listen({ port, host });
    } catch (err) {
      await app.close().catch(() => {});
      throw err;
    }
    return app;
  }

  /** Stops accepting now; requests in flight finish in the background (closeAll waits for them). */
  private async retire(entry: PortEntry): Promise<void> {
    const app = entry.app;
    if (!app) return;
    entry.app = null;
    // Connections busy at close time stay open when their request ends (keep-alive), and close()
    // waits for them: close each one as it goes idle.
    const sweep = setInterval(() => app.server.closeIdleConnections(), IDLE_SWEEP_MS);
    const done = app.close().then(
      () => {},
      () => {},
    );
    this.closing.set(done, app);
    void done.finally(() => {
      clearInterval(sweep);
      this.closing.delete(done);
    });
    // The listening socket goes in the first steps of close(); do not wait for open streams.
    const until = Date.now() + STOP_WAIT_MS;
    while (app.server.listening && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
  }
}

function portOf(app: FastifyInstance, fallback: number): number {
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : fallback;
}

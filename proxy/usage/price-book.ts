import type { Logger } from 'pino';
import type { ResolvedProvider, Settings } from '../config/resolve.js';
import { catalogRequest } from '../providers/catalog.js';
import type { UpstreamClient } from '../upstream/client.js';
import type { CostResult } from './cost.js';
import { LivePriceFile, type SavedList } from './live-price-file.js';
import { livePrices, parseOpenRouterPrices } from './openrouter-prices.js';
import { priceFor, type ModelPrice, type PriceLookup } from './prices.js';

// The Gateway's prices: config, then live lists, then the bundled table (prices.ts).
// Live lists are OpenRouter's model list, fetched off the request path: at start
// (unless the saved list is still fresh), then every refreshMs; a failed fetch is
// logged once, retried every retryMs, and meanwhile the last good list (kept in
// the state dir) or the bundled table prices. Lookups stay synchronous map reads.

export interface PriceBookOptions {
  /** Fetch live lists (default true). Tests turn it off so scripted upstreams see only their own requests. */
  fetch?: boolean;
  /** Between successful fetches (default 24 h). */
  refreshMs?: number;
  /** After a failed fetch (default 1 h). */
  retryMs?: number;
  /** Per fetch (default 15 s). */
  timeoutMs?: number;
}

export interface PriceBookDeps {
  client?: UpstreamClient;
  /** Where the last good lists are saved; none: nothing is saved or loaded. */
  stateDir?: string;
  log?: Logger;
}

/** A provider's live list as /api/prices shows it. */
export interface LiveStatus {
  /** "openrouter.ai/api/v1/models, fetched <ISO time>", or null before the first list. */
  source: string | null;
  fetchedAt: string | null;
  models: number;
  /** Why the last fetch failed, while it keeps failing. */
  error: string | null;
  nextFetchAt: string | null;
}

interface LiveList extends SavedList {
  source: string;
  prices: Map<string, ModelPrice>;
}

/** Provider types whose model list carries prices (OpenRouter's `pricing`). */
const LIVE_TYPES = new Set(['openrouter']);
const DAY_MS = 24 * 3600_000;
const HOUR_MS = 3600_000;
const TIMEOUT_MS = 15_000;
/** Drift is warned about once per provider+model; this bounds the memory of that. */
const MAX_DRIFT_KEYS = 1000;

export class PriceBook implements PriceLookup {
  private readonly lists = new Map<string, LiveList>();
  private readonly errors = new Map<string, string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly nextAt = new Map<string, number>();
  private readonly inflight = new Map<string, Promise<boolean>>();
  private readonly drifted = new Set<string>();
  private readonly file: LivePriceFile | null;
  private readonly fetching: boolean;
  private readonly refreshMs: number;
  private readonly retryMs: number;
  private readonly timeoutMs: number;
  private abort = new AbortController();
  private running = false;
  /** Bumped with every live list installed (PriceLookup.version). */
  version = 0;

  /** `settings` is a getter so a reloaded configuration is priced without a new book. */
  constructor(
    private readonly settings: () => Settings,
    private readonly deps: PriceBookDeps = {},
    opts: PriceBookOptions = {},
  ) {
    this.file = deps.stateDir ? new LivePriceFile(deps.stateDir, deps.log) : null;
    this.fetching = (opts.fetch ?? true) && deps.client !== undefined;
    this.refreshMs = opts.refreshMs ?? DAY_MS;
    this.retryMs = opts.retryMs ?? HOUR_MS;
    this.timeoutMs = opts.timeoutMs ?? TIMEOUT_MS;
  }

  /** The effective price of a provider's model (config > live > bundled); null when unknown. */
  priceFor(provider: ResolvedProvider, model: string): ModelPrice | null {
    return priceFor(provider, model, this.lists.get(provider.id)?.prices);
  }

  /** Enabled providers with a live price list. */
  liveProviders(): ResolvedProvider[] {
    return [...this.settings().providers.values()].filter((p) => LIVE_TYPES.has(p.type) && catalogRequest(p) !== null);
  }

  /** Loads the saved lists (awaited: quick, local), then schedules fetches in the background. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    if (this.abort.signal.aborted) this.abort = new AbortController();
    await this.loadSaved();
    if (!this.fetching || !this.running) return;
    for (const p of this.liveProviders()) {
      const saved = this.lists.get(p.id);
      this.schedule(p.id, saved ? Math.max(0, saved.fetchedAt + this.refreshMs - Date.now()) : 0);
    }
  }

  /**
   * The providers changed while running: a new live-priced provider gets its list
   * fetched (or the saved one used), and a removed one's timer stops. Lists already
   * held are kept: they are keyed by provider id and cost nothing unused.
   */
  sync(): void {
    if (!this.running || !this.fetching) return;
    const live = new Set(this.liveProviders().map((p) => p.id));
    for (const [id, timer] of this.timers) {
      if (live.has(id)) continue;
      clearTimeout(timer);
      this.timers.delete(id);
      this.nextAt.delete(id);
    }
    for (const id of live) {
      if (this.timers.has(id) || this.inflight.has(id)) continue;
      const saved = this.lists.get(id);
      this.schedule(id, saved ? Math.max(0, saved.fetchedAt + this.refreshMs - Date.now()) : 0);
    }
  }

  /** Cancels timers and fetches in flight, and waits for the last save. */
  async stop(): Promise<void> {
    this.running = false;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.nextAt.clear();
    this.abort.abort();
    await Promise.all(this.inflight.values());
    await this.file?.flush();
  }

  /** Fetches one provider's list now (joining a fetch in flight); true when a new list is in use. */
  refresh(providerId: string): Promise<boolean> {
    const pending = this.inflight.get(providerId);
    if (pending) return pending;
    const provider = this.liveProviders().find((p) => p.id === providerId);
    if (!provider || !this.deps.client) return Promise.resolve(false);
    const run = this.fetchList(provider).finally(() => this.inflight.delete(providerId));
    this.inflight.set(providerId, run);
    return run;
  }

  /** A live provider's list state; null for providers without one. */
  liveStatus(providerId: string): LiveStatus | null {
    const provider = this.liveProviders().find((p) => p.id === providerId);
    if (!provider) return null;
    const list = this.lists.get(providerId);
    const next = this.nextAt.get(providerId);
    return {
      source: list?.source ?? null,
      fetchedAt: list ? new Date(list.fetchedAt).toISOString() : null,
      models: list?.prices.size ?? 0,
      error: this.errors.get(providerId) ?? null,
      nextFetchAt: next === undefined ? null : new Date(next).toISOString(),
    };
  }

  /** Model ids in a provider's live list. */
  liveModels(providerId: string): string[] {
    return [...(this.lists.get(providerId)?.prices.keys() ?? [])];
  }

  /**
   * Warns once per provider+model when our cost and the provider's own figure
   * disagree (cost.ts decides what counts as drift), so a wrong price is noticed
   * without a warning per request.
   */
  noteDrift(providerId: string, model: string, cost: CostResult, price: ModelPrice | null): void {
    if (!cost.drift) return;
    const key = `${providerId}\n${model}`;
    if (this.drifted.has(key) || this.drifted.size >= MAX_DRIFT_KEYS) return;
    this.drifted.add(key);
    this.deps.log?.warn(
      { provider: providerId, model, costUsd: cost.costUsd, providerCostUsd: cost.providerCostUsd, driftUsd: cost.driftUsd, priceSource: price?.source ?? null },
      `cost drift on ${providerId} ${model}: our price gives $${cost.costUsd}, ${providerId} reports $${cost.providerCostUsd}; both are recorded (check the price; said once per model)`,
    );
  }

  private schedule(providerId: string, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(providerId);
      void this.refresh(providerId).then((ok) => {
        if (this.running) this.schedule(providerId, ok ? this.refreshMs : this.retryMs);
      });
    }, delayMs);
    // Price refreshes never keep the process alive on their own.
    timer.unref();
    this.timers.set(providerId, timer);
    this.nextAt.set(providerId, Date.now() + delayMs);
  }

  private async fetchList(provider: ResolvedProvider): Promise<boolean> {
    const req = catalogRequest(provider)!;
    const id = provider.id;
    try {
      const { status, json } = await this.deps.client!.getJson(req.url, req.headers, this.timeoutMs, this.abort.signal);
      if (status < 200 || status >= 300) throw new Error(`HTTP ${status}`);
      const rates = parseOpenRouterPrices(json);
      if (rates.size === 0) throw new Error('the model list holds no usable prices');
      this.adopt(id, { url: req.url, fetchedAt: Date.now(), rates });
      const recovered = this.errors.delete(id);
      this.deps.log?.info({ provider: id, models: rates.size }, recovered ? 'live prices fetched again' : 'live prices fetched');
      if (this.file) void this.file.save(this.lists);
      return true;
    } catch (err) {
      if (this.abort.signal.aborted) return false;
      const why = describeError(err);
      if (!this.errors.has(id)) {
        const fallback = this.lists.has(id) ? 'the list fetched earlier' : 'the bundled price table';
        this.deps.log?.warn({ provider: id, url: req.url, err: why }, `cannot fetch ${id}'s live prices; using ${fallback} (retrying quietly)`);
      }
      this.errors.set(id, why);
      return false;
    }
  }

  private adopt(providerId: string, saved: SavedList): void {
    const u = new URL(saved.url);
    const at = new Date(saved.fetchedAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const source = `${u.host}${u.pathname}, fetched ${at}`;
    this.lists.set(providerId, { ...saved, source, prices: livePrices(saved.rates, source) });
    this.version++;
  }

  private async loadSaved(): Promise<void> {
    if (!this.file) return;
    const saved = await this.file.load();
    for (const p of this.liveProviders()) {
      const entry = saved.get(p.id);
      // A list fetched from another URL (the base URL changed) says nothing about this one.
      if (entry && entry.url === catalogRequest(p)?.url && !this.lists.has(p.id)) this.adopt(p.id, entry);
    }
  }
}

function describeError(err: unknown): string {
  const e = err as { code?: string; name?: string; message?: string };
  if (e?.name === 'TimeoutError' || e?.code === 'UND_ERR_HEADERS_TIMEOUT' || e?.code === 'UND_ERR_BODY_TIMEOUT') return 'timed out';
  if (e?.code === 'ECONNREFUSED') return 'connection refused';
  if (e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN') return 'host name not resolved';
  return e?.message ?? String(err);
}

import type { Logger } from 'pino';
import { cheapestLabel } from './budget/downgrade.js';
import { ledgerSpendSince } from './budget/seed.js';
import { BudgetTracker } from './budget/tracker.js';
import type { ProviderStore } from './config/provider-store.js';
import type { Env, ResolvedPort, Settings } from './config/resolve.js';
import { defaultStateDir } from './config/state-file.js';
import { reconfigure, type ReconfigureOptions } from './gateway-reconfigure.js';
import { ProviderManager } from './gateway-providers.js';
import { createLogger, secretRedactor, type Redact } from './log.js';
import { GatewayMetrics } from './metrics/index.js';
import { CatalogCache } from './providers/catalog.js';
import { HealthProber, type HealthProberOptions } from './router/health-probe.js';
import { RouterRuntime } from './router/runtime.js';
import type { Clock } from './router/state.js';
import { defaultLedgerPath, UsageLedger } from './usage/ledger/index.js';
import { PriceBook, type PriceBookOptions } from './usage/price-book.js';
import { UsageRecorder } from './usage/recorder.js';
import { prepareAdmin, type AdminContext } from './server/admin/setup.js';
import type { ListenerContext } from './server/context.js';
import { ListenerPool, type ListeningPort } from './server/listener-pool.js';
import { defaultUiDir } from './server/ui.js';
import { UpstreamClient } from './upstream/client.js';
import { VERSION } from './version.js';

export type { ListeningPort } from './server/listener-pool.js';

/** How long stop() lets requests in flight finish on their own. */
const DRAIN_MS = 10_000;
/** After they were told to end: how long their responses may take to go out before connections are cut. */
const FORCE_MS = 2_000;

/** True when `p` settled within `ms`. */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([p.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The whole gateway: one listener per port binding, sharing one upstream
 * client (keep-alive pools) and catalog cache. The desktop app owns one of
 * these and only drives it; `switchboard serve` does the same headless.
 */
export class Gateway {
  private current: Settings;
  readonly log: Logger;
  /** @internal Upstream keep-alive pools (connection tests reuse them). */
  readonly client: UpstreamClient;
  /** @internal Model lists per provider. */
  readonly catalogs: CatalogCache;
  /** Live routing state (breakers, rate limits, latency, strategy) and the event stream. */
  readonly router: RouterRuntime;
  /** Active health probes (router.healthCheckIntervalS); results land in `router`. */
  readonly health: HealthProber;
  /** @internal The listeners, one per port binding (started, stopped and changed while running). */
  readonly pool: ListenerPool;
  /** Removes every configured key (and run-time token) from what reaches clients and logs. */
  readonly redact: Redact;
  /** Where providers come from and where API edits are saved; null: fixed settings (no provider editing). */
  readonly providerStore: ProviderStore | null;
  /** Adds, edits and removes providers while running (the admin API's /api/providers). */
  readonly providers: ProviderManager;
  /** The window's build served at /ui on router ports; null: no /ui. */
  readonly uiDir: string | null;
  /** Admin API token and saved routing choices; set by start(). */
  admin: AdminContext | null = null;
  /** Where the admin token and saved routing choices live (state.json, admin-token). */
  readonly stateDir: string;
  private readonly env: Env;
  /** Where each finished request's usage row goes: the ledger, budgets, metrics. */
  readonly usage = new UsageRecorder();
  private readonly ledgerPath: string | null;
  /** Prometheus metrics (GET /metrics); null when metrics.enabled is false. */
  readonly metrics: GatewayMetrics | null;
  /** Effective prices (config > live OpenRouter list > bundled table) for routing, the ledger and /api/prices. */
  readonly prices: PriceBook;

  /** Spending budgets: spend per hour and day from the usage rows, alerts on the event bus, block/downgrade. */
  readonly budget: BudgetTracker;

  /** `ledgerPath`: the ledger file (overrides usage.dbPath); null disables recording. `budgetClock`: the budget windows' clock (tests). */
  /** Obtain run-time credentials at start (default true; tests that count token requests turn it off). */
  private readonly warmAuth: boolean;
  private startedAt = Date.now();
  /** Aborted by stop() once the drain time is over: requests still running end with an error. */
  private shutdown = new AbortController();

  /**
   * `providerStore`: the config and state-dir files `settings` were resolved from (ProviderStore.resolve());
   * with it, providers can be changed through the admin API and the changes are saved. `uiDir`: the window's
   * build (default renderer/dist of this package; null turns /ui off).
   */
  constructor(settings: Settings, opts: { logger?: Logger; healthProbes?: HealthProberOptions; stateDir?: string; env?: Env; ledgerPath?: string | null; prices?: PriceBookOptions; budgetClock?: Clock; warmAuth?: boolean; providerStore?: ProviderStore; uiDir?: string | null } = {}) {
    this.current = settings;
    this.warmAuth = opts.warmAuth ?? true;
    this.providerStore = opts.providerStore ?? null;
    this.uiDir = opts.uiDir !== undefined ? opts.uiDir : defaultUiDir();
    this.log = opts.logger ?? createLogger(settings.logLevel);
    this.client = new UpstreamClient(settings.timeouts);
    this.catalogs = new CatalogCache(this.client);
    this.router = new RouterRuntime(settings);
    this.env = opts.env ?? this.providerStore?.env ?? process.env;
    this.stateDir = opts.stateDir ?? this.providerStore?.stateDir ?? defaultStateDir(this.env);
    this.health = new HealthProber(() => this.settings, this.client, this.router, opts.healthProbes);
    // Subscribing makes the recorder build a row per request even with the ledger off.
    this.metrics = settings.metrics.enabled ? new GatewayMetrics({ usage: this.usage, router: this.router, providers: () => this.settings.providers.keys(), version: VERSION }) : null;
    this.prices = new PriceBook(() => this.settings, { client: this.client, stateDir: this.stateDir, log: this.log }, opts.prices);
    this.router.prices = this.prices;
    this.ledgerPath = opts.ledgerPath !== undefined ? opts.ledgerPath : settings.usage.enabled ? (settings.usage.dbPath ?? defaultLedgerPath(this.env)) : null;
    this.budget = new BudgetTracker(settings.budgets, {
      clock: opts.budgetClock,
      emit: (alert) => this.router.events.emit(alert),
      cheapest: () => cheapestLabel(this.settings.providers, this.prices),
    });
    this.budget.attach(this.usage);
    this.redact = secretRedactor([...settings.providers.values()].map((p) => p.apiKey).concat(settings.clientApiKey));
    this.pool = new ListenerPool(() => this.current.host, (bound, s) => this.listenerContext(bound, s));
    this.providers = new ProviderManager(this);
  }

  /** The settings in effect (replaced as a whole when providers change while running). */
  get settings(): Settings {
    return this.current;
  }

  private listenerContext(port: ResolvedPort, settings: Settings): ListenerContext {
    return { settings, port, client: this.client, catalogs: this.catalogs, router: this.router, redact: this.redact, log: this.log, startedAt: this.startedAt, version: VERSION, admin: this.admin, usage: this.usage, metrics: this.metrics, prices: this.prices, budget: this.budget, uiDir: this.uiDir, shutdown: this.shutdown.signal };
  }

  /**
   * Replaces the running settings (providers and ports changed through the admin API):
   * see gateway-reconfigure.ts. Throws, with nothing changed, when a new port cannot be
   * bound or `commit` fails.
   */
  async applySettings(next: Settings, opts: ReconfigureOptions): Promise<void> {
    await reconfigure(
      { pool: this.pool, router: this.router, redact: this.redact, catalogs: this.catalogs, prices: this.prices, log: this.log, warmAuth: this.warmAuth, adopt: (s) => (this.current = s) },
      this.current,
      next,
      opts,
    );
  }

  /** The usage ledger (one row per request); null when disabled or when it could not be opened. */
  get ledger(): UsageLedger | null {
    return this.usage.ledger;
  }

  /** Opens the ledger; a gateway that cannot record usage still routes (and says why in the log). */
  private openLedger(): void {
    if (!this.ledgerPath || this.usage.ledger) return;
    try {
      const ledger = UsageLedger.open(this.ledgerPath, { retentionDays: this.settings.usage.retentionDays });
      this.usage.ledger = ledger;
      ledger.onError((err) => this.log.warn({ err: err.message }, 'usage ledger write failed; rows are kept for the next try'));
    } catch (err) {
      this.log.warn({ path: this.ledgerPath, err: (err as Error).message }, 'usage ledger could not be opened; usage is not recorded');
    }
  }

  /** This hour's and today's spend so far, so a restart does not reset the budgets. */
  private seedBudget(ledger: UsageLedger): void {
    try {
      this.budget.seed(ledgerSpendSince(ledger));
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'could not read spend so far from the usage ledger; budgets count from zero');
    }
  }

  /** Binds every port; if one cannot be bound, the ones already bound are closed again. */
  async start(): Promise<ListeningPort[]> {
    // Run-time credentials (Google OAuth) register their tokens and key material with the redactor.
    for (const p of this.settings.providers.values()) p.authHook?.bind?.({ redact: this.redact, log: this.log });
    this.startedAt = Date.now();
    this.shutdown = new AbortController();
    if (this.providerStore) this.log.info({}, this.providerStore.keyReport(this.settings));
    // Saved strategy/priority are applied before the first request can be routed.
    this.admin = await prepareAdmin({ settings: this.settings, router: this.router, budget: this.budget, stateDir: this.stateDir, env: this.env, log: this.log, ports: () => this.pool.listening, enabled: () => this.current.providers.keys(), providers: this.providers });
    this.openLedger();
    await this.prices.start();
    // After saved budget changes are applied, so alerts for spend already in the ledger use the live limits.
    if (this.usage.ledger) this.seedBudget(this.usage.ledger);
    try {
      const plan = this.pool.plan(this.settings.ports);
      await this.pool.adopt(plan, await this.pool.open(plan.add, this.settings), this.settings);
    } catch (err) {
      await this.stop();
      throw err;
    }
    this.health.start();
    // In the background: a broken credentials setup shows in the log now, and the first request finds a token.
    if (this.warmAuth) for (const p of this.settings.providers.values()) void p.authHook?.warm?.();
    return this.pool.listening;
  }

  /** The running listeners (a port stopped through the admin API is not among them). */
  get ports(): ListeningPort[] {
    return this.pool.listening;
  }

  /**
   * Stops accepting, lets in-flight requests finish for up to `drainMs` (default 10 s), then
   * ends those still running: a started stream with an Anthropic `error` event, others with
   * a 503. Their usage rows are written before the ledger closes. Then releases upstream connections.
   */
  async stop(opts: { drainMs?: number } = {}): Promise<void> {
    // A provider change under way finishes first (it may be binding a port).
    await this.providers.idle();
    await this.health.stop();
    await this.prices.stop();
    const closed = this.pool.closeAll();
    if (!(await settlesWithin(closed, opts.drainMs ?? DRAIN_MS))) {
      this.log.warn({}, 'requests still running when the drain time ended: ending them with an error');
      this.shutdown.abort();
      // A client that does not read its socket cannot hold the quit up either.
      if (!(await settlesWithin(closed, FORCE_MS))) this.pool.forceClose();
      await closed;
    }
    await this.admin?.flush();
    // In-flight requests have finished above, so their rows are in the last batch.
    this.usage.ledger?.close();
    this.usage.ledger = null;
    await this.client.close();
  }
}

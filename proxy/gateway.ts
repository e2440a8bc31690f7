import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { cheapestLabel } from './budget/downgrade.js';
import { ledgerSpendSince } from './budget/seed.js';
import { BudgetTracker } from './budget/tracker.js';
import type { Env, ResolvedPort, Settings } from './config/resolve.js';
import { defaultStateDir } from './config/state-file.js';
import { createLogger, secretRedactor } from './log.js';
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
import { createListener } from './server/listener.js';
import { UpstreamClient } from './upstream/client.js';
import { VERSION } from './version.js';

export interface ListeningPort extends ResolvedPort {
  url: string;
}

/**
 * The whole gateway: one listener per port binding, sharing one upstream
 * client (keep-alive pools) and catalog cache. The desktop app owns one of
 * these and only drives it; `switchboard serve` does the same headless.
 */
export class Gateway {
  readonly settings: Settings;
  readonly log: Logger;
  private readonly client: UpstreamClient;
  private readonly catalogs: CatalogCache;
  /** Live routing state (breakers, rate limits, latency, strategy) and the event stream. */
  readonly router: RouterRuntime;
  /** Active health probes (router.healthCheckIntervalS); results land in `router`. */
  readonly health: HealthProber;
  private readonly apps: FastifyInstance[] = [];
  private listening: ListeningPort[] = [];
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

  constructor(settings: Settings, opts: { logger?: Logger; healthProbes?: HealthProberOptions; stateDir?: string; env?: Env; ledgerPath?: string | null; prices?: PriceBookOptions; budgetClock?: Clock; warmAuth?: boolean } = {}) {
    this.settings = settings;
    this.warmAuth = opts.warmAuth ?? true;
    this.log = opts.logger ?? createLogger(settings.logLevel);
    this.client = new UpstreamClient(settings.timeouts);
    this.catalogs = new CatalogCache(this.client);
    this.router = new RouterRuntime(settings);
    this.env = opts.env ?? process.env;
    this.stateDir = opts.stateDir ?? defaultStateDir(this.env);
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
    const redact = secretRedactor([...this.settings.providers.values()].map((p) => p.apiKey).concat(this.settings.clientApiKey));
    // Run-time credentials (Google OAuth) register their tokens and key material with the redactor.
    for (const p of this.settings.providers.values()) p.authHook?.bind?.({ redact, log: this.log });
    const startedAt = Date.now();
    // Saved strategy/priority are applied before the first request can be routed.
    this.admin = await prepareAdmin({ settings: this.settings, router: this.router, budget: this.budget, stateDir: this.stateDir, env: this.env, log: this.log, ports: () => this.listening });
    this.openLedger();
    await this.prices.start();
    // After saved budget changes are applied, so alerts for spend already in the ledger use the live limits.
    if (this.usage.ledger) this.seedBudget(this.usage.ledger);
    try {
      for (const port of this.settings.ports) {
        // A copy, so the listener reports the port actually bound when the config says 0.
        const bound: ResolvedPort = { ...port };
        const lc: ListenerContext = { settings: this.settings, port: bound, client: this.client, catalogs: this.catalogs, router: this.router, redact, log: this.log, startedAt, version: VERSION, admin: this.admin, usage: this.usage, metrics: this.metrics, prices: this.prices, budget: this.budget };
        const app = createListener(lc);
        this.apps.push(app);
        await app.listen({ port: port.port, host: this.settings.host });
        const address = app.server.address();
        const actual = typeof address === 'object' && address ? address.port : port.port;
        bound.port = actual;
        const host = this.settings.host.includes(':') ? `[${this.settings.host}]` : this.settings.host;
        this.listening.push({ ...port, port: actual, url: `http://${host}:${actual}` });
      }
    } catch (err) {
      await this.stop();
      throw err;
    }
    this.health.start();
    // In the background: a broken credentials setup shows in the log now, and the first request finds a token.
    if (this.warmAuth) for (const p of this.settings.providers.values()) void p.authHook?.warm?.();
    return this.listening;
  }

  get ports(): ListeningPort[] {
    return this.listening;
  }

  /** Stops accepting, lets in-flight requests finish, then releases upstream connections. */
  async stop(): Promise<void> {
    await this.health.stop();
    await this.prices.stop();
    const apps = this.apps.splice(0);
    await Promise.all(apps.map((a) => a.close()));
    this.listening = [];
    await this.admin?.flush();
    // In-flight requests have finished above, so their rows are in the last batch.
    this.usage.ledger?.close();
    this.usage.ledger = null;
    await this.client.close();
  }
}

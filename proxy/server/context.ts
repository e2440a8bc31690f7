import type { Logger } from 'pino';
import type { BudgetTracker } from '../budget/tracker.js';
import type { Redact } from '../log.js';
import type { ResolvedPort, Settings } from '../config/resolve.js';
import type { CatalogCache } from '../providers/catalog.js';
import type { RouterRuntime } from '../router/runtime.js';
import type { PriceBook } from '../usage/price-book.js';
import type { UsageRecorder } from '../usage/recorder.js';
import type { UpstreamClient } from '../upstream/client.js';
import type { GatewayMetrics } from '../metrics/index.js';
import type { AdminContext } from './admin/setup.js';

/**
 * What every route handler of one listener can reach. `settings` is replaced (not
 * mutated) when providers change while running; handlers read it per request, so
 * the request path pays one property read for that.
 */
export interface ListenerContext {
  settings: Settings;
  port: ResolvedPort;
  client: UpstreamClient;
  catalogs: CatalogCache;
  router: RouterRuntime;
  /** Where finished requests' usage rows go (ledger, budgets, metrics); absent in bare listeners. */
  usage?: UsageRecorder;
  /** Effective prices (config, live lists, bundled table) for the ledger and /api/prices; absent in bare listeners. */
  prices?: PriceBook;
  /** Spending budgets: the request path reads only `enforcing`; absent in bare listeners. */
  budget?: BudgetTracker;
  redact: Redact;
  log: Logger;
  startedAt: number;
  version: string;
  /** Admin API token and state; its routes are served on router ports only. */
  admin?: AdminContext | null;
  /** GET /metrics; absent when metrics.enabled is false. */
  metrics?: GatewayMetrics | null;
  /** Aborted when the gateway stops and in-flight requests have had their drain time (Gateway.stop). */
  shutdown?: AbortSignal;
  /** The window's build (renderer/dist) served at /ui on router ports; absent or null: no /ui. */
  uiDir?: string | null;
}

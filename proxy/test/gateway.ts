import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { ProviderStore } from '../config/provider-store.js';
import type { Env } from '../config/resolve.js';
import type { ConfigFile } from '../config/schema.js';
import { ConfigSchema } from '../config/schema.js';
import { Gateway, type ListeningPort } from '../gateway.js';
import type { HealthProberOptions } from '../router/health-probe.js';
import type { PriceBookOptions } from '../usage/price-book.js';
import type { Clock } from '../router/state.js';

export interface RunningGateway {
  gateway: Gateway;
  ports: ListeningPort[];
  /** Base URL of the port bound to `use` ('router' or a provider id). */
  url(use?: string): string;
  close(): Promise<void>;
}

/**
 * Starts a real gateway on free loopback ports. `ports` defaults to a router
 * port plus one port per configured provider, all on port 0. Health probes are
 * off unless the config sets router.healthCheckIntervalS or `healthProbes` is
 * given, so scripted upstreams see only the requests a test makes. The state
 * dir (admin token, saved routing) is a fresh temp dir removed on close, unless
 * `stateDir` is given (then the caller owns it); never the real home. Live price
 * lists (OpenRouter's model list) are not fetched unless `prices` asks for it, for
 * the same reason as the probes. `budgetClock` drives the budget windows (a fake
 * clock lets a test start a new hour).
 */
export async function startGateway(
  config: ConfigFile,
  env: Env = {},
  opts: { healthProbes?: HealthProberOptions; stateDir?: string; prices?: PriceBookOptions; logger?: Logger; budgetClock?: Clock; warmAuth?: boolean; uiDir?: string | null } = {},
): Promise<RunningGateway> {
  const parsed = ConfigSchema.parse({
    ...config,
    ports: config.ports ?? [{ port: 0, use: 'router' }, ...Object.keys(config.providers ?? {}).map((id) => ({ port: 0, use: id }))],
  });
  const healthProbes = opts.healthProbes ?? (config.router?.healthCheckIntervalS === undefined ? { intervalMs: 0 } : undefined);
  const stateDir = opts.stateDir ?? mkdtempSync(join(tmpdir(), 'switchboard-test-state-'));
  const dropState = () => opts.stateDir === undefined && rmSync(stateDir, { recursive: true, force: true });
  // As `switchboard serve` does: the config plus provider changes and keys saved in the state dir.
  let providerStore: ProviderStore;
  let settings;
  try {
    providerStore = ProviderStore.open({ base: parsed, path: null, env, stateDir });
    settings = providerStore.resolve();
  } catch (err) {
    dropState();
    throw err;
  }
  // The usage ledger lives in the temp state dir too: tests never write to the real home.
  const gateway = new Gateway(settings, { logger: opts.logger ?? pino({ level: process.env.SWITCHBOARD_TEST_LOG ?? 'silent' }), healthProbes, stateDir, env, ledgerPath: join(stateDir, 'usage.db'), prices: opts.prices ?? { fetch: false }, budgetClock: opts.budgetClock, warmAuth: opts.warmAuth, providerStore, uiDir: opts.uiDir });
  const ports = await gateway.start().catch((err: unknown) => {
    dropState();
    throw err;
  });
  return {
    gateway,
    ports,
    url(use = 'router') {
      const p = ports.find((x) => x.use === use);
      if (!p) throw new Error(`no port for ${use}`);
      return p.url;
    },
    close: () => gateway.stop().finally(dropState),
  };
}

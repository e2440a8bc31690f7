import type { Logger } from 'pino';
import { ConfigError } from '../../proxy/config/errors.js';
import { readConfigFile } from '../../proxy/config/load.js';
import { ProviderStore } from '../../proxy/config/provider-store.js';
import type { Env } from '../../proxy/config/resolve.js';
import type { SecretsSource } from '../../proxy/config/secrets-file.js';
import { defaultStateDir } from '../../proxy/config/state-file.js';
import type { GatewayEvent } from '../../proxy/events/bus.js';
import { Gateway } from '../../proxy/gateway.js';
import type { StrategyName } from '../../proxy/router/state.js';
import { STRATEGIES, stoppedSnapshot, type GatewaySnapshot, type RunState } from './snapshot.js';

// The desktop app's hold on the gateway: starts one Gateway in the main process (as
// `switchboard serve` does, with provider keys from the given SecretsSource), stops
// it with a bounded drain, and reports a GatewaySnapshot and the gateway's events.
// A stopped Gateway is not restarted: Start builds a new one from the files on disk.
// No Electron here, so it is tested against a real gateway.

/** Gateway constructor options a test may set (ledger path, probes off, no live prices). */
type GatewayExtras = Omit<NonNullable<ConstructorParameters<typeof Gateway>[1]>, 'providerStore'>;

export interface ControllerOptions {
  env: Env;
  /** Where provider keys live (the OS keychain); default secrets.json in the state dir. */
  secrets?: SecretsSource;
  /** Default: $XDG_STATE_HOME/switchboard, as headless. */
  stateDir?: string;
  /** An explicit config file; default: $SWITCHBOARD_CONFIG, else ~/.config/switchboard/config.json if it exists. */
  configPath?: string;
  logger?: Logger;
  gateway?: GatewayExtras;
  /** Called with a new snapshot after every change of state and every gateway event. */
  onChange?: (s: GatewaySnapshot) => void;
  /** Every gateway event, as it happens (notifications). */
  onEvent?: (e: GatewayEvent) => void;
  /** Non-fatal problems (a secrets file tightened to 0600, keys imported). */
  warn?: (msg: string) => void;
}

export class GatewayController {
  private gw: Gateway | null = null;
  private run: RunState = 'stopped';
  private error: string | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly opts: ControllerOptions) {}

  /** The running gateway (null when stopped). */
  get gateway(): Gateway | null {
    return this.run === 'running' ? this.gw : null;
  }

  /** The router port's URL, where the window (/ui) and the admin API live; null when not running. */
  get adminUrl(): string | null {
    return this.gateway?.ports.find((p) => p.use === 'router')?.url ?? null;
  }

  get adminToken(): string | null {
    return this.gateway?.admin?.token.value ?? null;
  }

  snapshot(): GatewaySnapshot {
    const gw = this.gateway;
    if (!gw) return stoppedSnapshot(this.run, this.error);
    const ports = gw.ports;
    const providers = gw.router.status(ports);
    const byId = new Map(providers.map((p) => [p.id, p]));
    return {
      run: 'running',
      error: null,
      strategy: gw.router.strategy,
      strategies: STRATEGIES,
      ports: ports.map((p) => ({ port: p.port, use: p.use, url: p.url, label: p.use === 'router' ? 'Router' : (byId.get(p.use)?.label ?? p.use), health: p.use === 'router' ? null : (byId.get(p.use)?.health ?? 'unknown') })),
      providers: providers.map((p) => ({ id: p.id, label: p.label, health: p.health })),
    };
  }

  /** Starts the gateway; a failure (a port in use, a bad config) leaves state 'failed' with the reason, and does not throw. */
  async start(): Promise<void> {
    if (this.run === 'running' || this.run === 'starting') return;
    this.set('starting', null);
    let gw: Gateway | null = null;
    try {
      const { file, path } = readConfigFile(this.opts.configPath, this.opts.env);
      const stateDir = this.opts.stateDir ?? defaultStateDir(this.opts.env);
      const store = ProviderStore.open({ base: file, path, env: this.opts.env, stateDir, secrets: this.opts.secrets }, this.opts.warn);
      gw = new Gateway(store.resolve(), { ...this.opts.gateway, logger: this.opts.logger ?? this.opts.gateway?.logger, providerStore: store });
      await gw.start();
    } catch (err) {
      this.set('failed', startProblem(err));
      return;
    }
    this.gw = gw;
    this.unsubscribe = gw.router.events.subscribe((e) => {
      this.opts.onEvent?.(e);
      this.opts.onChange?.(this.snapshot());
    });
    this.set('running', null);
  }

  /** Stops the gateway: requests in flight get `drainMs` to finish, then end with an error event; usage rows are flushed. */
  async stop(drainMs?: number): Promise<void> {
    const gw = this.gw;
    if (!gw || this.run !== 'running') return;
    this.set('stopping', null);
    this.unsubscribe?.();
    this.unsubscribe = null;
    try {
      await gw.stop({ drainMs });
    } finally {
      this.gw = null;
      this.set('stopped', null);
    }
  }

  /** Switches the router's strategy (saved like a change through the admin API). */
  async setStrategy(strategy: StrategyName): Promise<void> {
    const gw = this.gateway;
    if (!gw) return;
    gw.router.setStrategy(strategy, 'changed from the tray menu');
    await gw.admin?.flush();
    this.opts.onChange?.(this.snapshot());
  }

  private set(run: RunState, error: string | null): void {
    this.run = run;
    this.error = error;
    this.opts.onChange?.(this.snapshot());
  }
}

/** Why the gateway could not start, in one line. */
function startProblem(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'EADDRINUSE') return `a port is already in use (${e.message.replace(/^.*EADDRINUSE:\s*/, '')}); is another Switchboard running?`;
  if (err instanceof ConfigError) return err.message;
  return e.message ?? String(err);
}

import type { Health } from '../../proxy/router/status.js';
import type { StrategyName } from '../../proxy/router/state.js';

// What the tray, its menu and the notifications are computed from: a plain, frozen
// picture of the gateway, so every one of them is a pure function of it.

export type { Health, StrategyName };

/** The gateway's lifecycle as the desktop app drives it; 'failed': it could not start (error says why). */
export type RunState = 'stopped' | 'starting' | 'running' | 'stopping' | 'failed';

export interface PortView {
  port: number;
  /** 'router' or a provider id. */
  use: string;
  /** The base URL Claude Code is pointed at (ANTHROPIC_BASE_URL). */
  url: string;
  /** "Router" or the provider's label. */
  label: string;
  /** The provider's health; null for the router port (see the providers instead). */
  health: Health | null;
}

export interface ProviderView {
  id: string;
  label: string;
  health: Health;
}

export interface GatewaySnapshot {
  run: RunState;
  /** Why it failed to start, in plain words; null otherwise. */
  error: string | null;
  /** The router's active strategy; null while not running. */
  strategy: StrategyName | null;
  strategies: readonly StrategyName[];
  ports: readonly PortView[];
  providers: readonly ProviderView[];
}

export const STRATEGIES: readonly StrategyName[] = ['intelligent', 'priority', 'cost', 'performance', 'availability'];

/** The picture of a gateway that is not running. */
export function stoppedSnapshot(run: RunState = 'stopped', error: string | null = null): GatewaySnapshot {
  return { run, error, strategy: null, strategies: STRATEGIES, ports: [], providers: [] };
}

import type { GatewaySnapshot, PortView, StrategyName } from './snapshot.js';
import { trayLook } from './tray-state.js';

// The tray menu as plain data: a pure function of the gateway's picture and the
// desktop settings. main.ts turns it into an Electron Menu and runs the actions;
// here it is tested without Electron. Rebuilt on every gateway event.

/** What a click does; main.ts has one handler per kind. */
export type MenuAction =
  | { kind: 'start' }
  | { kind: 'stop' }
  | { kind: 'copy'; text: string }
  | { kind: 'strategy'; strategy: StrategyName }
  | { kind: 'open'; page: 'overview' | 'providers' | 'routing' | 'health' | 'costs' | 'requests' }
  | { kind: 'configure-claude' }
  | { kind: 'toggle'; setting: 'launchAtLogin' | 'startGatewayAtLaunch' }
  | { kind: 'quit' };

export type MenuItem =
  | { type: 'normal'; label: string; enabled: boolean; action?: MenuAction }
  | { type: 'checkbox' | 'radio'; label: string; enabled: boolean; checked: boolean; action: MenuAction }
  | { type: 'submenu'; label: string; enabled: boolean; submenu: MenuItem[] }
  | { type: 'separator' };

export interface MenuInput {
  snapshot: GatewaySnapshot;
  launchAtLogin: boolean;
  startGatewayAtLaunch: boolean;
  /** process.platform: the export line is PowerShell's on Windows. */
  platform: NodeJS.Platform;
}

const STRATEGY_LABELS: Record<StrategyName, string> = {
  intelligent: 'Intelligent (health, limits, latency, cost)',
  priority: 'Priority order',
  cost: 'Cheapest first',
  performance: 'Fastest first',
  availability: 'Most reliable first',
};

const SEPARATOR: MenuItem = { type: 'separator' };

export function trayMenu(input: MenuInput): MenuItem[] {
  const s = input.snapshot;
  const running = s.run === 'running';
  const busy = s.run === 'starting' || s.run === 'stopping';
  const items: MenuItem[] = [
    { type: 'normal', label: `Switchboard: ${trayLook(s).status}`, enabled: false },
    SEPARATOR,
    running ? { type: 'normal', label: 'Stop gateway', enabled: true, action: { kind: 'stop' } } : { type: 'normal', label: 'Start gateway', enabled: !busy, action: { kind: 'start' } },
  ];
  if (s.ports.length) {
    items.push(SEPARATOR);
    for (const p of s.ports) items.push(portEntry(p, s, input.platform));
  }
  items.push(
    SEPARATOR,
    {
      type: 'submenu',
      label: 'Strategy',
      enabled: running,
      submenu: s.strategies.map((name) => ({ type: 'radio', label: STRATEGY_LABELS[name], enabled: running, checked: name === s.strategy, action: { kind: 'strategy', strategy: name } })),
    },
    SEPARATOR,
    { type: 'normal', label: 'Open dashboard', enabled: running, action: { kind: 'open', page: 'overview' } },
    { type: 'normal', label: 'Settings…', enabled: running, action: { kind: 'open', page: 'providers' } },
    { type: 'normal', label: 'Configure Claude Code…', enabled: running, action: { kind: 'configure-claude' } },
    SEPARATOR,
    { type: 'checkbox', label: 'Launch at login', enabled: true, checked: input.launchAtLogin, action: { kind: 'toggle', setting: 'launchAtLogin' } },
    { type: 'checkbox', label: 'Start gateway when Switchboard opens', enabled: true, checked: input.startGatewayAtLaunch, action: { kind: 'toggle', setting: 'startGatewayAtLaunch' } },
    SEPARATOR,
    { type: 'normal', label: 'Quit Switchboard', enabled: true, action: { kind: 'quit' } },
  );
  return items;
}

/** One port: "8092  GitHub Models (healthy)" with its provider, health and copy actions. */
function portEntry(p: PortView, s: GatewaySnapshot, platform: NodeJS.Platform): MenuItem {
  const health = p.use === 'router' ? routerHealth(s) : (p.health ?? 'unknown');
  const provider = p.use === 'router' ? `Router: ${s.strategy ?? 'no'} strategy over ${s.providers.length} provider${s.providers.length === 1 ? '' : 's'}` : `Provider: ${p.label}`;
  return {
    type: 'submenu',
    label: `${p.port}  ${p.label} (${health})`,
    enabled: true,
    submenu: [
      { type: 'normal', label: provider, enabled: false },
      { type: 'normal', label: `Health: ${health}`, enabled: false },
      SEPARATOR,
      { type: 'normal', label: 'Copy base URL', enabled: true, action: { kind: 'copy', text: p.url } },
      { type: 'normal', label: 'Copy export line', enabled: true, action: { kind: 'copy', text: exportLine(p.url, platform) } },
    ],
  };
}

/** "2 of 3 healthy": providers the router can send traffic to right now. */
function routerHealth(s: GatewaySnapshot): string {
  const n = s.providers.length;
  if (n === 0) return 'no providers';
  const ok = s.providers.filter((p) => p.health === 'healthy' || p.health === 'unknown').length;
  return ok === n ? 'healthy' : `${ok} of ${n} healthy`;
}

/** The line to paste into the shell where Claude Code runs. */
export function exportLine(url: string, platform: NodeJS.Platform): string {
  return platform === 'win32' ? `$env:ANTHROPIC_BASE_URL="${url}"` : `export ANTHROPIC_BASE_URL=${url}`;
}

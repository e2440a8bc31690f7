import type { GatewaySnapshot, Health } from './snapshot.js';

// The tray icon's state and tooltip, from the gateway's picture. Four icons:
// running and healthy, degraded (some provider failing, or nothing to route to),
// down (every provider failing, or the gateway could not start), stopped.

export type TrayState = 'running-healthy' | 'degraded' | 'down' | 'stopped';

export const TRAY_STATES: readonly TrayState[] = ['running-healthy', 'degraded', 'down', 'stopped'];

export interface TrayLook {
  state: TrayState;
  /** The icon's tooltip: "Switchboard: " and the status line. */
  tooltip: string;
  /** One line for the top of the menu. */
  status: string;
}

/** Healths that mean a provider cannot serve right now. */
const FAILING: ReadonlySet<Health> = new Set(['down', 'cooling-down', 'rate-limited']);

export function trayLook(s: GatewaySnapshot): TrayLook {
  const [state, status] = classify(s);
  return { state, status, tooltip: `Switchboard: ${status}` };
}

function classify(s: GatewaySnapshot): [TrayState, string] {
  switch (s.run) {
    case 'stopped':
      return ['stopped', 'stopped'];
    case 'starting':
      return ['stopped', 'starting…'];
    case 'stopping':
      return ['stopped', 'stopping…'];
    case 'failed':
      return ['down', `could not start: ${s.error ?? 'unknown error'}`];
    case 'running':
      break;
  }
  const n = s.providers.length;
  if (n === 0) return ['degraded', 'running, but no provider is enabled'];
  const failing = s.providers.filter((p) => FAILING.has(p.health));
  const degraded = s.providers.filter((p) => p.health === 'degraded');
  if (failing.length === n) return ['down', n === 1 ? `running, but ${describe(failing)}` : `running, but every provider is failing (${describe(failing)})`];
  if (failing.length || degraded.length) return ['degraded', `running, ${describe([...failing, ...degraded])}`];
  return ['running-healthy', n === 1 ? `running, ${s.providers[0].label} healthy` : `running, ${n} providers healthy`];
}

/** "OpenRouter down, GitHub Models rate-limited" (at most three, then "and N more"). */
function describe(list: GatewaySnapshot['providers']): string {
  const parts = list.slice(0, 3).map((p) => `${p.label} ${p.health}`);
  if (list.length > 3) parts.push(`and ${list.length - 3} more`);
  return parts.join(', ');
}

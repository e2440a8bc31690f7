import type { BudgetAlert } from '../budget/tracker.js';
import type { CircuitState, Scenario, StrategyName } from '../router/state.js';

// The gateway's event stream: every routing decision and failover, with its reason
// in plain words, for the UI, tray notifications and logs. Emitting is cheap (an
// object into a bounded ring, then each subscriber); nothing waits on subscribers.

/** How a route was chosen: a strategy, an explicit or pinned choice, or a budget downgrade (budget/downgrade.ts). */
export type RouteMode = StrategyName | 'pinned' | 'explicit' | 'budget-haiku' | 'budget-cheapest';

export type GatewayEvent =
  | { type: 'route'; at: number; port: number; provider: string; model: string; strategy: RouteMode; scenario: Scenario; reason: string }
  | { type: 'failover'; at: number; from: string; to: string | null; status: number; reason: string }
  | { type: 'retry'; at: number; provider: string; status: number; delayMs: number; reason: string }
  | { type: 'circuit'; at: number; provider: string; state: CircuitState; reason: string }
  | { type: 'cooldown'; at: number; provider: string; until: number; reason: string }
  | { type: 'health'; at: number; provider: string; ok: boolean; reason: string }
  | { type: 'strategy'; at: number; strategy: StrategyName; reason: string }
  | { type: 'priority'; at: number; priority: string[]; reason: string }
  | { type: 'reset'; at: number; reason: string }
  /** Scenario routes or router thresholds changed; `fields`: what changed ("scenarios.think", "thresholds.longContextThreshold"). */
  | { type: 'routing'; at: number; fields: string[]; reason: string }
  /** Providers or ports changed while running (added, edited, removed, a port stopped or started); `providers`: the ids concerned. */
  | { type: 'config'; at: number; providers: string[]; reason: string }
  /** A budget window reached 80 % or 100 % (once per threshold per window; budget/tracker.ts). */
  | BudgetAlert;

export type Listener = (event: GatewayEvent & { id: number }) => void;

const RECENT = 500;

export class EventBus {
  private readonly listeners = new Set<Listener>();
  private readonly ring: Array<GatewayEvent & { id: number }> = [];
  private nextId = 1;

  emit(event: GatewayEvent): void {
    const e = { ...event, id: this.nextId++ };
    if (this.ring.length === RECENT) this.ring.shift();
    this.ring.push(e);
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // a failing subscriber must not break routing
      }
    }
  }

  /** Live subscribers (admin event streams among them). */
  get subscriberCount(): number {
    return this.listeners.size;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Events after `afterId` (for SSE reconnects with Last-Event-ID), oldest first. */
  recent(afterId = 0): Array<GatewayEvent & { id: number }> {
    return this.ring.filter((e) => e.id > afterId);
  }
}

import type { GatewayEvent } from '../../proxy/events/bus.js';

// Which gateway events become a desktop notification, and how often. A burst of
// failovers from one provider is one notification per THROTTLE_MS; a provider going
// down is told once, and its recovery only if its going down was told; each budget
// threshold once per window. Pure apart from the clock, which is injected.

export type NoticeKind = 'failover' | 'provider-down' | 'provider-recovered' | 'budget-80' | 'budget-100';

/** The window's page a click on the notification opens. */
export type NoticePage = 'requests' | 'health' | 'costs';

export interface Notice {
  kind: NoticeKind;
  /** Provider or budget window it is about (one throttle per kind and subject). */
  subject: string;
  title: string;
  body: string;
  page: NoticePage;
}

/** At most one notification per kind and subject in this long. */
export const THROTTLE_MS = 60_000;

export class NotificationPolicy {
  private readonly last = new Map<string, number>();
  /** Providers whose going down was notified and who have not recovered since. */
  private readonly down = new Set<string>();
  /** Budget thresholds told, per window period ("hour:0.8:<resetsAt>"). */
  private readonly budgets = new Set<string>();

  private readonly now: () => number;
  private readonly throttleMs: number;
  private readonly label: (providerId: string) => string;

  /** `label`: a provider's name for people (its label), from its id. */
  constructor(opts: { now?: () => number; throttleMs?: number; label?: (providerId: string) => string } = {}) {
    this.now = opts.now ?? Date.now;
    this.throttleMs = opts.throttleMs ?? THROTTLE_MS;
    this.label = opts.label ?? ((id) => id);
  }

  /** The notification for `event`, or null when it is not notable or was throttled. */
  consider(event: GatewayEvent): Notice | null {
    switch (event.type) {
      case 'failover':
        return this.throttled({ kind: 'failover', subject: event.from, title: event.to ? `${this.label(event.from)} failed, switched to ${this.label(event.to)}` : `${this.label(event.from)} failed, no provider left to try`, body: event.reason, page: 'requests' });
      case 'circuit':
        if (event.state === 'open') return this.wentDown(event.provider, event.reason);
        if (event.state === 'closed') return this.recovered(event.provider, event.reason);
        return null;
      case 'health':
        return event.ok ? this.recovered(event.provider, event.reason) : this.wentDown(event.provider, event.reason);
      case 'budget': {
        const key = `${event.window}:${event.threshold}:${event.resetsAt}`;
        if (this.budgets.has(key)) return null;
        this.budgets.add(key);
        const full = event.threshold >= 1;
        const span = event.window === 'hour' ? 'hourly' : 'daily';
        return {
          kind: full ? 'budget-100' : 'budget-80',
          subject: event.window,
          title: full ? `Switchboard ${span} budget reached` : `Switchboard ${span} budget at 80 %`,
          body: event.reason,
          page: 'costs',
        };
      }
      default:
        return null;
    }
  }

  private wentDown(provider: string, reason: string): Notice | null {
    if (this.down.has(provider)) return null;
    const n = this.throttled({ kind: 'provider-down', subject: provider, title: `${this.label(provider)} is down`, body: reason, page: 'health' });
    // A down that was throttled away is not remembered, so its recovery is not announced either.
    if (n) this.down.add(provider);
    return n;
  }

  private recovered(provider: string, reason: string): Notice | null {
    if (!this.down.delete(provider)) return null;
    return { kind: 'provider-recovered', subject: provider, title: `${this.label(provider)} recovered`, body: reason, page: 'health' };
  }

  private throttled(n: Notice): Notice | null {
    const key = `${n.kind}:${n.subject}`;
    const t = this.now();
    const prev = this.last.get(key);
    if (prev !== undefined && t - prev < this.throttleMs) return null;
    this.last.set(key, t);
    return n;
  }
}

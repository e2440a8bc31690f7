import type { GatewayEvent } from '../../api/types';
import { clock } from '../../format';

// A list of gateway events with their reasons in plain words.

const KIND: Record<GatewayEvent['type'], { label: string; tone: '' | 'ok' | 'warn' | 'bad' }> = {
  route: { label: 'routed', tone: '' },
  failover: { label: 'failover', tone: 'warn' },
  retry: { label: 'retry', tone: 'warn' },
  circuit: { label: 'circuit', tone: 'bad' },
  cooldown: { label: 'cooldown', tone: 'warn' },
  health: { label: 'health', tone: '' },
  strategy: { label: 'strategy', tone: 'ok' },
  priority: { label: 'order', tone: 'ok' },
  reset: { label: 'reset', tone: 'ok' },
  routing: { label: 'routing', tone: 'ok' },
  budget: { label: 'budget', tone: 'bad' },
  config: { label: 'providers', tone: 'ok' },
};

function tone(e: GatewayEvent): string {
  if (e.type === 'health') return e.ok ? 'ok' : 'bad';
  if (e.type === 'circuit') return e.state === 'closed' ? 'ok' : e.state === 'half-open' ? 'warn' : 'bad';
  if (e.type === 'budget') return e.threshold >= 1 ? 'bad' : 'warn';
  return KIND[e.type].tone;
}

/** The reason, with what changed when the reason alone does not say it. */
export function describe(e: GatewayEvent): string {
  if (e.type === 'strategy' && !e.reason.includes(e.strategy)) return `now ${e.strategy}: ${e.reason}`;
  if (e.type === 'priority' && !e.reason.includes(e.priority.join(' → '))) return `${e.priority.join(' → ')}: ${e.reason}`;
  return e.reason;
}

export function RecentEvents({ events, empty }: { events: GatewayEvent[]; empty: string }) {
  if (events.length === 0) return <p className="muted">{empty}</p>;
  return (
    <ul className="event-list" aria-label="Events, newest first">
      {events.map((e) => (
        <li key={e.id} data-type={e.type}>
          <time dateTime={new Date(e.at).toISOString()} className="muted mono">
            {clock(e.at)}
          </time>
          <span>
            <span className={`badge ${tone(e) ? `badge--${tone(e)}` : ''}`}>{KIND[e.type]?.label ?? e.type}</span>
          </span>
          <span>{describe(e)}</span>
        </li>
      ))}
    </ul>
  );
}

import type { Health } from '../api/types';

// A coloured dot with its meaning in words (colour is never the only signal).

export type LightState = Health | 'stopped' | 'off';

const WORDS: Record<LightState, string> = {
  healthy: 'Healthy',
  degraded: 'Degraded',
  'rate-limited': 'Rate-limited',
  'cooling-down': 'Cooling down',
  down: 'Down',
  unknown: 'No traffic yet',
  stopped: 'Stopped',
  off: 'Off',
};

const TONE: Record<LightState, 'ok' | 'warn' | 'bad' | 'idle'> = {
  healthy: 'ok',
  degraded: 'warn',
  'rate-limited': 'warn',
  'cooling-down': 'warn',
  down: 'bad',
  unknown: 'idle',
  stopped: 'idle',
  off: 'idle',
};

export function StatusLight({ state, label = true }: { state: LightState; label?: boolean }) {
  const words = WORDS[state];
  return (
    <span className={`status status--${TONE[state]}`} data-state={state}>
      <span className="status__dot" aria-hidden="true" />
      {label ? <span className="status__text">{words}</span> : <span className="visually-hidden">{words}</span>}
    </span>
  );
}

/** The router port's light: the best of its providers. */
export function bestHealth(states: Health[]): Health {
  const order: Health[] = ['healthy', 'degraded', 'rate-limited', 'cooling-down', 'unknown', 'down'];
  for (const h of order) if (states.includes(h)) return h;
  return 'unknown';
}

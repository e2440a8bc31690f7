import type { WindowKind } from './types.js';

// Budget windows on the local clock: the calendar hour and the calendar day.
// Pure functions of a timestamp, so tests drive them with a fake clock.

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

export interface WindowBounds {
  /** ms epoch, inclusive. */
  start: number;
  /** ms epoch, exclusive: when the window resets. */
  end: number;
}

/** The window of `kind` that holds `ts`; always start ≤ ts < end. */
export function windowAt(kind: WindowKind, ts: number): WindowBounds {
  if (kind === 'hour') {
    // From the UTC offset rather than Date setters: a half-hour zone (India) still gets its
    // local xx:00, and a DST change cannot make Date pick an hour that ends before `ts`.
    const offset = -new Date(ts).getTimezoneOffset() * MINUTE_MS;
    const start = ts - mod(ts + offset, HOUR_MS);
    return { start, end: start + HOUR_MS };
  }
  const d = new Date(ts);
  const start = new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  // The next local midnight: 23 or 25 hours away on DST days.
  let end = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
  if (end <= ts) end = start + 24 * HOUR_MS; // a zone whose midnight does not exist that day
  return { start: Math.min(start, ts), end };
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

/** "15:00" on the local clock. */
export function clockTime(ts: number): string {
  const d = new Date(ts);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** "12 min", "5 h 12 min", "40 s": how long until `ts`. */
export function durationUntil(ts: number, now: number): string {
  const s = Math.max(0, Math.ceil((ts - now) / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.ceil(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  const rest = min % 60;
  return rest ? `${h} h ${rest} min` : `${h} h`;
}

/** "this hour" / "today". */
export function windowPhrase(kind: WindowKind): string {
  return kind === 'hour' ? 'this hour' : 'today';
}

/** "hourly" / "daily". */
export function windowAdjective(kind: WindowKind): string {
  return kind === 'hour' ? 'hourly' : 'daily';
}

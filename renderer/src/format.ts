// Numbers in plain words for people: money, tokens, durations, times.

export function usd(x: number | null | undefined, opts: { precise?: boolean } = {}): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const abs = Math.abs(x);
  const digits = opts.precise ? (abs > 0 && abs < 0.01 ? 5 : abs < 1 ? 4 : 2) : abs > 0 && abs < 0.01 ? 4 : 2;
  const s = abs.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: digits });
  return `${x < 0 ? '−' : ''}$${s}`;
}

export function count(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  if (Math.abs(x) >= 1e6) return `${(x / 1e6).toFixed(1)}M`;
  if (Math.abs(x) >= 1e4) return `${(x / 1e3).toFixed(1)}k`;
  return Math.round(x).toLocaleString('en-US');
}

export function ms(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  if (x >= 60_000) return `${(x / 60_000).toFixed(1)} min`;
  if (x >= 10_000) return `${Math.round(x / 1000)} s`;
  if (x >= 1000) return `${(x / 1000).toFixed(1)} s`;
  return `${Math.round(x)} ms`;
}

export function pct(x: number | null | undefined, digits = 0): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return `${(x * 100).toFixed(digits)} %`;
}

export function clock(ts: number): string {
  return new Date(ts).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function dateTime(ts: number): string {
  const d = new Date(ts);
  return `${d.toLocaleDateString('en-CA')} ${clock(ts)}`;
}

/** "in 12 s", "3 min ago". */
export function relative(ts: number, now = Date.now()): string {
  const d = ts - now;
  const a = Math.abs(d);
  const v = a < 60_000 ? `${Math.round(a / 1000)} s` : a < 3_600_000 ? `${Math.round(a / 60_000)} min` : `${(a / 3_600_000).toFixed(1)} h`;
  return d >= 0 ? `in ${v}` : `${v} ago`;
}

/** The browser's IANA zone, for the usage API's calendar (days, hours). */
export function localTz(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** Local midnight today as "YYYY-MM-DD" (read by the gateway in `tz`). */
export function todayDate(now = new Date()): string {
  const y = now.getFullYear();
  const m = String(now.getMonth() + 1).padStart(2, '0');
  const d = String(now.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

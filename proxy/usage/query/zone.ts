// Time zones and calendar buckets. Buckets are the caller's calendar: an IANA
// zone (DST included: a day is midnight to midnight, 23 or 25 h when the clocks
// change) or a fixed offset. Weeks start on Monday. "Wall" times below are local
// clock readings encoded as if they were UTC ms, so calendar arithmetic on them
// is plain addition.

export const BUCKETS = ['hour', 'day', 'week'] as const;
export type Bucket = (typeof BUCKETS)[number];

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export interface Zone {
  /** As given back to the caller: an IANA name, "UTC" or "+05:30". */
  name: string;
  /** local − UTC at this instant, ms. */
  offsetMs(utc: number): number;
}

const FIXED = /^(?:UTC|GMT|Z)$|^([+-])(\d{2}):?(\d{2})$/i;

/** An IANA name ("Europe/Paris"), "UTC", or a fixed offset in quarter hours ("+05:30", "-0800"); null when unknown. */
export function parseZone(tz: string): Zone | null {
  const m = FIXED.exec(tz);
  if (m) {
    if (!m[1]) return fixedZone(0);
    const h = Number(m[2]);
    const min = Number(m[3]);
    // Quarter hours only: raw rows are slotted by 15 min (every real offset is a multiple).
    if (h > 14 || min > 59 || min % 15 !== 0) return null;
    return fixedZone((m[1] === '-' ? -1 : 1) * (h * 60 + min) * MIN);
  }
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  } catch {
    return null;
  }
  return {
    // As given: ICU would canonicalise some names (Asia/Kolkata → Asia/Calcutta).
    name: tz,
    offsetMs(utc: number): number {
      const p: Record<string, number> = {};
      for (const part of fmt.formatToParts(utc)) if (part.type !== 'literal') p[part.type] = Number(part.value);
      const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
      return wall - (utc - mod(utc, 1000));
    },
  };
}

function fixedZone(offset: number): Zone {
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset) / MIN;
  const name = offset === 0 ? 'UTC' : `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return { name, offsetMs: () => offset };
}

/** The gateway's own zone: the default, since the gateway runs on the user's machine. */
export function localZone(): Zone {
  return parseZone(Intl.DateTimeFormat().resolvedOptions().timeZone) ?? fixedZone(0);
}

/** The instant a local clock reading happens (in a DST gap: just after it). */
export function wallToUtc(zone: Zone, wall: number): number {
  let utc = wall - zone.offsetMs(wall);
  const o = zone.offsetMs(utc);
  if (wall - utc !== o) utc = wall - o;
  return utc;
}

export function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/** Local wall time → start of its day / Monday-start week, as wall time. */
function floorWall(wall: number, bucket: 'day' | 'week'): number {
  const day = wall - mod(wall, DAY);
  if (bucket === 'day') return day;
  const weekday = new Date(day).getUTCDay(); // 0 = Sunday
  return day - mod(weekday - 1, 7) * DAY;
}

/** Start of the bucket holding `t`, UTC ms. */
export function bucketStart(zone: Zone, bucket: Bucket, t: number): number {
  // Hours: every instant whose local minute is 0 (offsets change on whole hours, Lord Howe aside).
  if (bucket === 'hour') return t - mod(t + zone.offsetMs(t), HOUR);
  return wallToUtc(zone, floorWall(t + zone.offsetMs(t), bucket));
}

/** The bucket after the one starting at `start`. */
function nextStart(zone: Zone, bucket: Bucket, start: number): number {
  if (bucket === 'hour') return start + HOUR;
  const wall = start + zone.offsetMs(start);
  const next = wallToUtc(zone, floorWall(wall, bucket) + (bucket === 'day' ? DAY : 7 * DAY));
  // A gap at local midnight can bend the arithmetic; never step backwards or stand still.
  return next > start ? next : start + HOUR;
}

/**
 * Bucket edges covering [from, to): edges[0] ≤ from < edges[1] < … < edges[n] ≥ to,
 * so bucket i is [edges[i], edges[i+1]). Null when more than `max` buckets would be needed.
 */
export function bucketEdges(zone: Zone, bucket: Bucket, from: number, to: number, max: number): number[] | null {
  const edges = [bucketStart(zone, bucket, from)];
  while (edges[edges.length - 1] < to) {
    if (edges.length > max) return null;
    edges.push(nextStart(zone, bucket, edges[edges.length - 1]));
  }
  return edges;
}

/** How the caller's calendar names a bucket start: "2026-11-21" or "2026-11-21T14:00". */
export function bucketLabel(zone: Zone, bucket: Bucket, start: number): string {
  const iso = new Date(start + zone.offsetMs(start)).toISOString();
  return bucket === 'hour' ? iso.slice(0, 16) : iso.slice(0, 10);
}

/** Local midnight today, UTC ms. */
export function startOfToday(zone: Zone, now: number): number {
  return bucketStart(zone, 'day', now);
}

import { describe, expect, it } from 'vitest';
import { bucketEdges, bucketLabel, bucketStart, parseZone, wallToUtc, type Zone } from './zone.js';

const H = 3_600_000;
const zone = (tz: string): Zone => {
  const z = parseZone(tz);
  if (!z) throw new Error(`no zone ${tz}`);
  return z;
};

describe('time zones and buckets', () => {
  it('parses IANA names, UTC and quarter-hour offsets; refuses the rest', () => {
    expect(zone('UTC').offsetMs(0)).toBe(0);
    expect(zone('+05:30').offsetMs(0)).toBe(5.5 * H);
    expect(zone('-0800').name).toBe('-08:00');
    expect(zone('+05:45').offsetMs(0)).toBe(5.75 * H);
    expect(zone('Europe/Paris').offsetMs(Date.UTC(2026, 0, 15))).toBe(H);
    expect(zone('Europe/Paris').offsetMs(Date.UTC(2026, 6, 15))).toBe(2 * H);
    for (const bad of ['Mars/Olympus', '+05:07', '+15:00', '5', '']) expect(parseZone(bad)).toBeNull();
  });

  it('day buckets follow DST: 23 h in spring, 25 h in autumn (Europe/Paris)', () => {
    const paris = zone('Europe/Paris');
    const spring = bucketEdges(paris, 'day', Date.UTC(2026, 2, 28, 12), Date.UTC(2026, 2, 30, 12), 100)!;
    expect(spring).toEqual([Date.UTC(2026, 2, 27, 23), Date.UTC(2026, 2, 28, 23), Date.UTC(2026, 2, 29, 22), Date.UTC(2026, 2, 30, 22)]);
    const autumn = bucketEdges(paris, 'day', Date.UTC(2026, 9, 25, 12), Date.UTC(2026, 9, 25, 13), 100)!;
    expect(autumn).toEqual([Date.UTC(2026, 9, 24, 22), Date.UTC(2026, 9, 25, 23)]);
    expect(bucketLabel(paris, 'day', autumn[0])).toBe('2026-10-25');
  });

  it('hour buckets are local clock hours: the repeated hour at the autumn change appears twice', () => {
    const paris = zone('Europe/Paris');
    const edges = bucketEdges(paris, 'hour', Date.UTC(2026, 9, 24, 23), Date.UTC(2026, 9, 25, 2), 100)!;
    expect(edges.map((e) => bucketLabel(paris, 'hour', e))).toEqual(['2026-10-25T01:00', '2026-10-25T02:00', '2026-10-25T02:00', '2026-10-25T03:00']);
    // In +05:30 local hours start at :30 UTC.
    expect(bucketStart(zone('+05:30'), 'hour', Date.UTC(2026, 0, 1, 10, 10))).toBe(Date.UTC(2026, 0, 1, 9, 30));
  });

  it('weeks start on Monday in the zone', () => {
    const ny = zone('America/New_York');
    // Sunday 2026-11-22 23:00 in New York is Monday 04:00 UTC: still the week of Monday 16th there.
    const t = Date.UTC(2026, 10, 23, 4);
    expect(bucketLabel(ny, 'week', bucketStart(ny, 'week', t))).toBe('2026-11-16');
    expect(bucketStart(ny, 'week', t)).toBe(Date.UTC(2026, 10, 16, 5));
    expect(bucketLabel(zone('UTC'), 'week', bucketStart(zone('UTC'), 'week', t))).toBe('2026-11-23');
  });

  it('bucketEdges covers [from, to) and stops at the limit', () => {
    const utc = zone('UTC');
    expect(bucketEdges(utc, 'hour', 10 * H + 1, 12 * H, 100)).toEqual([10 * H, 11 * H, 12 * H]);
    expect(bucketEdges(utc, 'hour', 0, 101 * H, 100)).toBeNull();
    expect(bucketEdges(utc, 'hour', 0, 100 * H, 100)).toHaveLength(101);
  });

  it('wallToUtc reads local clock times, landing after a DST gap', () => {
    const paris = zone('Europe/Paris');
    expect(wallToUtc(paris, Date.UTC(2026, 10, 21, 0))).toBe(Date.UTC(2026, 10, 20, 23));
    // 02:30 on 2026-03-29 does not exist in Paris; it is read as 03:30 CEST.
    expect(wallToUtc(paris, Date.UTC(2026, 2, 29, 2, 30))).toBe(Date.UTC(2026, 2, 29, 1, 30));
  });
});

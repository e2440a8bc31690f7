import { afterEach, describe, expect, it } from 'vitest';
import { clockTime, durationUntil, windowAt } from './windows.js';

// Windows follow the local clock. Tests that need a particular zone set TZ for
// themselves (Node re-reads it when assigned); the rest use local-time constructors.
const savedTz = process.env.TZ;
afterEach(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

const local = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => new Date(y, mo, d, h, mi, s).getTime();

describe('windowAt', () => {
  it('is the calendar hour and the local calendar day around a timestamp', () => {
    const ts = local(2026, 10, 21, 14, 37, 12);
    expect(windowAt('hour', ts)).toEqual({ start: local(2026, 10, 21, 14), end: local(2026, 10, 21, 15) });
    expect(windowAt('day', ts)).toEqual({ start: local(2026, 10, 21), end: local(2026, 10, 22) });
    // The boundary belongs to the new window.
    expect(windowAt('hour', local(2026, 10, 21, 15)).start).toBe(local(2026, 10, 21, 15));
    expect(windowAt('day', local(2026, 11, 31, 23, 59)).end).toBe(local(2027, 0, 1));
  });

  it('uses local hours in a half-hour zone', () => {
    process.env.TZ = 'Asia/Kolkata'; // UTC+5:30
    const ts = Date.UTC(2026, 10, 21, 8, 45); // 14:15 local
    const { start, end } = windowAt('hour', ts);
    expect(start).toBe(Date.UTC(2026, 10, 21, 8, 30)); // 14:00 local
    expect(end - start).toBe(3_600_000);
    expect(clockTime(end)).toBe('15:00');
  });

  it('has 23- and 25-hour days when daylight saving time starts and ends, and hours always hold their timestamp', () => {
    process.env.TZ = 'Europe/Berlin';
    const spring = windowAt('day', Date.UTC(2026, 2, 29, 12)); // clocks go forward that night
    expect(spring.end - spring.start).toBe(23 * 3_600_000);
    const autumn = windowAt('day', Date.UTC(2026, 9, 25, 12)); // clocks go back
    expect(autumn.end - autumn.start).toBe(25 * 3_600_000);
    // Every minute of the autumn day (the repeated 02:00 hour included) lies inside its hour window.
    for (let ts = autumn.start; ts < autumn.end; ts += 60_000) {
      const h = windowAt('hour', ts);
      expect(h.start <= ts && ts < h.end && h.end - h.start === 3_600_000).toBe(true);
    }
  });
});

describe('formatting', () => {
  it('says when and how long', () => {
    expect(clockTime(local(2026, 10, 21, 9, 5))).toBe('09:05');
    const now = local(2026, 10, 21, 14, 10);
    expect(durationUntil(now + 40_000, now)).toBe('40 s');
    expect(durationUntil(local(2026, 10, 21, 15), now)).toBe('50 min');
    expect(durationUntil(local(2026, 10, 22), now)).toBe('9 h 50 min');
    expect(durationUntil(now + 2 * 3_600_000, now)).toBe('2 h');
    expect(durationUntil(now - 5, now)).toBe('0 s');
  });
});

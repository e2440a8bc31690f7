import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { coalesce } from './coalesce';

describe('coalesce: no polling storms', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('a burst of 500 requests is one fetch', async () => {
    const fn = vi.fn(async () => undefined);
    const c = coalesce(fn, { now: () => Date.now() });
    for (let i = 0; i < 500; i++) c.request();
    await vi.advanceTimersByTimeAsync(100);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('steady events for 10 s fetch at most once per second', async () => {
    const fn = vi.fn(async () => undefined);
    const c = coalesce(fn, { minIntervalMs: 1000, now: () => Date.now() });
    for (let t = 0; t < 10_000; t += 20) {
      c.request();
      await vi.advanceTimersByTimeAsync(20);
    }
    await vi.advanceTimersByTimeAsync(1500);
    expect(fn.mock.calls.length).toBeGreaterThanOrEqual(9);
    expect(fn.mock.calls.length).toBeLessThanOrEqual(11);
  });

  it('never runs twice at once; a request during a run gives exactly one more run after it', async () => {
    let active = 0;
    let maxActive = 0;
    const fn = vi.fn(async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise((r) => setTimeout(r, 3000));
      active--;
    });
    const c = coalesce(fn, { minIntervalMs: 1000, now: () => Date.now() });
    c.request();
    await vi.advanceTimersByTimeAsync(100);
    for (let i = 0; i < 20; i++) c.request();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fn).toHaveBeenCalledTimes(2);
    expect(maxActive).toBe(1);
  });

  it('a failing fetch does not stop later ones; cancel stops everything', async () => {
    const fn = vi.fn(async () => Promise.reject(new Error('down')));
    const c = coalesce(fn, { minIntervalMs: 100, now: () => Date.now() });
    c.request();
    await vi.advanceTimersByTimeAsync(200);
    c.request();
    await vi.advanceTimersByTimeAsync(200);
    expect(fn).toHaveBeenCalledTimes(2);
    c.request();
    c.cancel();
    await vi.advanceTimersByTimeAsync(1000);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('now() runs at once, once', async () => {
    const fn = vi.fn(async () => undefined);
    const c = coalesce(fn);
    c.request();
    await c.now();
    await vi.advanceTimersByTimeAsync(2000);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});

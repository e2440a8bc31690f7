// Numbers from samples and counters: percentiles, CPU and memory figures, the
// machine-wide busy time and the host speed check.

import { readFileSync } from 'node:fs';

export function percentile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export function dist(values) {
  const s = Float64Array.from(values).sort();
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return { n: s.length, p50: percentile(s, 0.5), p90: percentile(s, 0.9), p99: percentile(s, 0.99), min: s[0], max: s[s.length - 1], mean };
}

/** A process.cpuUsage() figure (µs) as user+system ms. */
export const cpuMs = (c) => (c.user + c.system) / 1000;
export const MB = 1048576;
/** The gateway's memory figures (MB) from a stats reply: where its RSS is. */
export const memory = (s) => ({ rss: s.rss / MB, peakRss: s.maxRssKb / 1024, heapTotal: s.heapTotal / MB, heapUsed: s.heapUsed / MB, external: s.external / MB, arrayBuffers: s.arrayBuffers / MB });

/** Gateway CPU (ms) per exchange between two stats replies, split into user and system. */
export const cpuSplit = (before, after, n) => ({ userMs: (after.cpu.user - before.cpu.user) / 1000 / n, systemMs: (after.cpu.system - before.cpu.system) / 1000 / n });

/** Machine-wide busy CPU in ms from /proc/stat (Linux; null elsewhere), to spot load from other processes. */
export function machineBusyMs() {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal
    return ((f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

/**
 * A fixed single-thread workload timed in the driver (median µs to decode and
 * JSON.parse the body): the same code on the same machine should always take
 * the same time, so a slow figure here means a contended or throttled host
 * (which a VM guest cannot otherwise see), and every other figure is suspect.
 */
export function calibrate(raw) {
  const batch = () => {
    const t0 = performance.now();
    for (let i = 0; i < 50; i++) JSON.parse(raw.toString('utf8'));
    return ((performance.now() - t0) * 1000) / 50;
  };
  for (let i = 0; i < 4; i++) batch();
  return dist(Array.from({ length: 9 }, batch)).p50;
}

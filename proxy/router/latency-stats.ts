import { systemClock, type Clock, type LatencySnapshot } from './state.js';

// Per-provider latency and success statistics for the routing strategies.
// Pure and deterministic: time comes from the Clock, nothing here does I/O or
// sets timers. record() runs on every request, so it is O(1) and writes only
// into preallocated typed arrays; sorting for percentiles happens lazily, at
// most once per new sample, when a snapshot asks for them.
//
// What the caller records: `ok` is the same success/failure judgement the
// circuit breaker gets; `latencyMs` is the request's total duration and
// `ttftMs` the time to the first streamed byte. Latencies of failed requests are
// ignored (a fast 500 would make a broken provider look quick, a timeout just
// repeats the timeout setting); failures only lower the success rate.

export interface LatencyOptions {
  /** EWMA weight of a new sample when it follows the previous one immediately. */
  alpha: number;
  /** Age at which the previous EWMA estimate has lost half of its weight, ms. */
  halfLifeMs: number;
  /** Latencies kept for percentiles (ring buffer). */
  capacity: number;
  /** Span of the recent success rate, ms. */
  windowMs: number;
  /** Granularity of that window; memory is windowMs / bucketMs counters. */
  bucketMs: number;
}

export const DEFAULT_LATENCY: LatencyOptions = Object.freeze({
  // 0.3: a single slow turn moves the average by 30 %, three in a row by ~66 %,
  // so a provider that slows down is noticed within a few turns without one
  // outlier (a long tool-heavy answer) flipping the ranking.
  alpha: 0.3,
  // 2 min: inside an agent loop (turns seconds apart) this is plain EWMA; after
  // 10 idle minutes the old estimate keeps 0.7 * 2^-5 ≈ 2 % of its weight.
  halfLifeMs: 120_000,
  // 256 samples: p99 is then the 3rd-slowest of the last 256 requests, and
  // sorting 256 doubles is a few microseconds.
  capacity: 256,
  // 5 min in 10 s buckets: 30 counters, long enough to see a flaky provider
  // over several turns, short enough that an outage an hour ago is forgotten.
  windowMs: 300_000,
  bucketMs: 10_000,
});

export interface WindowCounts {
  ok: number;
  failed: number;
}

/**
 * Success/failure counts over a rolling window, in fixed time buckets so memory
 * is bounded: a bucket is reused (and cleared) once its time has passed. A read
 * at `now` covers the current bucket and the n-1 before it, so an outcome is
 * forgotten between windowMs - bucketMs and windowMs after it happened.
 * Time never runs backwards here: an earlier timestamp counts as the latest one.
 */
export class OutcomeWindow {
  private readonly n: number;
  private readonly okCounts: Uint32Array;
  private readonly failCounts: Uint32Array;
  private readonly epochs: Float64Array;
  private latest = -Infinity;

  constructor(windowMs: number, private readonly bucketMs: number) {
    if (!(bucketMs > 0) || !(windowMs >= bucketMs)) throw new RangeError('OutcomeWindow: need 0 < bucketMs <= windowMs');
    this.n = Math.round(windowMs / bucketMs);
    this.okCounts = new Uint32Array(this.n);
    this.failCounts = new Uint32Array(this.n);
    this.epochs = new Float64Array(this.n).fill(-Infinity);
  }

  add(now: number, ok: boolean): void {
    if (now > this.latest) this.latest = now;
    const epoch = Math.floor(this.latest / this.bucketMs);
    const slot = ((epoch % this.n) + this.n) % this.n;
    if (this.epochs[slot] !== epoch) {
      this.epochs[slot] = epoch;
      this.okCounts[slot] = 0;
      this.failCounts[slot] = 0;
    }
    if (ok) this.okCounts[slot]++;
    else this.failCounts[slot]++;
  }

  counts(now: number): WindowCounts {
    const current = Math.floor(Math.max(now, this.latest) / this.bucketMs);
    let ok = 0;
    let failed = 0;
    for (let i = 0; i < this.n; i++) {
      if (this.epochs[i] > current - this.n) {
        ok += this.okCounts[i];
        failed += this.failCounts[i];
      }
    }
    return { ok, failed };
  }

  clear(): void {
    this.epochs.fill(-Infinity);
  }
}

/** What one finished request contributes. */
export interface LatencySample {
  ok: boolean;
  latencyMs?: number;
  ttftMs?: number;
}

export class LatencyStats {
  private readonly opts: Readonly<LatencyOptions>;
  /** ln 2 / halfLife, so the decay is exp(-decay * Δt). */
  private readonly decay: number;
  private ewma: number | null = null;
  private ewmaAt = 0;
  private ttft: number | null = null;
  private ttftAt = 0;
  private readonly ring: Float64Array;
  private ringNext = 0;
  private ringCount = 0;
  private sorted: Float64Array | null = null;
  private readonly window: OutcomeWindow;

  constructor(opts: Partial<LatencyOptions> = {}, private readonly clock: Clock = systemClock) {
    const o = { ...DEFAULT_LATENCY, ...opts };
    if (!(o.alpha > 0 && o.alpha <= 1)) throw new RangeError('LatencyStats: alpha must be in (0, 1]');
    if (!(o.halfLifeMs > 0)) throw new RangeError('LatencyStats: halfLifeMs must be > 0');
    if (!(Number.isInteger(o.capacity) && o.capacity > 0)) throw new RangeError('LatencyStats: capacity must be a positive integer');
    this.opts = o;
    this.decay = Math.LN2 / o.halfLifeMs;
    this.ring = new Float64Array(o.capacity);
    this.window = new OutcomeWindow(o.windowMs, o.bucketMs);
  }

  record(sample: LatencySample): void {
    const now = this.clock.now();
    this.window.add(now, sample.ok);
    if (!sample.ok) return;
    const lat = sample.latencyMs;
    if (lat !== undefined && lat >= 0) {
      this.ewma = this.blend(this.ewma, this.ewmaAt, now, lat);
      this.ewmaAt = now;
      this.ring[this.ringNext] = lat;
      this.ringNext = this.ringNext + 1 === this.ring.length ? 0 : this.ringNext + 1;
      if (this.ringCount < this.ring.length) this.ringCount++;
      this.sorted = null;
    }
    const ttft = sample.ttftMs;
    if (ttft !== undefined && ttft >= 0) {
      this.ttft = this.blend(this.ttft, this.ttftAt, now, ttft);
      this.ttftAt = now;
    }
  }

  /**
   * Time-decayed EWMA. The previous estimate's weight is (1 - alpha) shrunk by
   * its age:  w = (1 - alpha) * 2^(-Δt / halfLife),  e' = w * e + (1 - w) * x.
   * With Δt = 0 this is the classic e' = e + alpha * (x - e); as Δt grows the
   * new sample takes over, so an estimate from 10 minutes ago counts for little.
   */
  private blend(prev: number | null, prevAt: number, now: number, x: number): number {
    if (prev === null) return x;
    const age = now > prevAt ? now - prevAt : 0;
    const w = (1 - this.opts.alpha) * Math.exp(-this.decay * age);
    return w * prev + (1 - w) * x;
  }

  /** Nearest-rank percentile of the buffered latencies (p in (0, 100]), or null with none. */
  percentile(p: number): number | null {
    if (this.ringCount === 0) return null;
    if (this.sorted === null) this.sorted = this.ring.slice(0, this.ringCount).sort();
    const rank = Math.ceil((p / 100) * this.ringCount);
    return this.sorted[Math.min(Math.max(rank, 1), this.ringCount) - 1];
  }

  /** Successes / outcomes in the recent window, or null with no recent traffic. */
  successRate(): number | null {
    const { ok, failed } = this.window.counts(this.clock.now());
    return ok + failed === 0 ? null : ok / (ok + failed);
  }

  /** Outcomes (successes and failures) in the recent window. */
  samples(): number {
    const { ok, failed } = this.window.counts(this.clock.now());
    return ok + failed;
  }

  /** `percentiles: false` skips the sort (routing reads only the EWMAs; percentiles are for status pages). */
  snapshot(percentiles = true): LatencySnapshot {
    return {
      ewmaMs: this.ewma,
      ttftEwmaMs: this.ttft,
      p50Ms: percentiles ? this.percentile(50) : null,
      p95Ms: percentiles ? this.percentile(95) : null,
      p99Ms: percentiles ? this.percentile(99) : null,
    };
  }
}

import { OutcomeWindow } from './latency-stats.js';
import { systemClock, type CircuitState, type Clock } from './state.js';

// One circuit breaker per provider: closed -> open -> half-open -> closed.
// Pure and deterministic: time comes from the Clock; no I/O, no timers (the
// open -> half-open move happens lazily when the breaker is next asked).
//
// Contract with the attempt loop, per attempt:
//   if (!breaker.allow()) skip the target;       // half-open: reserves a probe slot
//   ...if the request is then not sent after all: breaker.release();
//   ...otherwise exactly one of onSuccess() / onFailure() once the outcome is known.
// What counts as a failure is the caller's decision, and it should be "the
// provider is unhealthy", not "the request was bad":
//   failure: connection refused/reset, TLS errors, connect / first-byte / idle
//            timeouts, 5xx, 529 (overloaded);
//   neither: 429 (the rate-limit tracker owns it; a busy provider is not a broken
//            one) and client aborts: call release() instead;
//   success: 2xx, and 4xx such as 400/401/403/404/413 (the provider answered;
//            the request or the key is wrong, and another attempt won't fix that).
//
// Outcomes that arrive while open are ignored (requests admitted before it
// opened). In half-open every failure re-opens, but a success only counts while
// a probe is in flight, so a late success from before the opening cannot close
// the circuit on its own.

export interface BreakerOptions {
  /** Consecutive failures, all within windowMs, that open the circuit. */
  failureThreshold: number;
  /** Failed / total in windowMs at or above which the circuit opens (0..1]... */
  errorRateThreshold: number;
  /** ...once at least this many outcomes are in the window. */
  minRequests: number;
  /** Rolling window for both triggers, ms. The error rate uses 12 buckets. */
  windowMs: number;
  /** First open period, ms; doubled after each failed probe... */
  openMs: number;
  /** ...up to this, ms. Back to openMs once the circuit closes. */
  maxOpenMs: number;
  /** Concurrent real requests let through while half-open. */
  halfOpenProbes: number;
  /** Probe successes that close the circuit. */
  recoverySuccesses: number;
}

export const DEFAULT_BREAKER: BreakerOptions = Object.freeze({
  // 5: Claude Code turns are seconds apart, so five failed turns in a row means
  // the provider is down, not unlucky (LiteLLM: 3 fails, cc-switch: 4/8).
  failureThreshold: 5,
  // 50 % over 10+ requests: degraded enough to prefer another provider, with
  // enough samples that two unlucky turns out of three do not trip it
  // (LiteLLM 50 %, cc-switch 60-70 % over 10-15).
  errorRateThreshold: 0.5,
  minRequests: 10,
  // 60 s: an agent loop makes many requests a minute; older evidence is stale.
  windowMs: 60_000,
  // 30 s, doubling to 5 min: a blip costs one 30 s detour, a real outage is
  // probed with one real request at most every 5 min (LiteLLM 5 s cooldown is
  // too eager for outages; cc-switch uses a fixed 60-90 s).
  openMs: 30_000,
  maxOpenMs: 300_000,
  // One probe: a failing probe costs one request (which the attempt loop then
  // sends elsewhere); two successes close, so one lucky request is not enough.
  halfOpenProbes: 1,
  recoverySuccesses: 2,
});

export interface BreakerSnapshot {
  state: CircuitState;
  /** Current run of consecutive failures that lie within the window. */
  consecutiveFailures: number;
  /** Failures and outcomes in the window (error-rate trigger). */
  failures: number;
  samples: number;
  /** failures / samples, or null with no samples. */
  errorRate: number | null;
  /** End of the open period (ms epoch) while open, else null. */
  openUntil: number | null;
  probesInFlight: number;
}

const BUCKETS = 12;

export class CircuitBreaker {
  readonly opts: Readonly<BreakerOptions>;
  private current: CircuitState = 'closed';
  private readonly window: OutcomeWindow;
  /** Times of the last failureThreshold failures of the current run (ring). */
  private readonly runTimes: Float64Array;
  private runLength = 0;
  private runNext = 0;
  private until = 0;
  private openFor: number;
  private probes = 0;
  private recovered = 0;

  constructor(opts: Partial<BreakerOptions> = {}, private readonly clock: Clock = systemClock) {
    const o = { ...DEFAULT_BREAKER, ...opts };
    const positiveInt = (v: number) => Number.isInteger(v) && v >= 1;
    if (![o.failureThreshold, o.minRequests, o.halfOpenProbes, o.recoverySuccesses].every(positiveInt)) throw new RangeError('CircuitBreaker: counts must be integers >= 1');
    if (!(o.errorRateThreshold > 0 && o.errorRateThreshold <= 1)) throw new RangeError('CircuitBreaker: errorRateThreshold must be in (0, 1]');
    if (!(o.windowMs > 0 && o.openMs > 0 && o.maxOpenMs >= o.openMs)) throw new RangeError('CircuitBreaker: need windowMs > 0 and 0 < openMs <= maxOpenMs');
    this.opts = o;
    this.openFor = o.openMs;
    this.window = new OutcomeWindow(o.windowMs, o.windowMs / BUCKETS);
    this.runTimes = new Float64Array(o.failureThreshold);
  }

  /** May a request be sent now? In half-open a true reserves one probe slot. */
  allow(): boolean {
    const s = this.state();
    if (s === 'closed') return true;
    if (s === 'open' || this.probes >= this.opts.halfOpenProbes) return false;
    this.probes++;
    return true;
  }

  /** An allowed request was not sent after all (or aborted by the client): free its probe slot. */
  release(): void {
    if (this.current === 'half-open' && this.probes > 0) this.probes--;
  }

  onSuccess(): void {
    const now = this.clock.now();
    const s = this.state();
    if (s === 'closed') {
      this.runLength = 0;
      this.window.add(now, true);
    } else if (s === 'half-open' && this.probes > 0) {
      this.probes--;
      if (++this.recovered >= this.opts.recoverySuccesses) this.close();
    }
  }

  onFailure(): void {
    const now = this.clock.now();
    const s = this.state();
    if (s === 'half-open') {
      this.openFor = Math.min(this.openFor * 2, this.opts.maxOpenMs);
      this.open(now);
    } else if (s === 'closed') {
      this.window.add(now, false);
      this.runTimes[this.runNext] = now;
      this.runNext = (this.runNext + 1) % this.runTimes.length;
      this.runLength++;
      if (this.consecutive(now) >= this.opts.failureThreshold || this.rateTripped(now)) this.open(now);
    }
  }

  /** Current state; an expired open period turns into half-open here. */
  state(): CircuitState {
    if (this.current === 'open' && this.clock.now() >= this.until) {
      this.current = 'half-open';
      this.probes = 0;
      this.recovered = 0;
    }
    return this.current;
  }

  openUntil(): number | null {
    return this.state() === 'open' ? this.until : null;
  }

  snapshot(): BreakerSnapshot {
    const now = this.clock.now();
    const state = this.state();
    const { ok, failed } = this.window.counts(now);
    const samples = ok + failed;
    return {
      state,
      consecutiveFailures: state === 'closed' ? this.consecutive(now) : 0,
      failures: failed,
      samples,
      errorRate: samples === 0 ? null : failed / samples,
      openUntil: state === 'open' ? this.until : null,
      probesInFlight: state === 'half-open' ? this.probes : 0,
    };
  }

  /** Failures of the current run inside the window (the ring holds the newest ones). */
  private consecutive(now: number): number {
    const size = this.runTimes.length;
    const n = Math.min(this.runLength, size);
    let count = 0;
    for (let i = 1; i <= n; i++) {
      if (this.runTimes[(this.runNext - i + size) % size] > now - this.opts.windowMs) count++;
      else break;
    }
    return count;
  }

  private rateTripped(now: number): boolean {
    const { ok, failed } = this.window.counts(now);
    const samples = ok + failed;
    return samples >= this.opts.minRequests && failed / samples >= this.opts.errorRateThreshold;
  }

  private open(now: number): void {
    this.current = 'open';
    this.until = now + this.openFor;
    this.probes = 0;
    this.recovered = 0;
  }

  private close(): void {
    this.current = 'closed';
    this.openFor = this.opts.openMs;
    this.runLength = 0;
    this.window.clear();
    this.probes = 0;
    this.recovered = 0;
  }
}

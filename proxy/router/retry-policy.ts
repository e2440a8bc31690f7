/**
 * The retry half of the router's failure handling, as one pure function the
 * attempt loop calls after each failed attempt:
 *   retry    – same target again, bounded, after a delay (full-jitter exponential
 *              backoff, or the server's retry-after when it is within the cap);
 *   fallback – give up on this target and move to the next one, optionally
 *              suggesting a cooldown (the target is taken out of all plans for a time);
 *   fail     – give the client the error now.
 *
 * Rules, in order:
 * 1. Once the first byte has reached the client nothing is retried or moved: the
 *    client already holds a partial answer that a second one would corrupt → fail.
 * 2. Only these failures are worth another try: connect refused/reset, TLS error,
 *    timeout (before the first byte, by rule 1), and HTTP 408/409/429/5xx/529. Any
 *    other 4xx means the request itself is bad, so another target would reject it
 *    too → fail. The caller's `retryable` flag can veto (e.g. a spend-cap 429).
 * 3. Retry on the same target when attempts remain (`attempt < maxRetries`), the
 *    server did not ask for a wait longer than `retryAfterCapMs` (then falling back
 *    is faster than waiting), and the delay fits in what is left of `totalDeadlineMs`
 *    — except that a refused connection goes straight to another target when one
 *    remains (failover must cost milliseconds, not a backoff), and neither a 429 nor
 *    a timeout is retried on the same target: the client's own retry loop honours
 *    retry-after and shows the wait (Claude Code does), and a hung upstream would
 *    double the worst case.
 * 4. Otherwise fall back when targets remain and the deadline has not passed,
 *    suggesting a cooldown: the retry-after of a 429, a short default for a refused
 *    connection (the server is not running), null otherwise (the breaker decides).
 * 5. Otherwise fail.
 */

export type FailureKind = 'connect' | 'timeout' | 'reset' | 'http' | 'tls';

export interface AttemptFailure {
  /** HTTP status, or the status the transport error maps to (502/504). */
  status: number;
  retryable: boolean;
  /** The provider's own wait (retry-after, RetryInfo…), e.g. RateLimitTracker's Observation.retryAfterMs. */
  retryAfterMs: number | null;
  kind: FailureKind;
}

export interface RetryPolicy {
  /**
   * Extra attempts on the same target. 1 because Claude Code runs its own retry
   * loop (with backoff) around every request: gateway retries multiply with it,
   * so the gateway adds one quick retry and otherwise prefers another target.
   */
  maxRetries: number;
  /** First backoff ceiling; doubles per retry. */
  baseDelayMs: number;
  /** Backoff ceiling never exceeds this. */
  maxDelayMs: number;
  /** A longer retry-after means fall back rather than wait. */
  retryAfterCapMs: number;
  /** Budget for the whole attempt loop (all targets), measured from its start. */
  totalDeadlineMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxRetries: 1,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
  retryAfterCapMs: 10_000,
  totalDeadlineMs: 120_000,
});

/** Cooldown suggested after a refused connection: long enough not to hammer a stopped local server, short enough to notice it restart. */
export const CONNECT_REFUSED_COOLDOWN_MS = 15_000;

export interface FailureInput {
  /** Retries already made on this target (0 after the first failure). */
  attempt: number;
  error: AttemptFailure;
  firstByteSent: boolean;
  /** Time since the attempt loop started. */
  elapsedMs: number;
  /** Targets still after this one in the plan. */
  remainingTargets: number;
  policy: RetryPolicy;
  /** Uniform in [0, 1); injected so tests are deterministic. */
  random: () => number;
}

export type FailureDecision = { action: 'retry'; delayMs: number } | { action: 'fallback'; cooldownMs: number | null } | { action: 'fail' };

/** HTTP statuses that say "try again" rather than "your request is wrong". */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * Full-jitter exponential backoff: uniform in [0, min(maxDelayMs, baseDelayMs·2^attempt)).
 * Full jitter spreads simultaneous retries best (many Claude Code sub-agents fail together).
 */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt));
  const r = Math.min(Math.max(random(), 0), 1 - Number.EPSILON); // a bad random source still stays in bounds
  return Math.floor(r * ceiling);
}

export function decideAfterFailure(input: FailureInput): FailureDecision {
  const { attempt, error, firstByteSent, elapsedMs, remainingTargets, policy, random } = input;
  if (firstByteSent) return { action: 'fail' };
  const worthRetrying = error.retryable && (error.kind !== 'http' || isRetryableStatus(error.status));
  if (!worthRetrying) return { action: 'fail' };

  const retryAfter = error.retryAfterMs !== null && error.retryAfterMs >= 0 ? error.retryAfterMs : null;
  // Waiting past the cap is slower than another target, and retrying before the
  // server's retry-after would only earn another refusal.
  const tooLong = retryAfter !== null && retryAfter > policy.retryAfterCapMs;
  // A hung upstream is not retried on the same target (that doubles the worst case and Claude
  // Code retries by itself); a refused connection or a 429 prefers any other target at once.
  // A 429 is never waited out here: the client's own retry loop honours retry-after and
  // shows the wait (Claude Code does), and another target is faster than waiting.
  const rateLimited = error.kind === 'http' && error.status === 429;
  const preferOther = error.kind === 'timeout' || rateLimited || (remainingTargets > 0 && error.kind === 'connect');
  if (attempt < policy.maxRetries && !tooLong && !preferOther) {
    const delayMs = retryAfter ?? backoffDelayMs(attempt, policy, random);
    if (elapsedMs + delayMs < policy.totalDeadlineMs) return { action: 'retry', delayMs };
  }

  if (remainingTargets > 0 && elapsedMs < policy.totalDeadlineMs) {
    const cooldownMs = error.status === 429 && error.kind === 'http' ? retryAfter : error.kind === 'connect' ? CONNECT_REFUSED_COOLDOWN_MS : null;
    return { action: 'fallback', cooldownMs };
  }
  return { action: 'fail' };
}

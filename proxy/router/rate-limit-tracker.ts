import type { IncomingHttpHeaders } from 'node:http';
import { explicitRetryAfterSeconds, header, parseDuration } from '../upstream/errors.js';
import type { Clock, RateLimitSnapshot } from './state.js';

/**
 * What one provider key has told us about its rate limits, read off every
 * response (success or error). Pure state plus an injected clock: no timers, so
 * a window "comes back" simply because the clock passed its reset time.
 *
 * Header families understood (see reference/providers.md §1.8, §2.3–2.6):
 * - Anthropic `anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,reset}`
 *   (also `anthropic-priority-*`), reset = RFC 3339;
 * - Anthropic subscription `anthropic-ratelimit-unified-<window>-{utilization,reset,status}` (utilization
 *   0..1, reset = epoch seconds) and the overall `anthropic-ratelimit-unified-{status,reset}`;
 * - OpenAI / Groq / GitHub `x-ratelimit-{limit,remaining,reset}-<family>`, reset = duration ("6m0s",
 *   "12ms") or a number (seconds from now, or an epoch when it is that large); GitHub sends
 *   `remaining` without `limit`;
 * - plain `x-ratelimit-{limit,remaining,reset}` (OpenRouter and others), reset = epoch s or ms;
 * - `retry-after-ms` / `retry-after` on 429/503/529, and Google `RESOURCE_EXHAUSTED` bodies carrying
 *   `google.rpc.RetryInfo.retryDelay` (single error object or an array of them).
 */

/** A 429 that says nothing about when to come back blocks this long: a guess, but never forever. */
export const DEFAULT_BLOCK_MS = 30_000;
/** A window whose reset nobody told us (GitHub) is assumed to end this long after we saw it; most limits are per minute. */
export const ASSUMED_WINDOW_MS = 60_000;
/** Upper bound on any block, so a garbage retry-after cannot park a provider for years. GitHub daily limits fit. */
export const MAX_BLOCK_MS = 24 * 3_600_000;
/** Route away below 20 % remaining. */
export const DEFAULT_HEADROOM_THRESHOLD = 0.2;

/**
 * The seeds' RATE_LIMIT_THRESHOLD is a fraction *used* ("0.8 = route away at 80 % used");
 * `available()` takes the fraction that must *remain*. 0.8 used → 0.2 remaining.
 */
export function headroomThreshold(usedFraction: number): number {
  return Math.min(1, Math.max(0, 1 - usedFraction));
}

export interface RateLimitTrackerOptions {
  defaultBlockMs?: number;
  assumedWindowMs?: number;
  maxBlockMs?: number;
}

/** Latest reading of one limit family, e.g. "anthropic-output-tokens", "x-requests", "unified-5h". */
export interface LimitFamily {
  name: string;
  limit: number | null;
  remaining: number | null;
  /** When the provider said the window refills (ms epoch), or null when it did not say. */
  resetAt: number | null;
  observedAt: number;
}

/** What one response said, for the attempt loop (feed retryAfterMs to decideAfterFailure). */
export interface Observation {
  /** 429, Google RESOURCE_EXHAUSTED, or an Anthropic unified limit rejected the request. */
  rateLimited: boolean;
  /** The provider's own wait (headers, RetryInfo, or the reset of an exhausted window), capped; null when only the default guess applies. */
  retryAfterMs: number | null;
}

type Update = { limit?: number; remaining?: number; resetAt?: number };

export class RateLimitTracker {
  private readonly families = new Map<string, LimitFamily>();
  private blockedUntil: number | null = null;
  private readonly defaultBlockMs: number;
  private readonly assumedWindowMs: number;
  private readonly maxBlockMs: number;

  constructor(
    private readonly clock: Clock,
    options: RateLimitTrackerOptions = {},
  ) {
    this.defaultBlockMs = options.defaultBlockMs ?? DEFAULT_BLOCK_MS;
    this.assumedWindowMs = options.assumedWindowMs ?? ASSUMED_WINDOW_MS;
    this.maxBlockMs = options.maxBlockMs ?? MAX_BLOCK_MS;
  }

  /** `headers` as Node and undici give them: names lower-cased. Runs after every upstream answer. */
  observe(status: number, headers: IncomingHttpHeaders, errorBody?: string): Observation {
    const now = this.clock.now();

    const updates = new Map<string, Update>();
    const set = (family: string, field: keyof Update, value: number | undefined) => {
      if (value === undefined) return;
      const u = updates.get(family) ?? {};
      u[field] = value;
      updates.set(family, u);
    };
    let unifiedRejected = false;
    let unifiedReset: number | undefined;
    const rejected: string[] = [];

    for (const name in headers) {
      // Most answers carry no limit headers at all: skip the rest before reading a value.
      if (!name.startsWith('anthropic-') && !name.startsWith('x-ratelimit-')) continue;
      const value = header(headers, name)?.trim();
      if (!value) continue;
      let m: RegExpExecArray | null;
      if (name.startsWith('anthropic-ratelimit-unified-')) {
        if (name === 'anthropic-ratelimit-unified-status') unifiedRejected = value === 'rejected';
        else if (name === 'anthropic-ratelimit-unified-reset') unifiedReset = epochMs(value);
        else if ((m = /^anthropic-ratelimit-unified-(.+)-(utilization|reset|status)$/.exec(name)) && !m[1].startsWith('overage')) {
          // Overage (pay-as-you-go extra usage) is a billing mode, not a window.
          const family = `unified-${m[1]}`;
          if (m[2] === 'utilization') {
            const used = num(value);
            set(family, 'limit', used === undefined ? undefined : 1);
            set(family, 'remaining', used === undefined ? undefined : Math.max(0, 1 - used));
          } else if (m[2] === 'reset') set(family, 'resetAt', epochMs(value));
          else if (value === 'rejected') rejected.push(family);
        }
      } else if ((m = /^anthropic-(ratelimit|priority)-(.+)-(limit|remaining|reset)$/.exec(name))) {
        const family = `anthropic-${m[1] === 'priority' ? 'priority-' : ''}${m[2]}`;
        set(family, m[3] === 'reset' ? 'resetAt' : (m[3] as 'limit' | 'remaining'), m[3] === 'reset' ? rfc3339(value) : num(value));
      } else if ((m = /^x-ratelimit-(limit|remaining|reset)(?:-(.+))?$/.exec(name))) {
        const family = m[2] ? `x-${m[2]}` : 'x';
        set(family, m[1] === 'reset' ? 'resetAt' : (m[1] as 'limit' | 'remaining'), m[1] === 'reset' ? xReset(value, now) : num(value));
      }
    }

    for (const family of rejected) set(family, 'remaining', 0); // whatever utilization said

    for (const [name, u] of updates) {
      const old = this.families.get(name);
      // Limits are stable, so an old one may pair with a new remaining (GitHub omits limit);
      // remaining and reset describe one window and are only ever replaced together.
      this.families.set(name, { name, limit: u.limit ?? old?.limit ?? null, remaining: u.remaining ?? null, resetAt: u.resetAt ?? null, observedAt: now });
    }
    for (const [name, f] of this.families) if (!this.live(f, now)) this.families.delete(name);

    const google = errorBody && status >= 400 ? googleRetryInfo(errorBody) : { exhausted: false, delayMs: null };
    const rateLimited = status === 429 || google.exhausted || unifiedRejected;
    let waitMs: number | null = null;
    if (status === 429 || status === 503 || status === 529) {
      const s = explicitRetryAfterSeconds(headers, now);
      if (s !== undefined && s >= 0) waitMs = s * 1000;
    }
    waitMs ??= google.delayMs;
    if (rateLimited && waitMs === null) {
      // No explicit wait: the exhausted windows in this very response say when it refills.
      const resets = [...updates.keys()]
        .map((n) => this.families.get(n))
        .filter((f): f is LimitFamily => !!f && f.remaining !== null && f.remaining <= 0 && f.resetAt !== null)
        .map((f) => f.resetAt as number);
      if (unifiedRejected && unifiedReset !== undefined) resets.push(unifiedReset);
      const until = resets.length ? Math.max(...resets) : 0;
      if (until > now) waitMs = until - now;
    }
    if (waitMs !== null) waitMs = Math.min(waitMs, this.maxBlockMs);
    const blockMs = waitMs ?? (rateLimited ? this.defaultBlockMs : null);
    // Blocks only grow: a later, shorter answer may come from a request sent before the first 429.
    if (blockMs !== null && now + blockMs > (this.blockedUntil ?? 0)) this.blockedUntil = now + blockMs;
    return { rateLimited, retryAfterMs: waitMs };
  }

  snapshot(): RateLimitSnapshot {
    const now = this.clock.now();
    let best: { headroom: number; resetAt: number | null } | null = null;
    for (const f of this.families.values()) {
      if (!this.live(f, now)) continue; // its window reset: fully available again
      const h = headroomOf(f);
      if (h === null) continue;
      // On a tie the later reset binds longer.
      if (!best || h < best.headroom || (h === best.headroom && (f.resetAt ?? 0) > (best.resetAt ?? 0))) best = { headroom: h, resetAt: f.resetAt };
    }
    const blocked = this.blockedUntil !== null && this.blockedUntil > now ? this.blockedUntil : null;
    return { headroom: best?.headroom ?? null, resetAt: best?.resetAt ?? null, blockedUntil: blocked };
  }

  /**
   * Whether to send this provider traffic now. `threshold` is the fraction that must remain
   * (see headroomThreshold). An exhausted window is unavailable even at threshold 0;
   * unknown headroom (no headers yet) counts as available.
   */
  available(threshold: number = DEFAULT_HEADROOM_THRESHOLD): boolean {
    const s = this.snapshot();
    if (s.blockedUntil !== null) return false;
    return s.headroom === null || (s.headroom > 0 && s.headroom >= threshold);
  }

  /** Milliseconds until the current block lifts (including the default guess for a bare 429), or null when not blocked. */
  retryAfterMs(): number | null {
    const now = this.clock.now();
    return this.blockedUntil !== null && this.blockedUntil > now ? this.blockedUntil - now : null;
  }

  /** The live families, for status pages and logs. */
  limits(): LimitFamily[] {
    const now = this.clock.now();
    return [...this.families.values()].filter((f) => this.live(f, now)).map((f) => ({ ...f }));
  }

  private live(f: LimitFamily, now: number): boolean {
    return now < (f.resetAt ?? f.observedAt + this.assumedWindowMs);
  }
}

function headroomOf(f: LimitFamily): number | null {
  if (f.remaining !== null && f.remaining <= 0) return 0;
  if (f.remaining === null || f.limit === null || f.limit <= 0) return null;
  return Math.min(1, f.remaining / f.limit);
}

/** Non-negative decimal; anything else (negative, "lots", "1e3x") is ignored. */
function num(v: string): number | undefined {
  return /^\d+(\.\d+)?$/.test(v) ? Number(v) : undefined;
}

function rfc3339(v: string): number | undefined {
  if (!/^\d{4}-\d\d-\d\dT/.test(v)) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

/** A bare number is an epoch in ms (≥1e12) or s (≥1e9). */
function epochMs(v: string): number | undefined {
  const n = num(v);
  if (n === undefined || n < 1e9) return undefined;
  return n >= 1e12 ? n : n * 1000;
}

/** x-ratelimit reset: an epoch, seconds from now, or a duration like "6m0s". */
function xReset(v: string, now: number): number | undefined {
  const epoch = epochMs(v);
  if (epoch !== undefined) return epoch;
  const s = parseDuration(v);
  return s === undefined ? undefined : now + s * 1000;
}

/** Google's 429 body: {"error":{"status":"RESOURCE_EXHAUSTED","details":[{"@type":"….RetryInfo","retryDelay":"37s"}]}}, or an array of those. */
function googleRetryInfo(body: string): { exhausted: boolean; delayMs: number | null } {
  if (!body.includes('RESOURCE_EXHAUSTED')) return { exhausted: false, delayMs: null };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { exhausted: true, delayMs: null }; // truncated or wrapped: still a quota error
  }
  let exhausted = false;
  let delayMs: number | null = null;
  for (const item of Array.isArray(json) ? json : [json]) {
    const err = (item as { error?: { status?: unknown; details?: unknown } } | null)?.error;
    if (!err || err.status !== 'RESOURCE_EXHAUSTED') continue;
    exhausted = true;
    for (const d of Array.isArray(err.details) ? err.details : []) {
      const detail = d as { '@type'?: unknown; retryDelay?: unknown } | null;
      if (typeof detail?.['@type'] !== 'string' || !detail['@type'].endsWith('google.rpc.RetryInfo')) continue;
      const s = typeof detail.retryDelay === 'string' ? parseDuration(detail.retryDelay) : undefined;
      if (s !== undefined) delayMs = Math.max(delayMs ?? 0, s * 1000);
    }
  }
  return { exhausted, delayMs };
}

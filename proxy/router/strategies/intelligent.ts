import type { Candidate, RateLimitSnapshot, RequestFacts, Strategy } from '../state.js';
import { expectedSuccess } from './availability.js';
import { estimatedCostUsd } from './cost.js';
import { medianOf, partitionServable, rankReadyFirst } from './serve.js';

// score = W_HEALTH·health + W_HEADROOM·headroom + W_LATENCY·latency + W_COST·cost + W_PRIORITY·priority
// Every part is in 0..1 and the weights sum to 1, so the score is in 0..1.
// Parts are computed over the candidates that can serve now (the rest go last).
//   health   = circuit factor (closed 1, half-open 0.5) × expectedSuccess (availability.ts)
//   headroom = 1 when unknown or its reset has passed; min(1, h / 0.3) at h ≥ 0.2; (h / 0.2) × 0.1 below
//   latency  = fastest TTFT EWMA / this TTFT EWMA (unknown = median of the known)
//   cost     = (cheapest + floor) / (this + floor) on estimated request USD (unknown = the dearest known)
//   priority = 1 / (1 + position among the ready candidates in the user's order)
// The priority part is the only quality signal there is: without it any
// slightly cheaper or faster (often weaker) model would displace the user's
// first choice. With it, the first choice moves on health or rate-limit trouble,
// or for a clear gain (about 2× faster and 2× cheaper, see the tests).

export const W_HEALTH = 0.4;
export const W_HEADROOM = 0.25;
export const W_PRIORITY = 0.15;
export const W_LATENCY = 0.1;
export const W_COST = 0.1;

const HALF_OPEN_FACTOR = 0.5;
/** Below this much of a limit left, the provider is about to get 429s: heavy penalty. */
export const LOW_HEADROOM = 0.2;
/** The most a provider below LOW_HEADROOM can get for headroom (a cliff from 0.67 at the threshold). */
const LOW_HEADROOM_MAX = 0.1;
/** At or above this much left, headroom is no concern. */
export const COMFORTABLE_HEADROOM = 0.3;
/** A tenth of a cent: price gaps below this are not worth leaving a provider for (and free ≠ infinitely better). */
export const COST_FLOOR_USD = 0.001;

export interface ScoreParts {
  health: number;
  headroom: number;
  latency: number;
  cost: number;
  priority: number;
}

export interface ScoredCandidate {
  candidate: Candidate;
  score: number;
  parts: ScoreParts;
}

/**
 * Headroom part. Unknown scores 1: many providers send no rate-limit headers,
 * and a 429 already shows as blockedUntil; scoring unknown lower would only
 * punish them. A reading whose reset time has passed is stale, hence unknown.
 */
export function headroomScore(rl: RateLimitSnapshot, now: number): number {
  const h = rl.headroom;
  if (h === null || !Number.isFinite(h) || (rl.resetAt !== null && rl.resetAt <= now)) return 1;
  if (h < LOW_HEADROOM) return (Math.max(0, h) / LOW_HEADROOM) * LOW_HEADROOM_MAX;
  return Math.min(1, h / COMFORTABLE_HEADROOM);
}

/** Scores of the candidates that can serve now, in input order (for the UI and tests). */
export function intelligentScores(candidates: readonly Candidate[], facts: RequestFacts, now: number): ScoredCandidate[] {
  return scoreReady(partitionServable(candidates, facts, now).ready, facts, now);
}

function scoreReady(ready: readonly Candidate[], facts: RequestFacts, now: number): ScoredCandidate[] {
  const ttft = ready.map((c) => known(c.snapshot.latency.ttftEwmaMs));
  const midTtft = medianOf(ttft.filter((v): v is number => v !== null));
  const speed = ttft.map((v) => Math.max(1, v ?? midTtft ?? 1));
  const fastest = Math.min(...speed);

  const usd = ready.map((c) => estimatedCostUsd(c, facts));
  const priced = usd.filter((v): v is number => v !== null);
  const cheapest = priced.length ? Math.min(...priced) : 0;
  const dearest = priced.length ? Math.max(...priced) : 0;

  return ready.map((c, i) => {
    const s = c.snapshot;
    const parts: ScoreParts = {
      health: (s.circuit === 'half-open' ? HALF_OPEN_FACTOR : 1) * expectedSuccess(s),
      headroom: headroomScore(s.rateLimit, now),
      latency: fastest / speed[i],
      cost: (cheapest + COST_FLOOR_USD) / ((usd[i] ?? dearest) + COST_FLOOR_USD),
      priority: 1 / (1 + i),
    };
    const score =
      W_HEALTH * parts.health + W_HEADROOM * parts.headroom + W_LATENCY * parts.latency + W_COST * parts.cost + W_PRIORITY * parts.priority;
    return { candidate: c, score, parts };
  });
}

function known(v: number | null): number | null {
  return v !== null && Number.isFinite(v) ? v : null;
}

/** Highest score first; equal scores keep the user's order; unavailable last. */
export const intelligent: Strategy = (candidates, facts, now) =>
  rankReadyFirst(candidates, facts, now, (ready) => scoreReady(ready, facts, now).map((x) => [-x.score]));

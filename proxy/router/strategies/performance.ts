import type { Strategy } from '../state.js';
import { medianOf, rankReadyFirst } from './serve.js';

/**
 * TTFT differences below this are noise (one EWMA sample moves more than
 * that), so TTFT is compared in buckets of this size and near-equal ones fall
 * through to total latency, then to the user's order.
 */
export const TTFT_BUCKET_MS = 50;

/**
 * Lowest recent time to first token first (EWMA, bucketed), then lowest total
 * latency EWMA. A provider with no samples yet is ranked as if it had the
 * median of the known values: a new provider deserves a try, so it is not put
 * last, but it should not push aside one that has proven fast either. With no
 * samples at all the order is the user's.
 */
export const performance: Strategy = (candidates, facts, now) =>
  rankReadyFirst(candidates, facts, now, (ready) => {
    const ttft = ready.map((c) => c.snapshot.latency.ttftEwmaMs);
    const total = ready.map((c) => c.snapshot.latency.ewmaMs);
    const midTtft = medianOf(ttft.filter(isKnown)) ?? 0;
    const midTotal = medianOf(total.filter(isKnown)) ?? 0;
    return ready.map((_, i) => [Math.floor((ttft[i] ?? midTtft) / TTFT_BUCKET_MS), total[i] ?? midTotal]);
  });

function isKnown(v: number | null): v is number {
  return v !== null && Number.isFinite(v);
}

import { GatewayError } from '../protocol/anthropic/errors.js';
import { LIMIT_KEYS, THRESHOLDS, type BudgetAction, type DowngradeTo, type Threshold, type WindowKind } from './types.js';
import { clockTime, durationUntil, windowAdjective, windowPhrase } from './windows.js';

// Pure budget rules: which thresholds a window has crossed, what state it is
// in, and the words of alerts and of the error a blocked client sees.

export type WindowState = 'off' | 'ok' | 'warning' | 'exceeded';

/** One window as the rules see it. */
export interface WindowView {
  kind: WindowKind;
  limitUsd: number | null;
  spentUsd: number;
  /** ms epoch when the window resets. */
  end: number;
}

export function windowState(spentUsd: number, limitUsd: number | null): WindowState {
  if (limitUsd === null) return 'off';
  if (spentUsd >= limitUsd) return 'exceeded';
  return spentUsd >= 0.8 * limitUsd ? 'warning' : 'ok';
}

/** Thresholds reached at this spend, lowest first. */
export function reachedThresholds(spentUsd: number, limitUsd: number | null): Threshold[] {
  if (limitUsd === null) return [];
  return THRESHOLDS.filter((t) => spentUsd >= t * limitUsd);
}

/** "$12.34", or four decimals below a dollar so small test and local budgets stay readable. */
export function formatUsd(usd: number): string {
  return `$${usd >= 1 ? usd.toFixed(2) : usd.toFixed(4)}`;
}

/** What the 100 % action does, in words: "requests are blocked", "opus and sonnet requests go as haiku". */
export function actionPhrase(action: BudgetAction, downgradeTo: DowngradeTo, cheapest: string | null): string {
  if (action === 'block') return 'requests are blocked';
  if (action === 'alert') return 'requests continue (alert only)';
  if (downgradeTo === 'haiku') return 'opus- and sonnet-tier requests are sent as haiku-tier requests';
  return cheapest ? `all requests go to the cheapest target, ${cheapest}` : 'no target has a known price, so opus- and sonnet-tier requests are sent as haiku-tier requests';
}

/** The plain-words reason of a budget alert event. */
export function alertReason(w: WindowView, threshold: Threshold, action: BudgetAction, downgradeTo: DowngradeTo, cheapest: string | null, now: number, note = ''): string {
  const spent = `${formatUsd(w.spentUsd)} of ${formatUsd(w.limitUsd ?? 0)} spent ${windowPhrase(w.kind)}`;
  const resets = `resets at ${clockTime(w.end)}`;
  if (threshold === 1) {
    const until = action === 'alert' ? '' : ` until it ${resets} (in ${durationUntil(w.end, now)})`;
    return `${windowAdjective(w.kind)} budget reached: ${spent}${note}; ${actionPhrase(action, downgradeTo, cheapest)}${until}`;
  }
  const then = action === 'alert' ? '' : `; at 100 % ${actionPhrase(action, downgradeTo, cheapest)}`;
  return `80 % of the ${windowAdjective(w.kind)} budget used: ${spent}${note} (${resets})${then}`;
}

/**
 * The window that decides a blocked or downgraded request: of the exceeded
 * windows, the one that resets last (that is when requests go through again).
 */
export function limitingWindow(windows: readonly WindowView[]): WindowView | null {
  let out: WindowView | null = null;
  for (const w of windows) {
    if (windowState(w.spentUsd, w.limitUsd) !== 'exceeded') continue;
    if (!out || w.end > out.end) out = w;
  }
  return out;
}

/**
 * The error a blocked request gets. 402 billing_error: Claude Code shows the
 * message as "API Error: ...", and neither it nor the Anthropic SDK retries a
 * 402 or falls back to another model on a billing_error (429 and 5xx are retried,
 * 401 and 403 tell the user to /login). The message avoids the phrase "credit
 * balance is too low", which Claude Code replaces with Anthropic's own billing text.
 */
export function budgetExceededError(w: WindowView, now: number): GatewayError {
  const key = LIMIT_KEYS[w.kind];
  const message =
    `Switchboard ${windowAdjective(w.kind)} budget used up: ${formatUsd(w.spentUsd)} spent of ${formatUsd(w.limitUsd ?? 0)} ${windowPhrase(w.kind)}, ` +
    `so requests are blocked until it resets at ${clockTime(w.end)} (in ${durationUntil(w.end, now)}). ` +
    `To change it, set budgets.${key.field} (or $${key.env}) in the Switchboard config, or use the admin API: ` +
    `PUT /api/budget on the router port with {"${key.field}": <USD>} or {"action": "alert"}.`;
  return new GatewayError(402, message, { type: 'billing_error', retryable: false, headers: { 'x-switchboard-budget': 'blocked' } });
}

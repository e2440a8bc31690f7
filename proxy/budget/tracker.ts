import type { GatewayError } from '../protocol/anthropic/errors.js';
import type { Clock } from '../router/state.js';
import { systemClock } from '../router/state.js';
import type { UsageRow } from '../usage/ledger/row.js';
import type { UsageRecorder } from '../usage/recorder.js';
import { normaliseLimit } from './config.js';
import { alertReason, budgetExceededError, limitingWindow, reachedThresholds, windowState, type WindowState, type WindowView } from './policy.js';
import { WINDOW_KINDS, type BudgetAction, type BudgetChange, type BudgetSettings, type DowngradeTo, type Threshold, type WindowKind } from './types.js';
import { windowAdjective, windowAt } from './windows.js';

// Spend per budget window, alerts at 80 % and 100 %, and the action in force.
// Costs arrive from the usage recorder when each request finishes and count in
// the window current at that moment. The request path only reads `enforcing`
// (a plain field); everything with dates happens when a cost arrives, or in
// decide() while an action is in force.

/** A budget alert, as it goes on the event bus. */
export interface BudgetAlert {
  type: 'budget';
  at: number;
  window: WindowKind;
  threshold: Threshold;
  spentUsd: number;
  limitUsd: number;
  /** When the window resets, ms epoch. */
  resetsAt: number;
  /** What was done at this threshold: 'alert' at 80 %, the configured action at 100 %. */
  action: BudgetAction;
  downgradeTo?: DowngradeTo;
  reason: string;
}

export type BudgetDecision =
  | { kind: 'pass' }
  | { kind: 'block'; error: GatewayError }
  | { kind: 'downgrade'; to: DowngradeTo; window: WindowKind; reason: string };

export interface WindowStatus {
  window: WindowKind;
  limitUsd: number | null;
  spentUsd: number;
  /** spent / limit × 100, one decimal; null without a limit. */
  percent: number | null;
  state: WindowState;
  /** Requests with tokens but no known price in this window: their cost is not in spentUsd. */
  unpricedRequests: number;
  startedAt: number;
  resetsAt: number;
}

export interface BudgetStatus extends BudgetSettings {
  /** The action applied to requests right now ('block' or 'downgrade'), or null. */
  inForce: 'block' | 'downgrade' | null;
  windows: WindowStatus[];
}

export interface BudgetTrackerOptions {
  clock?: Clock;
  /** Where alerts go (the router's event bus). */
  emit?: (alert: BudgetAlert) => void;
  /** "ollama,qwen3-coder": the cheapest target, named in alerts when downgrading to it; null when none is priced. */
  cheapest?: () => string | null;
}

interface WindowSlot {
  kind: WindowKind;
  limitUsd: number | null;
  start: number;
  end: number;
  spentUsd: number;
  unpriced: number;
  fired: Set<Threshold>;
}

const PASS: BudgetDecision = { kind: 'pass' };

export class BudgetTracker {
  /** True while a window is exceeded and the action is block or downgrade: the request path checks only this. */
  enforcing = false;
  /** Told about every change made through configure(); set by the Gateway to persist it. */
  onChange: ((change: BudgetChange) => void) | null = null;
  private cfg: BudgetSettings;
  private readonly slots: WindowSlot[];
  private readonly clock: Clock;
  private readonly emit: (alert: BudgetAlert) => void;
  private readonly cheapest: () => string | null;
  private recorder: UsageRecorder | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(settings: BudgetSettings, opts: BudgetTrackerOptions = {}) {
    this.cfg = { ...settings };
    this.clock = opts.clock ?? systemClock;
    this.emit = opts.emit ?? (() => {});
    this.cheapest = opts.cheapest ?? (() => null);
    const now = this.clock.now();
    this.slots = WINDOW_KINDS.map((kind) => ({ kind, limitUsd: this.limitOf(kind), ...windowAt(kind, now), spentUsd: 0, unpriced: 0, fired: new Set<Threshold>() }));
  }

  get settings(): BudgetSettings {
    return { ...this.cfg };
  }

  /** Any window has a limit. */
  get active(): boolean {
    return this.cfg.hourlyUsd !== null || this.cfg.dailyUsd !== null;
  }

  /**
   * Counts the rows of `recorder` while any window has a limit. Subscribing only
   * then keeps a gateway with budgets and the ledger both off from building rows.
   */
  attach(recorder: UsageRecorder): void {
    this.recorder = recorder;
    this.syncSubscription();
  }

  /**
   * Spend so far in each window, read once at start (the usage ledger) so a
   * restart does not reset the budget. Thresholds already crossed alert now,
   * once: this process's event stream has not said so yet.
   */
  seed(spendSince: (from: number) => { spentUsd: number; unpriced: number }): void {
    const now = this.clock.now();
    for (const s of this.slots) {
      this.roll(s, now);
      const seen = spendSince(s.start);
      s.spentUsd = seen.spentUsd;
      s.unpriced = seen.unpriced;
      this.checkThresholds(s, now, ' (counted from the usage ledger at start)');
    }
    this.refresh();
  }

  /** One finished request's row. Unknown-price rows add nothing (never treated as free or as a guess). */
  record(row: Pick<UsageRow, 'costUsd' | 'inputTokens' | 'outputTokens'>): void {
    const cost = row.costUsd;
    if (typeof cost === 'number') {
      if (cost > 0) this.add(cost);
    } else if (row.inputTokens != null || row.outputTokens != null) {
      this.add(null); // tokens were used, but at an unknown price
    }
  }

  /** Adds a cost (null: a request whose price is unknown) to every window at the clock's now. */
  add(costUsd: number | null): void {
    const now = this.clock.now();
    for (const s of this.slots) {
      this.roll(s, now);
      if (costUsd === null) {
        s.unpriced++;
        continue;
      }
      if (!(costUsd > 0) || !Number.isFinite(costUsd)) continue;
      s.spentUsd += costUsd;
      this.checkThresholds(s, now);
    }
    this.refresh();
  }

  /**
   * What to do with a request while `enforcing`. Windows that have reset since
   * are rolled first, so a new hour lets requests through again without waiting
   * for a cost to arrive.
   */
  decide(): BudgetDecision {
    const now = this.clock.now();
    for (const s of this.slots) this.roll(s, now);
    this.refresh();
    if (!this.enforcing) return PASS;
    const w = limitingWindow(this.slots.map(view));
    if (!w) return PASS;
    if (this.cfg.action === 'block') return { kind: 'block', error: budgetExceededError(w, now) };
    return { kind: 'downgrade', to: this.cfg.downgradeTo, window: w.kind, reason: `${windowAdjective(w.kind)} budget reached` };
  }

  /**
   * Changes limits or the action at runtime. Thresholds the spend is now below
   * are re-armed (a new limit is a new threshold); ones it is already at alert now.
   */
  configure(change: BudgetChange): void {
    const next: BudgetSettings = { ...this.cfg, ...change };
    if (change.hourlyUsd !== undefined) next.hourlyUsd = normaliseLimit(change.hourlyUsd);
    if (change.dailyUsd !== undefined) next.dailyUsd = normaliseLimit(change.dailyUsd);
    this.cfg = next;
    const now = this.clock.now();
    for (const s of this.slots) {
      this.roll(s, now);
      s.limitUsd = this.limitOf(s.kind);
      const reached = new Set(reachedThresholds(s.spentUsd, s.limitUsd));
      for (const t of [...s.fired]) if (!reached.has(t)) s.fired.delete(t);
      this.checkThresholds(s, now, ' (after a budget change)');
    }
    this.refresh();
    this.syncSubscription();
    this.onChange?.(change);
  }

  status(): BudgetStatus {
    const now = this.clock.now();
    for (const s of this.slots) this.roll(s, now);
    this.refresh();
    return {
      ...this.cfg,
      inForce: this.enforcing && this.cfg.action !== 'alert' ? this.cfg.action : null,
      windows: this.slots.map((s) => ({
        window: s.kind,
        limitUsd: s.limitUsd,
        spentUsd: s.spentUsd,
        percent: s.limitUsd === null ? null : Math.round((s.spentUsd / s.limitUsd) * 1000) / 10,
        state: windowState(s.spentUsd, s.limitUsd),
        unpricedRequests: s.unpriced,
        startedAt: s.start,
        resetsAt: s.end,
      })),
    };
  }

  private limitOf(kind: WindowKind): number | null {
    return kind === 'hour' ? this.cfg.hourlyUsd : this.cfg.dailyUsd;
  }

  /** A window whose end has passed starts over: nothing spent, alerts re-armed. */
  private roll(s: WindowSlot, now: number): void {
    if (now < s.end && now >= s.start) return;
    const b = windowAt(s.kind, now);
    s.start = b.start;
    s.end = b.end;
    s.spentUsd = 0;
    s.unpriced = 0;
    s.fired.clear();
  }

  private checkThresholds(s: WindowSlot, now: number, note = ''): void {
    for (const t of reachedThresholds(s.spentUsd, s.limitUsd)) {
      if (s.fired.has(t)) continue;
      s.fired.add(t);
      const action: BudgetAction = t === 1 ? this.cfg.action : 'alert';
      const cheapest = this.cfg.action === 'downgrade' && this.cfg.downgradeTo === 'cheapest' ? this.cheapest() : null;
      const alert: BudgetAlert = {
        type: 'budget',
        at: now,
        window: s.kind,
        threshold: t,
        spentUsd: s.spentUsd,
        limitUsd: s.limitUsd as number,
        resetsAt: s.end,
        action,
        reason: alertReason(view(s), t, this.cfg.action, this.cfg.downgradeTo, cheapest, now, note),
      };
      if (action === 'downgrade') alert.downgradeTo = this.cfg.downgradeTo;
      this.emit(alert);
    }
  }

  private refresh(): void {
    this.enforcing = this.cfg.action !== 'alert' && this.slots.some((s) => windowState(s.spentUsd, s.limitUsd) === 'exceeded');
  }

  private syncSubscription(): void {
    if (!this.recorder) return;
    if (this.active && !this.unsubscribe) this.unsubscribe = this.recorder.subscribe((row) => this.record(row));
    else if (!this.active && this.unsubscribe) {
      this.unsubscribe();
      this.unsubscribe = null;
    }
  }
}

function view(s: WindowSlot): WindowView {
  return { kind: s.kind, limitUsd: s.limitUsd, spentUsd: s.spentUsd, end: s.end };
}

// The budget vocabulary shared by config, tracker, policy, admin API and events.

/** Calendar windows: the local clock's hour (xx:00 to xx:00) and the local calendar day (midnight to midnight). */
export type WindowKind = 'hour' | 'day';

export const WINDOW_KINDS: readonly WindowKind[] = ['hour', 'day'];

export const BUDGET_ACTIONS = ['alert', 'block', 'downgrade'] as const;
/** What happens while a window is at or above 100 %: only the alert, refuse requests, or send them somewhere cheaper. */
export type BudgetAction = (typeof BUDGET_ACTIONS)[number];

export const DOWNGRADE_TARGETS = ['haiku', 'cheapest'] as const;
/** 'haiku': opus/sonnet-tier requests go as haiku-tier requests; 'cheapest': every request goes to the cheapest priced target. */
export type DowngradeTo = (typeof DOWNGRADE_TARGETS)[number];

/** Alert thresholds as fractions of the limit; each fires once per window. */
export type Threshold = 0.8 | 1;
export const THRESHOLDS: readonly Threshold[] = [0.8, 1];

export interface BudgetSettings {
  /** USD per calendar hour; null: no hourly budget. */
  hourlyUsd: number | null;
  /** USD per local calendar day; null: no daily budget. */
  dailyUsd: number | null;
  action: BudgetAction;
  downgradeTo: DowngradeTo;
}

/** A change through the admin API (only the fields given). */
export type BudgetChange = Partial<BudgetSettings>;

/** The seeds' defaults (HOURLY_COST_ALERT_THRESHOLD=10, DAILY_COST_ALERT_THRESHOLD=50), alerts only. */
export const DEFAULT_BUDGETS: BudgetSettings = { hourlyUsd: 10, dailyUsd: 50, action: 'alert', downgradeTo: 'haiku' };

/** The config key and environment variable of each window's limit, for messages that say how to change it. */
export const LIMIT_KEYS: Record<WindowKind, { field: 'hourlyUsd' | 'dailyUsd'; env: string }> = {
  hour: { field: 'hourlyUsd', env: 'HOURLY_COST_ALERT_THRESHOLD' },
  day: { field: 'dailyUsd', env: 'DAILY_COST_ALERT_THRESHOLD' },
};

import { ConfigError } from '../config/errors.js';
import type { Env } from '../config/resolve.js';
import { DEFAULT_BUDGETS, LIMIT_KEYS, type BudgetAction, type BudgetSettings, type DowngradeTo } from './types.js';

// budgets.* from the config file, else the seeds' environment variables
// (HOURLY_COST_ALERT_THRESHOLD, DAILY_COST_ALERT_THRESHOLD), else the defaults.
// The config file wins over the environment, as server.adminToken does over
// $SWITCHBOARD_ADMIN_TOKEN; a change through the admin API wins over both.

export interface BudgetsConfig {
  hourlyUsd?: number | null;
  dailyUsd?: number | null;
  action?: BudgetAction;
  downgradeTo?: DowngradeTo;
}

export function resolveBudgets(config: BudgetsConfig | undefined, env: Env): BudgetSettings {
  return {
    hourlyUsd: limit(config?.hourlyUsd, env, LIMIT_KEYS.hour.env, DEFAULT_BUDGETS.hourlyUsd),
    dailyUsd: limit(config?.dailyUsd, env, LIMIT_KEYS.day.env, DEFAULT_BUDGETS.dailyUsd),
    action: config?.action ?? DEFAULT_BUDGETS.action,
    downgradeTo: config?.downgradeTo ?? DEFAULT_BUDGETS.downgradeTo,
  };
}

/** 0 and null both mean "no budget for this window". */
export function normaliseLimit(usd: number | null | undefined): number | null {
  return usd === undefined || usd === null || usd === 0 ? null : usd;
}

function limit(configured: number | null | undefined, env: Env, name: string, fallback: number | null): number | null {
  if (configured !== undefined) return normaliseLimit(configured);
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const usd = Number(raw);
  if (!Number.isFinite(usd) || usd < 0) throw new ConfigError(`$${name}: "${raw}" is not an amount of US dollars (a number ≥ 0; 0 turns the budget off)`);
  return normaliseLimit(usd);
}

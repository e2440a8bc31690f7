import type { Settings } from '../config/resolve.js';
import { DEFAULT_HEADROOM_THRESHOLD } from './rate-limit-tracker.js';
import { ROUTED_SCENARIOS, targetString, type RoutedScenario, type ScenarioRoutes, type ScenarioTarget } from './scenario-routes.js';

// The router port's scenario routes and thresholds as they apply now: the config
// file's, with what the user changed through the admin API over them (per scenario
// and per threshold, so an untouched one keeps following the config file). The
// request path reads one frozen RouteSettings object; a change builds a new one
// and swaps it in, so no request ever sees half a change and none pays for it.

export interface Thresholds {
  /** Route away from a provider when less than this fraction of its rate limit remains (0..1). */
  rateLimitThreshold: number;
  /** Estimated prompt tokens above which a request is the longContext scenario. */
  longContextThreshold: number;
}

export interface RouteSettings {
  readonly scenarios: Readonly<ScenarioRoutes>;
  readonly thresholds: Readonly<Thresholds>;
}

/** What the user set through the admin API; an empty list removes a scenario's route. */
export interface RouteOverrides {
  scenarios: Partial<Record<RoutedScenario, ScenarioTarget[]>>;
  thresholds: Partial<Thresholds>;
}

export function emptyOverrides(): RouteOverrides {
  return { scenarios: {}, thresholds: {} };
}

/** Config file + overrides. Targets of providers not enabled now are left out, so GET /api/routing says what a request gets. */
export function effectiveRoutes(settings: Settings, o: RouteOverrides): RouteSettings {
  const scenarios: ScenarioRoutes = {};
  for (const s of ROUTED_SCENARIOS) {
    const list = (o.scenarios[s] ?? settings.scenarioRoutes[s] ?? []).filter((t) => settings.providers.has(t.provider));
    if (list.length) scenarios[s] = list.map((t) => ({ ...t }));
  }
  const thresholds: Thresholds = {
    rateLimitThreshold: o.thresholds.rateLimitThreshold ?? settings.rateLimitThreshold ?? DEFAULT_HEADROOM_THRESHOLD,
    longContextThreshold: o.thresholds.longContextThreshold ?? settings.longContextThreshold,
  };
  return deepFreeze({ scenarios, thresholds });
}

/** What changed, in plain words ("think → b,b-think, then a"), and the fields ("scenarios.think"); empty when nothing did. */
export function describeRouteChange(before: RouteSettings, after: RouteSettings): { fields: string[]; parts: string[] } {
  const fields: string[] = [];
  const parts: string[] = [];
  for (const s of ROUTED_SCENARIOS) {
    const was = (before.scenarios[s] ?? []).map(targetString);
    const now = (after.scenarios[s] ?? []).map(targetString);
    if (was.join('\n') === now.join('\n')) continue;
    fields.push(`scenarios.${s}`);
    parts.push(now.length ? `${s} → ${now.join(', then ')}` : `${s} scenario route removed (the strategy decides)`);
  }
  const t0 = before.thresholds;
  const t1 = after.thresholds;
  if (t0.rateLimitThreshold !== t1.rateLimitThreshold) {
    fields.push('thresholds.rateLimitThreshold');
    parts.push(`rate-limit threshold ${pct(t0.rateLimitThreshold)} → ${pct(t1.rateLimitThreshold)} of the limit remaining`);
  }
  if (t0.longContextThreshold !== t1.longContextThreshold) {
    fields.push('thresholds.longContextThreshold');
    parts.push(`long-context threshold ${tokens(t0.longContextThreshold)} → ${tokens(t1.longContextThreshold)} tokens`);
  }
  return { fields, parts };
}

/** Overrides as state.json and the admin API write them (targets as strings). */
export function overridesToJson(o: RouteOverrides): { scenarios: Partial<Record<RoutedScenario, string[]>>; thresholds: Partial<Thresholds> } {
  const scenarios: Partial<Record<RoutedScenario, string[]>> = {};
  for (const s of ROUTED_SCENARIOS) {
    const list = o.scenarios[s];
    if (list) scenarios[s] = list.map(targetString);
  }
  return { scenarios, thresholds: { ...o.thresholds } };
}

const pct = (v: number) => `${Math.round(v * 1000) / 10} %`;
const tokens = (v: number) => v.toLocaleString('en-US');

function deepFreeze<T extends object>(o: T): T {
  for (const v of Object.values(o)) if (typeof v === 'object' && v !== null) deepFreeze(v as object);
  return Object.freeze(o);
}

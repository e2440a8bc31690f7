// Wire types of the admin API, as the gateway sends them (README "Admin API",
// "Managing providers from the API", "Usage API", "Budgets", "Prices"). The usage
// figures come from the gateway's own dependency-free proxy/usage/query/wire.ts,
// type-only, so the bundle never pulls in gateway code; the rest are written out
// here (their server definitions import server modules).

import type { LatencyPercentiles, RangeOut, UsageTotals } from '../../../proxy/usage/query/wire.js';

export type StrategyName = 'priority' | 'cost' | 'performance' | 'availability' | 'intelligent';
export const STRATEGY_ORDER: readonly StrategyName[] = ['priority', 'cost', 'performance', 'availability', 'intelligent'];
export type CircuitState = 'closed' | 'open' | 'half-open';
export type Health = 'healthy' | 'degraded' | 'rate-limited' | 'cooling-down' | 'down' | 'unknown';
export type Tier = 'opus' | 'sonnet' | 'haiku';

export interface PortInfo {
  port: number;
  /** 'router' or a provider id. */
  use: string;
  url: string;
}

export interface ProviderStatus {
  id: string;
  label: string;
  dialect: string;
  ports: Array<{ port: number; use: string }>;
  priorityIndex: number | null;
  health: Health;
  circuit: CircuitState;
  breaker: { state: CircuitState; consecutiveFailures: number; failures: number; samples: number; errorRate: number | null; openUntil: number | null; probesInFlight: number };
  rateLimit: { headroom: number | null; resetAt: number | null; blockedUntil: number | null; low?: boolean };
  limits: Array<{ name: string; limit: number | null; remaining: number | null; resetAt: number | null; observedAt: number }>;
  latency: { ewmaMs: number | null; ttftEwmaMs: number | null; p50Ms: number | null; p95Ms: number | null; p99Ms: number | null };
  successRate: number | null;
  samples: number;
  cooldownUntil: number | null;
  probe: { ok: boolean; latencyMs: number; status?: number; error?: string; at: number } | null;
}

export interface GatewayState {
  version: string;
  strategy: StrategyName;
  strategies: Record<StrategyName, string>;
  priority: string[];
  ports: PortInfo[];
  providers: ProviderStatus[];
}

/** The router port's scenarios that can have targets of their own (README "Scenario routes"). */
export type ScenarioName = 'background' | 'think' | 'longContext' | 'webSearch' | 'image';
export const SCENARIO_ORDER: readonly ScenarioName[] = ['background', 'think', 'longContext', 'webSearch', 'image'];

export interface RouterThresholds {
  /** Avoid a provider with less than this fraction of its rate limit left (0..1). */
  rateLimitThreshold: number;
  /** Estimated prompt tokens above which a request is the longContext scenario. */
  longContextThreshold: number;
}

export interface Routing {
  strategy: StrategyName;
  priority: string[];
  /** Per scenario, its targets in order: "provider,model" or "provider" (its own model); [] = none. */
  scenarios: Record<ScenarioName, string[]>;
  thresholds: RouterThresholds;
}

/** PUT /api/routing: only the fields given change; a scenario's [] removes its route. */
export interface RoutingChange {
  strategy?: StrategyName;
  priority?: string[];
  scenarios?: Partial<Record<ScenarioName, string[]>>;
  thresholds?: Partial<RouterThresholds>;
}

// ---- events (GET /api/events) ----

interface EventBase {
  id: number;
  at: number;
  reason: string;
}
export type GatewayEvent = EventBase &
  (
    | { type: 'route'; port: number; provider: string; model: string; strategy: string; scenario: string }
    | { type: 'failover'; from: string; to: string | null; status: number }
    | { type: 'retry'; provider: string; status: number; delayMs: number }
    | { type: 'circuit'; provider: string; state: CircuitState }
    | { type: 'cooldown'; provider: string; until: number }
    | { type: 'health'; provider: string; ok: boolean }
    | { type: 'strategy'; strategy: StrategyName }
    | { type: 'priority'; priority: string[] }
    | { type: 'reset' }
    /** Scenario routes or router thresholds changed; `fields` such as "scenarios.think". */
    | { type: 'routing'; fields: string[] }
    /** Providers or ports changed through the admin API. */
    | { type: 'config'; providers: string[] }
    | { type: 'budget'; window: 'hour' | 'day'; threshold: number; spentUsd: number; limitUsd: number; resetsAt: number; action: string; downgradeTo?: string }
  );
export type EventType = GatewayEvent['type'];
export const EVENT_TYPES: readonly EventType[] = ['route', 'failover', 'retry', 'circuit', 'cooldown', 'health', 'strategy', 'priority', 'reset', 'routing', 'budget', 'config'];

// ---- providers (new endpoints) ----

export interface ModelTiers {
  opus: string;
  sonnet: string;
  haiku: string;
}

export interface ProviderView {
  id: string;
  type: string;
  label: string;
  dialect: string;
  enabled: boolean;
  source: 'config' | 'env' | 'ui';
  /** Changed through the API (saved in the state dir). */
  edited?: boolean;
  baseUrl: string;
  port: number | null;
  running: boolean;
  models: ModelTiers;
  modelMap: Record<string, string>;
  key: { set: boolean; hint: string | null; env: string | null; source?: string };
  google?: { region: string; project: string; credentialsFile: string };
  /** Why it is not in use, in plain words; null when it is. */
  problem?: string | null;
}

export interface PresetView {
  type: string;
  label: string;
  dialect: string;
  /** The dialects it can be reached in (the first is the default). */
  dialects?: string[];
  needsKey: boolean;
  /** Whether it takes an API key at all (Ollama and Vertex AI do not). */
  takesKey?: boolean;
  keyEnv: string[];
  defaultBaseUrl: string;
  defaultModels: ModelTiers;
  defaultPort: number | null;
  fields: string[];
  docs: string;
}

export interface ProvidersResponse {
  providers: ProviderView[];
  presets: PresetView[];
}

/** POST /api/providers and PUT /api/providers/:id. `apiKey`: absent keeps, "" clears, a string sets. */
export interface ProviderBody {
  id?: string;
  type?: string;
  apiKey?: string;
  baseUrl?: string;
  models?: Partial<ModelTiers>;
  modelMap?: Record<string, string>;
  port?: number | null;
  region?: string;
  project?: string;
  credentialsFile?: string;
  label?: string;
  dialect?: string;
  enabled?: boolean;
}

export interface TestResult {
  ok: boolean;
  latencyMs: number;
  status: number | null;
  model: string;
  error?: { type: string; message: string; status?: number };
}

// ---- usage ----

// Shared with the gateway: one definition of the usage API's figures.
export type { LatencyPercentiles, RangeOut, UsageTotals } from '../../../proxy/usage/query/wire.js';

export interface SummaryResult {
  range: RangeOut;
  totals: UsageTotals;
  latency: LatencyPercentiles;
}

export type Bucket = 'hour' | 'day' | 'week';
export type GroupBy = 'provider' | 'model' | 'requestedModel' | 'port' | 'session' | 'project';

export interface SeriesResult {
  range: RangeOut;
  bucket: Bucket;
  groupBy: GroupBy | null;
  groups: Array<{ key: string | number | null; totals: UsageTotals }>;
  other: { groups: number; totals: UsageTotals } | null;
  buckets: Array<{ start: number; end: number; label: string; totals: UsageTotals; groups: Array<UsageTotals | null>; other: UsageTotals | null }>;
}

export interface BreakdownRow {
  key: string | number | null;
  totals: UsageTotals;
  firstTs: number | null;
  lastTs: number | null;
  project?: string | null;
}

export interface BreakdownResult {
  groupBy: GroupBy;
  limit: number;
  offset: number;
  totalGroups: number;
  rows: BreakdownRow[];
}

export interface RequestRow {
  id: number;
  time: string;
  ts: number;
  requestId: string | null;
  sessionId: string | null;
  project: string | null;
  port: number;
  provider: string | null;
  requestedModel: string;
  upstreamModel: string | null;
  scenario: string | null;
  strategy: string | null;
  attempts: number;
  fallbackPath: string | null;
  status: number;
  errorType: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  cacheReadTokens: number | null;
  cacheWriteTokens: number | null;
  costUsd: number | null;
  providerCostUsd: number | null;
  costDrift: number | null;
  referenceCostUsd: number | null;
  latencyMs: number | null;
  ttftMs: number | null;
  stream: boolean;
  savingsUsd: number | null;
}

export interface RequestDetail extends RequestRow {
  attemptsPath: Array<{ provider: string; status: number | null }>;
}

export interface RequestsResult {
  rows: RequestRow[];
  hasMore: boolean;
  nextBefore: number | null;
  newestId: number | null;
}

export interface BudgetWindow {
  window: 'hour' | 'day';
  limitUsd: number | null;
  spentUsd: number;
  percent: number | null;
  state: 'off' | 'ok' | 'warning' | 'exceeded';
  unpricedRequests: number;
  startedAt: number;
  resetsAt: number;
}

export interface BudgetStatus {
  hourlyUsd: number | null;
  dailyUsd: number | null;
  action: 'alert' | 'block' | 'downgrade';
  downgradeTo: 'haiku' | 'cheapest';
  inForce: 'block' | 'downgrade' | null;
  windows: BudgetWindow[];
}

export type BudgetChange = Partial<Pick<BudgetStatus, 'hourlyUsd' | 'dailyUsd' | 'action' | 'downgradeTo'>>;

export interface ProviderPrices {
  id: string;
  type: string;
  label: string;
  models: Array<{ model: string; uses: string[]; origin: string; source: string | null; price: { inputPerM: number; outputPerM: number } | null }>;
}

/** Query parameters shared by the usage endpoints. */
export interface UsageParams {
  from?: string | number;
  to?: string | number;
  tz?: string;
  provider?: string;
  model?: string;
  port?: number;
  session?: string;
  project?: string;
}

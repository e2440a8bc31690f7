import { AdminApi } from '../api/client';
import { setApi } from '../api';
import type { GatewayState, ProviderStatus, RequestRow, Routing, UsageTotals } from '../api/types';

// A fake gateway behind the real AdminApi: routes keyed "METHOD /path" answer with
// JSON (or a Response), and every call is recorded.

export interface Call {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  headers: Record<string, string>;
}

export type Handler = (c: Call) => unknown;

export function fakeApi(routes: Record<string, Handler | object>, token = 'tok') {
  const calls: Call[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://gw.test');
    const method = init?.method ?? 'GET';
    const call: Call = { method, path: url.pathname, query: url.searchParams, body: init?.body ? JSON.parse(String(init.body)) : undefined, headers: (init?.headers ?? {}) as Record<string, string> };
    calls.push(call);
    const route = routes[`${method} ${url.pathname}`];
    if (route === undefined) return new Response(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: `Switchboard has no route ${method} ${url.pathname}` } }), { status: 404 });
    const out = typeof route === 'function' ? await (route as Handler)(call) : route;
    if (out instanceof Response) return out;
    return new Response(out === undefined ? null : JSON.stringify(out), { status: out === undefined ? 204 : 200, headers: { 'content-type': 'application/json' } });
  }) as typeof globalThis.fetch;
  const api = new AdminApi({ token, fetch });
  setApi(api);
  return { api, calls, count: (key: string) => calls.filter((c) => `${c.method} ${c.path}` === key).length };
}

export function errorResponse(status: number, type: string, message: string): Response {
  return new Response(JSON.stringify({ type: 'error', error: { type, message } }), { status, headers: { 'content-type': 'application/json' } });
}

export function totals(over: Partial<UsageTotals> = {}): UsageTotals {
  return { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0, unknownCostRequests: 0, providerCostUsd: 0, providerCostRequests: 0, driftUsd: 0, driftRequests: 0, referenceCostUsd: 0, savingsUsd: 0, avgLatencyMs: null, avgTtftMs: null, ...over };
}

export function providerStatus(id: string, over: Partial<ProviderStatus> = {}): ProviderStatus {
  return {
    id,
    label: id.toUpperCase(),
    dialect: 'openai-chat',
    ports: [{ port: 8080, use: 'router' }],
    priorityIndex: 0,
    health: 'healthy',
    circuit: 'closed',
    breaker: { state: 'closed', consecutiveFailures: 0, failures: 0, samples: 4, errorRate: 0, openUntil: null, probesInFlight: 0 },
    rateLimit: { headroom: null, resetAt: null, blockedUntil: null },
    limits: [],
    latency: { ewmaMs: 100, ttftEwmaMs: 50, p50Ms: 90, p95Ms: 200, p99Ms: 300 },
    successRate: 1,
    samples: 4,
    cooldownUntil: null,
    probe: null,
    ...over,
  };
}

export function gatewayState(over: Partial<GatewayState> = {}): GatewayState {
  return {
    version: '0.1.0',
    strategy: 'priority',
    strategies: { priority: 'Your order.', cost: 'Cheapest first.', performance: 'Fastest first.', availability: 'Most reliable first.', intelligent: 'Balanced.' },
    priority: ['alpha', 'beta'],
    ports: [
      { port: 8080, use: 'router', url: 'http://127.0.0.1:8080' },
      { port: 8092, use: 'alpha', url: 'http://127.0.0.1:8092' },
    ],
    providers: [providerStatus('alpha'), providerStatus('beta')],
    ...over,
  };
}

export function routingState(over: Partial<Routing> = {}): Routing {
  return {
    strategy: 'priority',
    priority: ['alpha', 'beta'],
    scenarios: { background: ['beta,beta-small'], think: [], longContext: [], webSearch: [], image: [] },
    thresholds: { rateLimitThreshold: 0.2, longContextThreshold: 60_000 },
    ...over,
  };
}

let rowId = 0;
export function requestRow(over: Partial<RequestRow> = {}): RequestRow {
  const id = over.id ?? ++rowId;
  return {
    id,
    time: new Date(1_700_000_000_000 + id).toISOString(),
    ts: 1_700_000_000_000 + id,
    requestId: null,
    sessionId: null,
    project: null,
    port: 8080,
    provider: 'alpha',
    requestedModel: 'claude-sonnet-5-5',
    upstreamModel: 'alpha-large',
    scenario: 'default',
    strategy: 'priority',
    attempts: 1,
    fallbackPath: null,
    status: 200,
    errorType: null,
    inputTokens: 100,
    outputTokens: 20,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    costUsd: 0.001,
    providerCostUsd: null,
    costDrift: null,
    referenceCostUsd: 0.002,
    latencyMs: 120,
    ttftMs: null,
    stream: false,
    savingsUsd: 0.001,
    ...over,
  };
}

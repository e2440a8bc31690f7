import type {
  BreakdownResult,
  Bucket,
  BudgetChange,
  BudgetStatus,
  GatewayState,
  GroupBy,
  ProviderBody,
  ProviderPrices,
  ProvidersResponse,
  ProviderView,
  RequestDetail,
  RequestsResult,
  Routing,
  RoutingChange,
  SeriesResult,
  SummaryResult,
  TestResult,
  UsageParams,
} from './types';

// A typed client for every admin endpoint the window uses. Every call sends the
// admin token as a Bearer header; only the event stream and download links, which
// a browser cannot give headers, carry it as ?token=. Errors become ApiError with
// the gateway's own message (which names the field) and the HTTP status.

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly type: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
  /** The gateway does not have this endpoint (an older Switchboard). */
  get missing(): boolean {
    return this.status === 404 && /has no route|^Route /i.test(this.message);
  }
}

type Query = Record<string, string | number | boolean | null | undefined>;

export function queryString(q: Query): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export interface ClientOptions {
  /** Origin of the gateway's router port; '' means this page's own origin. */
  base?: string;
  token: string | null;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export class AdminApi {
  readonly base: string;
  readonly token: string | null;
  private readonly doFetch: typeof fetch;
  private readonly timeoutMs: number;

  constructor(opts: ClientOptions) {
    this.base = (opts.base ?? '').replace(/\/$/, '');
    this.token = opts.token;
    this.doFetch = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.timeoutMs = opts.timeoutMs ?? 15_000;
  }

  async request<T>(method: string, path: string, body?: unknown, timeoutMs = this.timeoutMs): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await this.doFetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs), cache: 'no-store' });
    } catch (err) {
      const timedOut = err instanceof DOMException && (err.name === 'TimeoutError' || err.name === 'AbortError');
      throw new ApiError(timedOut ? `Switchboard did not answer within ${Math.round(timeoutMs / 1000)} s` : 'Switchboard cannot be reached', 0, timedOut ? 'timeout' : 'network_error', path);
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    if (!res.ok) {
      const e = (parsed as { error?: { type?: string; message?: string }; message?: string } | null) ?? null;
      const message = e?.error?.message ?? e?.message ?? (text.slice(0, 300) || `HTTP ${res.status}`);
      throw new ApiError(message, res.status, e?.error?.type ?? 'http_error', path);
    }
    return parsed as T;
  }

  // ---- router and state ----
  state = () => this.request<GatewayState>('GET', '/api/state');
  routing = () => this.request<Routing>('GET', '/api/routing');
  putRouting = (change: RoutingChange) => this.request<Routing>('PUT', '/api/routing', change);
  resetRouter = () => this.request<Routing & { reset: true }>('POST', '/api/router/reset');
  budget = () => this.request<BudgetStatus>('GET', '/api/budget');
  putBudget = (change: BudgetChange) => this.request<BudgetStatus>('PUT', '/api/budget', change);
  prices = () => this.request<{ providers: ProviderPrices[] }>('GET', '/api/prices');

  // ---- providers ----
  providers = () => this.request<ProvidersResponse>('GET', '/api/providers');
  createProvider = (body: ProviderBody) => this.request<ProviderView>('POST', '/api/providers', body);
  updateProvider = (id: string, body: ProviderBody) => this.request<ProviderView>('PUT', `/api/providers/${encodeURIComponent(id)}`, body);
  deleteProvider = (id: string) => this.request<void>('DELETE', `/api/providers/${encodeURIComponent(id)}`);
  /** One tiny real request through a saved provider (can take as long as the provider does). */
  testProvider = (id: string) => this.request<TestResult>('POST', `/api/providers/${encodeURIComponent(id)}/test`, undefined, 60_000);
  /** The same for an unsaved form. */
  testDraft = (body: ProviderBody) => this.request<TestResult>('POST', '/api/providers/test', body, 60_000);
  providerModels = (id: string) => this.request<{ models: string[]; source: 'provider' | 'config' }>('GET', `/api/providers/${encodeURIComponent(id)}/models`, undefined, 30_000);
  stopPort = (port: number) => this.request<{ port: number; running: boolean }>('POST', `/api/ports/${port}/stop`);
  startPort = (port: number) => this.request<{ port: number; running: boolean }>('POST', `/api/ports/${port}/start`);

  // ---- usage ----
  summary = (p: UsageParams = {}) => this.request<SummaryResult>('GET', `/api/usage/summary${queryString({ ...p })}`);
  series = (p: UsageParams & { bucket?: Bucket; groupBy?: GroupBy; top?: number } = {}) => this.request<SeriesResult>('GET', `/api/usage/series${queryString({ ...p })}`);
  breakdown = (p: UsageParams & { groupBy: GroupBy; sort?: string; order?: 'asc' | 'desc'; limit?: number; offset?: number }) =>
    this.request<BreakdownResult>('GET', `/api/usage/breakdown${queryString({ ...p })}`);
  requests = (p: { limit?: number; before?: number; after?: number; status?: 'ok' | 'error'; provider?: string } = {}) =>
    this.request<RequestsResult>('GET', `/api/usage/requests${queryString({ ...p })}`);
  requestDetail = (id: number) => this.request<RequestDetail>('GET', `/api/usage/requests/${id}`);

  /** A download link for the export (a link cannot send a header, so the token rides in the query). */
  exportUrl(p: UsageParams & { format?: 'csv' | 'json' } = {}): string {
    return `${this.base}/api/usage/export${queryString({ ...p, token: this.token })}`;
  }

  /** The event stream's URL; `after` replays what was missed (as Last-Event-ID does). */
  eventsUrl(after: number | null): string {
    return `${this.base}/api/events${queryString({ token: this.token, after: after ?? undefined })}`;
  }
}

import type { ResolvedProvider, Settings } from '../config/resolve.js';
import { probeRequest } from '../providers/catalog.js';
import type { UpstreamClient } from '../upstream/client.js';
import type { RouterRuntime } from './runtime.js';

// Active health probes. Passive health comes from real traffic (breaker, latency,
// rate limits); a provider nobody is using would otherwise look healthy forever,
// and an outage would be found only by the first request sent to it. So every
// router.healthCheckIntervalS seconds each enabled provider with a model-list
// endpoint gets a GET of that list: a request that spends no tokens.
//
// What a probe means (RouterRuntime.recordProbe):
//   failure: refused/reset connection, DNS or TLS errors, no answer within the
//            timeout, 5xx. It counts towards the breaker like a failed request.
//   reachable: any other status, including 401/403/404: the endpoint answered,
//            the key may just lack catalog rights (GitHub tokens, scoped keys).
//   A success closes nothing by itself: a half-open circuit is still probed by
//   real traffic, which proves more than a model list does.
// Rounds never overlap: the next is scheduled only when the previous finished.

export interface ProbeResult {
  /** The provider answered (any status below 500). */
  ok: boolean;
  latencyMs: number;
  /** HTTP status, when there was an answer. */
  status?: number;
  /** Why it failed, in plain words ("connection refused", "HTTP 503"). */
  error?: string;
}

export interface ProbeRecord extends ProbeResult {
  /** When it finished (ms epoch, the runtime's clock). */
  at: number;
}

export interface HealthProberOptions {
  /** Test-only: the interval in ms, overriding router.healthCheckIntervalS (whose minimum is 5 s). */
  intervalMs?: number;
  /** Per-probe budget, ms (default 5 s): a catalog slower than that is as good as down. */
  timeoutMs?: number;
  /** Providers probed at once (default 4). */
  concurrency?: number;
}

const TIMEOUT_MS = 5_000;
const CONCURRENCY = 4;

export class HealthProber {
  readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly concurrency: number;
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;
  private abort = new AbortController();
  private running = false;

  /** `settings` is a getter so a reloaded configuration is probed without a new prober. */
  constructor(
    private readonly settings: () => Settings,
    private readonly client: UpstreamClient,
    private readonly router: RouterRuntime,
    opts: HealthProberOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? settings().healthCheckIntervalS * 1000;
    this.timeoutMs = opts.timeoutMs ?? TIMEOUT_MS;
    this.concurrency = Math.max(1, opts.concurrency ?? CONCURRENCY);
  }

  /** Starts the periodic rounds (the first one interval from now); a no-op when the interval is 0. */
  start(): void {
    if (this.running || this.intervalMs <= 0) return;
    this.running = true;
    if (this.abort.signal.aborted) this.abort = new AbortController();
    this.schedule();
  }

  /** Clears the timer and cancels probes in flight; their results are not recorded. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.abort.abort();
    await this.round;
  }

  /** One round now; joins the round in flight instead of starting a second one. */
  probeAll(): Promise<void> {
    this.round ??= this.runRound().finally(() => {
      this.round = null;
    });
    return this.round;
  }

  /** One provider's probe, not recorded. */
  async probe(provider: ResolvedProvider, signal?: AbortSignal): Promise<ProbeResult> {
    const req = probeRequest(provider);
    if (!req) return { ok: true, latencyMs: 0, error: 'no models endpoint' };
    const t0 = performance.now();
    try {
      // Credentials that cannot be had make the provider as unusable as a dead endpoint.
      if (provider.authHook) Object.assign(req.headers, await provider.authHook.headers());
      const { status } = await this.client.probe(req.url, req.headers, this.timeoutMs, signal);
      const latencyMs = Math.round(performance.now() - t0);
      return status >= 500 ? { ok: false, latencyMs, status, error: `HTTP ${status}` } : { ok: true, latencyMs, status };
    } catch (err) {
      return { ok: false, latencyMs: Math.round(performance.now() - t0), error: describeProbeError(err, this.timeoutMs) };
    }
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.probeAll().finally(() => {
        if (this.running) this.schedule();
      });
    }, this.intervalMs);
    // Probes never keep the process alive on their own.
    this.timer.unref();
  }

  private async runRound(): Promise<void> {
    const signal = this.abort.signal;
    const queue = [...this.settings().providers.values()].filter(probeable);
    const worker = async () => {
      for (let p = queue.shift(); p && !signal.aborted; p = queue.shift()) {
        const result = await this.probe(p, signal);
        if (!signal.aborted) this.router.recordProbe(p.id, result);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, queue.length) }, worker));
  }
}

/** Only providers with a model-list endpoint (or a Vertex Model Garden entry) are probed; the others are skipped (and say so in status). */
export function probeable(provider: ResolvedProvider): boolean {
  return !!provider.modelsPath || !!provider.vertex;
}

/** A transport failure in plain words, for events and status. */
export function describeProbeError(err: unknown, timeoutMs: number): string {
  const e = err as { code?: unknown; name?: unknown; message?: unknown; errors?: unknown };
  // Node reports a refused dual-stack connect (localhost: ::1 and 127.0.0.1) as an AggregateError.
  const inner = Array.isArray(e.errors) && e.errors.length ? (e.errors[0] as { code?: unknown }) : null;
  const code = typeof e.code === 'string' ? e.code : typeof inner?.code === 'string' ? inner.code : '';
  const message = typeof e.message === 'string' ? e.message : String(err);
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (e.name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return `no answer within ${timeoutMs / 1000} s`;
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host name not found';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return 'connection reset';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'host unreachable';
  if (/certificate|tls|ssl/i.test(message) || code.startsWith('ERR_TLS') || code.includes('CERT')) return `TLS error: ${message}`;
  return message || 'probe failed';
}

/** A provider's probe state as status output shows it (snake_case, like /health). */
export type ProbeStatus =
  | { state: 'off' | 'pending' }
  | { state: 'skipped'; reason: string }
  | { state: 'up' | 'down'; at: string; latency_ms: number; status?: number; error?: string };

export function probeStatus(settings: Settings, router: RouterRuntime, provider: ResolvedProvider): ProbeStatus {
  if (settings.healthCheckIntervalS <= 0) return { state: 'off' };
  if (!probeable(provider)) return { state: 'skipped', reason: 'no models endpoint to probe' };
  const last = router.lastProbe(provider.id);
  if (!last) return { state: 'pending' };
  const view: ProbeStatus = { state: last.ok ? 'up' : 'down', at: new Date(last.at).toISOString(), latency_ms: last.latencyMs };
  if (last.status !== undefined) view.status = last.status;
  if (last.error !== undefined) view.error = last.error;
  return view;
}

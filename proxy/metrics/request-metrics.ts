import { Histogram, type Registry } from 'prom-client';
import type { ExecuteResult } from '../router/execute.js';
import type { UsageRow } from '../usage/ledger/row.js';
import { LabelCap, PREFIX, scrapedCounter, scrapedGauge } from './registry.js';

// Per-request metrics, fed by the UsageRecorder with each finished /v1/messages
// request's row. This runs on the request path (budget: a few µs), so counters are
// plain numbers in Map entries keyed by the joined label values; prom-client reads
// them at scrape time. Only the two histograms go through prom-client per request.

/** Request duration: local errors take ms, long agent turns minutes. */
export const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600];
/** Time to first byte of a stream: sub-second for fast models, tens of seconds for long thinking. */
export const TTFT_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60];
/** Distinct model label values kept before new ones become "other". */
export const MAX_MODELS = 200;
/** Label value for a request that reached no provider or has no upstream model. */
export const NONE = 'none';

const SEP = '\u0001';

interface RequestSeries {
  labels: { port: string; provider: string; model: string; status: string };
  count: number;
}

interface ModelSeries {
  labels: { provider: string; model: string };
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  cost: number;
  unpriced: number;
  /** Anthropic list price of the same tokens, and list price − cost; only rows where both are known. */
  reference: number;
  savings: number;
}

interface ProviderSeries {
  duration: Histogram.Internal<'provider'>;
  ttft: Histogram.Internal<'provider'>;
  /** Attempts skipped because the provider's circuit was open. */
  skips: number;
}

interface PairSeries<A extends string, B extends string> {
  labels: Record<A | B, string>;
  count: number;
}

/**
 * A figure fit to add to a counter: a NaN or a negative number (an upstream reporting
 * more cached than prompt tokens, say) would poison the total or make prom-client
 * refuse the whole scrape, so it counts as 0.
 */
function amount(v: number | null | undefined): number {
  return typeof v === 'number' && v > 0 && v < Infinity ? v : 0;
}

export class RequestMetrics {
  private readonly requests = new Map<string, RequestSeries>();
  private readonly models = new Map<string, ModelSeries>();
  private readonly providers = new Map<string, ProviderSeries>();
  private readonly attempts = new Map<string, PairSeries<'provider', 'status'>>();
  private readonly fallbacks = new Map<string, PairSeries<'from', 'to'>>();
  private readonly modelCap = new LabelCap(MAX_MODELS);
  private readonly duration: Histogram<'provider'>;
  private readonly ttft: Histogram<'provider'>;

  constructor(registry: Registry) {
    scrapedCounter(registry, `${PREFIX}requests_total`, 'Finished /v1/messages requests by listener port, provider that answered (or was tried last), upstream model and HTTP status sent to the client (499: client went away)', ['port', 'provider', 'model', 'status'], (emit) => {
      for (const s of this.requests.values()) emit(s.labels, s.count);
    });
    scrapedCounter(registry, `${PREFIX}tokens_total`, 'Tokens reported by the upstream, by type: input (uncached), output, cache_read, cache_write', ['provider', 'model', 'type'], (emit) => {
      for (const s of this.models.values()) {
        const { provider, model } = s.labels;
        emit({ provider, model, type: 'input' }, s.input);
        emit({ provider, model, type: 'output' }, s.output);
        emit({ provider, model, type: 'cache_read' }, s.cacheRead);
        emit({ provider, model, type: 'cache_write' }, s.cacheWrite);
      }
    });
    const perModel = (name: string, help: string, field: 'cost' | 'unpriced' | 'reference') =>
      scrapedCounter(registry, PREFIX + name, help, ['provider', 'model'], (emit) => {
        for (const s of this.models.values()) emit(s.labels, s[field]);
      });
    perModel('cost_usd_total', 'Cost of the requests in USD, cache-aware, for models with a known price', 'cost');
    perModel('unpriced_requests_total', 'Requests that used tokens or succeeded but have no known cost (unknown, not zero)', 'unpriced');
    perModel('reference_cost_usd_total', "The same requests' tokens at Anthropic's list price for the requested Claude tier, in USD (requests with both prices known)", 'reference');
    // A gauge, not a counter: a provider dearer than Anthropic's list price makes it go down.
    scrapedGauge(registry, `${PREFIX}savings_usd`, 'Reference cost minus cost, in USD, summed since start (negative when dearer than the Anthropic list price)', ['provider', 'model'], (emit) => {
      for (const s of this.models.values()) emit(s.labels, s.savings);
    });
    scrapedCounter(registry, `${PREFIX}upstream_attempts_total`, 'Upstream attempts (retries and fallbacks included) by provider and status (200 success, the mapped error status otherwise, 499 client went away)', ['provider', 'status'], (emit) => {
      for (const s of this.attempts.values()) emit(s.labels, s.count);
    });
    scrapedCounter(registry, `${PREFIX}fallbacks_total`, 'Moves to another provider after a failed attempt, before anything reached the client', ['from', 'to'], (emit) => {
      for (const s of this.fallbacks.values()) emit(s.labels, s.count);
    });
    scrapedCounter(registry, `${PREFIX}circuit_skips_total`, 'Targets skipped without a request because their circuit was open', ['provider'], (emit) => {
      for (const [provider, s] of this.providers) emit({ provider }, s.skips);
    });
    this.duration = new Histogram({ name: `${PREFIX}request_duration_seconds`, help: 'Request arrival to last byte sent, in seconds (every finished request, failures included)', labelNames: ['provider'], buckets: DURATION_BUCKETS, registers: [registry] });
    this.ttft = new Histogram({ name: `${PREFIX}time_to_first_token_seconds`, help: 'Streams only: request arrival to the first byte sent to the client, in seconds', labelNames: ['provider'], buckets: TTFT_BUCKETS, registers: [registry] });
  }

  /** The UsageRecorder listener: must stay cheap and must not throw. */
  readonly record = (row: UsageRow, result: ExecuteResult | null): void => {
    const provider = row.provider ?? NONE;
    const model = this.modelCap.value(row.upstreamModel ?? NONE);
    const rk = row.port + SEP + provider + SEP + model + SEP + row.status;
    const req = this.requests.get(rk);
    if (req) req.count++;
    else this.requests.set(rk, { labels: { port: String(row.port), provider, model, status: String(row.status) }, count: 1 });

    // The usage API's rule (ledger/rollup.ts unknown_cost): a request that used tokens, or
    // succeeded, and has no cost is unpriced; a failure without usage cost nothing.
    if (row.inputTokens != null || row.outputTokens != null || row.status < 400) {
      const mk = provider + SEP + model;
      let m = this.models.get(mk);
      if (!m) this.models.set(mk, (m = { labels: { provider, model }, input: 0, output: 0, cacheRead: 0, cacheWrite: 0, cost: 0, unpriced: 0, reference: 0, savings: 0 }));
      m.input += amount(row.inputTokens);
      m.output += amount(row.outputTokens);
      m.cacheRead += amount(row.cacheReadTokens);
      m.cacheWrite += amount(row.cacheWriteTokens);
      const cost = row.costUsd;
      if (cost == null || !(cost >= 0 && cost < Infinity)) m.unpriced++; // unknown (or garbled): never free
      else {
        m.cost += cost;
        if (row.referenceCostUsd != null) {
          const reference = amount(row.referenceCostUsd);
          m.reference += reference;
          m.savings += reference - cost;
        }
      }
    }

    const p = this.provider(provider);
    if (row.latencyMs != null) p.duration.observe(amount(row.latencyMs) / 1000);
    if (row.stream && row.ttftMs != null) p.ttft.observe(amount(row.ttftMs) / 1000);

    if (result) this.countAttempts(result);
  };

  private countAttempts(result: ExecuteResult): void {
    // The provider of the last failed attempt: the next attempt elsewhere is a fallback.
    let failed: string | null = null;
    for (const a of result.attempts) {
      if (a.status === 0) {
        this.provider(a.provider).skips++; // never sent: its circuit was open
        continue;
      }
      const ak = a.provider + SEP + a.status;
      const s = this.attempts.get(ak);
      if (s) s.count++;
      else this.attempts.set(ak, { labels: { provider: a.provider, status: String(a.status) }, count: 1 });
      if (failed !== null && a.provider !== failed) {
        const fk = failed + SEP + a.provider;
        const f = this.fallbacks.get(fk);
        if (f) f.count++;
        else this.fallbacks.set(fk, { labels: { from: failed, to: a.provider }, count: 1 });
      }
      failed = a.status === 200 ? null : a.provider;
    }
  }

  private provider(id: string): ProviderSeries {
    let p = this.providers.get(id);
    if (!p) this.providers.set(id, (p = { duration: this.duration.labels(id), ttft: this.ttft.labels(id), skips: 0 }));
    return p;
  }
}

import { Gauge, Registry } from 'prom-client';
import type { RouterRuntime } from '../router/runtime.js';
import type { UsageRecorder } from '../usage/recorder.js';
import { PREFIX, processRegistry } from './registry.js';
import { RequestMetrics } from './request-metrics.js';
import { routerMetrics } from './router-metrics.js';

export interface GatewayMetricsOptions {
  usage: UsageRecorder;
  router: RouterRuntime;
  /** Enabled provider ids, read at each scrape. */
  providers: () => Iterable<string>;
  version: string;
}

/**
 * One gateway's Prometheus metrics: per-request counters and histograms fed by
 * the usage recorder (so they work with the ledger off), router state read at
 * scrape time, build info, and the process metrics. Served by GET /metrics.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly requests: RequestMetrics;

  constructor(o: GatewayMetricsOptions) {
    this.requests = new RequestMetrics(this.registry);
    routerMetrics(this.registry, o.router, o.providers);
    const info = new Gauge({ name: `${PREFIX}build_info`, help: 'Always 1; the labels say which Switchboard and Node.js are running', labelNames: ['version', 'nodejs'], registers: [this.registry] });
    info.set({ version: o.version, nodejs: process.versions.node }, 1);
    o.usage.subscribe(this.requests.record);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text: process metrics, then this gateway's own. */
  async text(): Promise<string> {
    const [proc, own] = await Promise.all([processRegistry().metrics(), this.registry.metrics()]);
    return `${proc}\n${own}`;
  }
}

import { collectDefaultMetrics, Counter, Gauge, Registry, type LabelValues } from 'prom-client';

// Registries and the two ways our metrics get their values. Every Gateway owns
// its own Registry (never prom-client's global one), so two gateways in one
// process (tests, a desktop reload) never collide. Process metrics describe the
// process, not a gateway, so they live in one shared registry created on first use.

export const PREFIX = 'switchboard_';

let processMetrics: Registry | null = null;

/**
 * The process registry: prom-client's default metrics (CPU, memory, heap, event
 * loop lag, GC, handles, open fds) under their standard unprefixed names
 * (`process_*`, `nodejs_*`) so stock Node.js dashboards work. Created once per
 * process because it starts a GC observer and an event-loop monitor that are never
 * stopped; one per gateway would leak them.
 */
export function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}

/** Reports one value per label set. */
export type Emit<L extends string> = (labels: LabelValues<L>, value: number) => void;

/**
 * A counter whose values live in the caller's own plain records and are copied
 * into prom-client at scrape time. The request path then only bumps numbers in a
 * Map entry; prom-client's per-call label hashing and validation happen once per
 * series per scrape instead of several times per request.
 */
export function scrapedCounter<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[], read: (emit: Emit<L>) => void): Counter<L> {
  return new Counter<L>({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      // A negative value would make prom-client throw and fail the whole scrape.
      read((labels, value) => this.inc(labels, value > 0 ? value : 0));
    },
  });
}

/** A gauge read at scrape time (live router state); label sets that are gone drop out. */
export function scrapedGauge<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[], read: (emit: Emit<L>) => void): Gauge<L> {
  return new Gauge<L>({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      read((labels, value) => this.set(labels, value));
    },
  });
}

/**
 * Keeps a label's distinct values bounded. The model label comes from config or,
 * for names passed through unchanged, from the client, so a client could otherwise
 * create series without end; past `max` values new ones are reported as `other`.
 */
export class LabelCap {
  private readonly seen = new Set<string>();

  constructor(
    private readonly max: number,
    private readonly overflow = 'other',
  ) {}

  value(v: string): string {
    if (this.seen.has(v)) return v;
    if (this.seen.size >= this.max) return this.overflow;
    this.seen.add(v);
    return v;
  }
}

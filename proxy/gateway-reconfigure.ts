import type { Logger } from 'pino';
import type { ResolvedProvider, Settings } from './config/resolve.js';
import type { Redact } from './log.js';
import type { CatalogCache } from './providers/catalog.js';
import type { RouterRuntime } from './router/runtime.js';
import type { ListenerPool } from './server/listener-pool.js';
import type { PriceBook } from './usage/price-book.js';

// Live reconfiguration: a new provider set applied to a running gateway without a
// restart. The new settings were validated as a whole before they get here
// (config/provider-store.ts). New listeners are bound first, so a port that
// cannot be bound leaves everything as it was; then, in one synchronous step,
// every listener, the router, the redactor, the catalogs and the price book move
// to the new settings; then listeners no longer wanted stop accepting (their
// requests in flight finish).

export interface LiveParts {
  pool: ListenerPool;
  router: RouterRuntime;
  redact: Redact;
  catalogs: CatalogCache;
  prices: PriceBook;
  log: Logger;
  /** Obtain run-time credentials of new providers right away (Gateway option). */
  warmAuth: boolean;
  /** Makes `next` the Gateway's settings. */
  adopt(next: Settings): void;
}

/** A port that could not be bound: the change was not applied. */
export class PortBindError extends Error {
  constructor(
    readonly port: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PortBindError';
  }
}

export interface ReconfigureOptions {
  /** In plain words, for the `config` event and the log. */
  reason: string;
  /** The provider ids the change is about (for the event). */
  providers: string[];
  /** Runs after the new ports are bound and before anything switches (saving the change); a failure undoes the binds. */
  commit?: () => Promise<void>;
}

/**
 * Applies `next` in place of `current`. Providers whose resolved object is the same
 * (the caller reuses unchanged ones) keep their learned router state and catalog.
 */
export async function reconfigure(parts: LiveParts, current: Settings, next: Settings, opts: ReconfigureOptions): Promise<void> {
  const plan = parts.pool.plan(next.ports);
  let opened;
  try {
    opened = await parts.pool.open(plan.add, next);
  } catch (err) {
    throw bindError(err, plan.add.map((p) => p.port));
  }
  try {
    await opts.commit?.();
  } catch (err) {
    await parts.pool.discard(opened);
    throw err;
  }

  const changed = changedProviders(current, next);
  parts.adopt(next);
  parts.router.updateSettings(next, changed, opts.reason);
  swapKeys(parts.redact, current, next);
  for (const id of changed) parts.catalogs.invalidate(id);
  // Run-time credentials of providers that left (removed or resolved anew) leave the redactor.
  for (const p of current.providers.values()) if (next.providers.get(p.id) !== p) p.authHook?.unbind?.();
  for (const p of next.providers.values()) {
    if (current.providers.get(p.id) === p || !p.authHook) continue;
    // New credentials (Vertex AI): their tokens go to the redactor; warm them so a broken setup shows now.
    p.authHook.bind?.({ redact: parts.redact, log: parts.log });
    if (parts.warmAuth) void p.authHook.warm?.();
  }
  parts.prices.sync();
  await parts.pool.adopt(plan, opened, next);
  parts.router.events.emit({ type: 'config', at: Date.now(), providers: opts.providers, reason: opts.reason });
  parts.log.info({ providers: opts.providers, ports: parts.pool.listening.map((p) => `${p.port}:${p.use}`) }, opts.reason);
}

/** `next` with the provider objects of `current` wherever `unchanged(id)` says the config is the same. */
export function reuseUnchanged(current: Settings, next: Settings, unchanged: (id: string) => boolean): Settings {
  const providers = new Map<string, ResolvedProvider>();
  for (const [id, p] of next.providers) {
    const before = current.providers.get(id);
    providers.set(id, before && unchanged(id) ? before : p);
  }
  return { ...next, providers };
}

/** Ids removed, added or resolved anew. */
function changedProviders(current: Settings, next: Settings): string[] {
  const out: string[] = [];
  for (const [id, p] of current.providers) if (next.providers.get(id) !== p) out.push(id);
  for (const id of next.providers.keys()) if (!current.providers.has(id)) out.push(id);
  return out;
}

/** Keys no longer configured leave the redactor, new ones join (a key two providers share stays). */
function swapKeys(redact: Redact, current: Settings, next: Settings): void {
  const keys = (s: Settings) => new Set([...s.providers.values()].map((p) => p.apiKey).filter((k): k is string => !!k));
  const before = keys(current);
  const after = keys(next);
  if (next.clientApiKey) after.add(next.clientApiKey);
  for (const k of before) if (!after.has(k)) redact.remove(k);
  for (const k of after) if (!before.has(k)) redact.add(k);
}

function bindError(err: unknown, ports: number[]): Error {
  const e = err as NodeJS.ErrnoException & { port?: number };
  const port = e.port ?? ports[0] ?? 0;
  if (e.code === 'EADDRINUSE') return new PortBindError(port, e.code, `port ${port} is already in use by another program; choose another port`);
  if (e.code === 'EACCES') return new PortBindError(port, e.code, `not allowed to listen on port ${port}; choose a port above 1024`);
  return err instanceof Error ? err : new Error(String(err));
}

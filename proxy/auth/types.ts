import type { Logger } from 'pino';
import type { Redact } from '../log.js';

/**
 * Credentials a provider obtains at run time (Google OAuth access tokens) instead of
 * a static key. A provider carries one as `ResolvedProvider.authHook`; providers with
 * static keys have none, and their request path never awaits or allocates for it.
 *
 * Callers: router/attempt.ts before every upstream messages request (awaited only when
 * `headers()` returns a Promise), server/routes/count-tokens.ts, the health prober
 * (router/health-probe.ts) and the catalog cache (providers/catalog.ts).
 * The Gateway calls `bind` once at start, then `warm`.
 */
export interface UpstreamAuth {
  /**
   * Headers to add to one upstream request, e.g. `{ authorization: 'Bearer …' }`.
   * Returns the cached object synchronously while the credential is fresh (the common
   * case costs no await), and a Promise while one is being obtained. Never mutate the
   * result. Throws or rejects with a GatewayError (Anthropic status, type and a message
   * that says what to fix) when no credential can be had.
   */
  headers(): Record<string, string> | Promise<Record<string, string>>;
  /** The upstream refused the credential (HTTP 401): forget it, so the next call obtains a new one. */
  invalidate?(): void;
  /** Where to register secrets it obtains (redaction from client output and logs) and where to log. */
  bind?(ctx: AuthBinding): void;
  /** Takes its secrets back out of the redactor: the provider is gone (removed, replaced, or was resolved for one test). */
  unbind?(): void;
  /** Obtains a credential now, logging the outcome: a broken setup shows at start, not at the first request. */
  warm?(): Promise<void>;
}

export interface AuthBinding {
  redact: Redact;
  log: Logger;
}

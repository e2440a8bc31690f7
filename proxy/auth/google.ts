import type { AuthClient, GoogleAuthOptions } from 'google-auth-library';
import type { Logger } from 'pino';
import type { Redact } from '../log.js';
import { GatewayError } from '../protocol/anthropic/errors.js';
import { credentialsError, GOOGLE_TOKEN_URL, loadCredentials, type CredentialsFileRef, type LoadedCredentials } from './google-credentials.js';
import type { AuthBinding, UpstreamAuth } from './types.js';

// Google OAuth access tokens for one provider, through google-auth-library: a
// credentials file (service account, or gcloud's authorized_user), else Application
// Default Credentials (gcloud's file, the metadata server). The token is cached and
// handed out synchronously while fresh; from `refreshAt` (5 min before expiry, or half
// the lifetime of a short token) a refresh starts in the background while the current
// token keeps serving, and only past `usableUntil` do requests wait for a new one.
// Concurrent callers share one fetch, which is bounded by a timeout. Tokens and key
// material go to the redactor and never into a log line.

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
const REFRESH_MARGIN_MS = 5 * 60_000;
const EXPIRY_SKEW_MS = 60_000;
const TIMEOUT_MS = 15_000;
/** Recent tokens kept in the redactor (older ones have expired). */
const KEEP_TOKENS = 3;

export interface GoogleTokenSourceOptions {
  /** Provider id and label, for messages and logs. */
  id: string;
  label: string;
  /** A credentials JSON file; absent: Application Default Credentials. */
  credentialsFile?: CredentialsFileRef;
  /** The configured project (config or environment). */
  project?: string;
  /** Find the project in the credentials when none is configured (Vertex URLs need one). */
  needsProject?: boolean;
  /** Variables that would have named the project, for the message when none is found. */
  projectEnv?: string[];
  /** Bound on obtaining one token, ms (default 15 s). */
  timeoutMs?: number;
}

interface Cached {
  headers: Record<string, string>;
  token: string;
  refreshAt: number;
  usableUntil: number;
}

interface ClientState {
  client: AuthClient;
  loaded: LoadedCredentials | null;
  getProjectId: () => Promise<string | null>;
}

export class GoogleTokenSource implements UpstreamAuth {
  /** The project requests go to: configured, else the credentials' (known after the first token). */
  projectId: string | undefined;
  /** Token requests started (status and tests). */
  fetches = 0;
  log: Logger | null = null;
  // Hard-private (#) fields: the token and key material never show up if this object is logged or serialised.
  #cached: Cached | null = null;
  private inflight: Promise<Record<string, string>> | null = null;
  #state: Promise<ClientState> | null = null;
  private who = 'Application Default Credentials';
  #redact: Redact | null = null;
  #secrets: string[] = [];
  readonly #issued: string[] = [];
  private readonly timeoutMs: number;

  constructor(private readonly opts: GoogleTokenSourceOptions) {
    this.projectId = opts.project;
    this.timeoutMs = opts.timeoutMs ?? TIMEOUT_MS;
    if (opts.credentialsFile) this.who = opts.credentialsFile.path;
  }

  headers(): Record<string, string> | Promise<Record<string, string>> {
    const c = this.#cached;
    if (c !== null) {
      const now = Date.now();
      if (now < c.refreshAt) return c.headers;
      if (now < c.usableUntil) {
        // Refresh ahead: this request keeps the current token; a failure is retried by the next one.
        if (!this.inflight) this.refresh().catch((err: Error) => this.log?.warn({ provider: this.opts.id }, err.message));
        return c.headers;
      }
    }
    return this.refresh();
  }

  invalidate(): void {
    this.#cached = null;
    // A new client fetches a new token; the old one would hand back its cached one.
    this.#state = null;
  }

  bind(ctx: AuthBinding): void {
    this.#redact = ctx.redact;
    this.log = ctx.log;
    for (const s of [...this.#secrets, ...this.#issued]) ctx.redact.add(s);
  }

  unbind(): void {
    const redact = this.#redact;
    this.#redact = null;
    if (redact) for (const s of [...this.#secrets, ...this.#issued]) redact.remove(s);
  }

  async warm(): Promise<void> {
    try {
      await this.headers();
      this.log?.info({ provider: this.opts.id, project: this.projectId }, `${this.opts.label}: Google credentials ready (${this.who})`);
    } catch (err) {
      this.log?.warn({ provider: this.opts.id }, `${(err as Error).message} (requests to ${this.opts.label} fail until this is fixed)`);
    }
  }

  /** One token fetch at a time: concurrent callers share it. */
  private refresh(): Promise<Record<string, string>> {
    if (this.inflight) return this.inflight;
    this.fetches++;
    const p = withTimeout(this.obtain(), this.timeoutMs, () => new GatewayError(504, `${this.opts.label}: no Google access token within ${this.timeoutMs / 1000} s (${this.who})`, { type: 'timeout_error', retryable: true }))
      .catch((err: unknown) => {
        throw this.describe(err);
      })
      .finally(() => {
        if (this.inflight === p) this.inflight = null;
      });
    this.inflight = p;
    return p;
  }

  private async obtain(): Promise<Record<string, string>> {
    const pending = (this.#state ??= this.createClient());
    let state: ClientState;
    try {
      state = await pending;
    } catch (err) {
      // A file fixed since is read again on the next request.
      if (this.#state === pending) this.#state = null;
      throw err;
    }
    if (!this.projectId && this.opts.needsProject) {
      this.projectId = state.loaded?.project ?? (await state.getProjectId().catch(() => null)) ?? undefined;
      if (!this.projectId) {
        const where = state.loaded ? `${this.opts.credentialsFile!.path} names none` : 'Application Default Credentials name none';
        const vars = (this.opts.projectEnv ?? ['GOOGLE_CLOUD_PROJECT']).slice(0, 2).map((v) => `$${v}`).join(' / ');
        throw credentialsError(`${this.opts.label}: no Google Cloud project: set providers.${this.opts.id}.project (or ${vars}); ${where}.`);
      }
    }
    const before = Date.now();
    const h = await state.client.getRequestHeaders();
    const authorization = h.get('authorization');
    if (!authorization?.startsWith('Bearer ')) throw new Error('Google credentials produced no bearer token');
    const headers: Record<string, string> = { authorization };
    const quota = h.get('x-goog-user-project');
    if (quota) headers['x-goog-user-project'] = quota;
    this.remember(authorization.slice(7));
    // Google tokens live an hour; assume less when the library does not say.
    const expiry = state.client.credentials.expiry_date ?? before + 30 * 60_000;
    const lifetime = Math.max(0, expiry - before);
    this.#cached = {
      headers,
      token: authorization.slice(7),
      refreshAt: expiry - Math.min(REFRESH_MARGIN_MS, lifetime / 2),
      usableUntil: expiry - Math.min(EXPIRY_SKEW_MS, lifetime / 10),
    };
    this.log?.debug({ provider: this.opts.id, expiresInS: Math.round(lifetime / 1000) }, 'Google access token obtained');
    return headers;
  }

  private async createClient(): Promise<ClientState> {
    const ref = this.opts.credentialsFile;
    const loaded = ref ? await loadCredentials(ref, this.opts.label) : null;
    if (loaded) {
      this.who = `${loaded.who}, ${ref!.path}`;
      for (const s of loaded.secrets) {
        if (!this.#secrets.includes(s)) this.#secrets.push(s);
        this.#redact?.add(s);
      }
    }
    // Loaded on first use: non-Google setups never pay for google-auth-library.
    const { GoogleAuth } = await import('google-auth-library');
    const options: GoogleAuthOptions = { scopes: [CLOUD_PLATFORM_SCOPE] };
    if (loaded) options.credentials = loaded.json;
    if (this.opts.project) options.projectId = this.opts.project;
    // google-auth-library always signs for and posts to Google's token URL; a file naming
    // another endpoint (a private one, a test server) gets its JWT audience and its requests.
    if (loaded?.tokenUri && loaded.json.type === 'service_account') options.clientOptions = { additionalClaims: { aud: loaded.tokenUri } };
    const auth = new GoogleAuth(options);
    const client = await auth.getClient();
    const tokenUri = loaded?.tokenUri;
    if (tokenUri) {
      client.transporter.interceptors.request.add({
        resolved: async (req) => {
          if (req.url.href === GOOGLE_TOKEN_URL) req.url = new URL(tokenUri);
          return req;
        },
      });
    }
    return { client, loaded, getProjectId: () => auth.getProjectId() };
  }

  private remember(token: string): void {
    if (this.#issued.includes(token)) return;
    this.#issued.push(token);
    this.#redact?.add(token);
    if (this.#issued.length > KEEP_TOKENS) this.#redact?.remove(this.#issued.shift()!);
  }

  /** Any failure as the error the client sees, naming the credentials and what to do. */
  private describe(err: unknown): GatewayError {
    const clean = (s: string) => (this.#redact ? this.#redact(s) : s);
    if (err instanceof GatewayError) return err;
    const message = err instanceof Error ? err.message : String(err);
    if (/could not load the default credentials/i.test(message)) {
      return credentialsError(
        `${this.opts.label}: no Google credentials found. Set providers.${this.opts.id}.credentialsFile or $GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, or run "gcloud auth application-default login".`,
      );
    }
    const status = (err as { response?: { status?: unknown } }).response?.status;
    if (typeof status === 'number') return credentialsError(clean(`${this.opts.label}: Google refused to issue an access token for ${this.who} (HTTP ${status}): ${message}`));
    return credentialsError(clean(`${this.opts.label}: could not obtain a Google access token for ${this.who}: ${message}`));
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
    timer.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

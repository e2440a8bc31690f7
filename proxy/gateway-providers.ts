import { createHash } from 'node:crypto';
import { ConfigError, zodIssueLines } from './config/errors.js';
import { applyBody, createProvider, deleteProvider, newProviderId, parseProviderBody, ProviderEditError, updateProvider, type EditContext } from './config/provider-edit.js';
import type { ProviderEdits, ProviderStore } from './config/provider-store.js';
import { isLoopbackHostname, resolveOneProvider, type ResolvedProvider, type Settings } from './config/resolve.js';
import { ProviderConfigSchema, type ProviderConfig } from './config/schema.js';
import type { Gateway } from './gateway.js';
import { PortBindError, reuseUnchanged } from './gateway-reconfigure.js';
import { secretRedactor } from './log.js';
import { GatewayError } from './protocol/anthropic/errors.js';
import { PRESETS } from './providers/presets.js';
import { defaultTestModel, testConnection, type TestResult } from './server/admin/provider-test.js';
import { presetViews, providerView, type PresetView, type ProviderView } from './server/admin/provider-view.js';

// The admin API's provider operations on a running gateway: list, add, edit and
// remove providers (validated as a whole config, applied live, saved), test one
// with a real request, list its models, stop and start a port. One change at a
// time: each waits for the previous one to be applied and saved.

export class ProviderManager {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly gw: Gateway) {}

  /** Resolves once every change so far is applied (or has failed). */
  async idle(): Promise<void> {
    await this.queue.catch(() => {});
  }

  list(): { providers: ProviderView[]; presets: PresetView[] } {
    const ids = this.gw.providerStore ? Object.keys(this.gw.providerStore.entries()) : [...this.gw.settings.providers.keys()];
    return { providers: ids.map((id) => this.view(id)), presets: presetViews() };
  }

  view(id: string): ProviderView {
    const store = this.gw.providerStore;
    const settings = this.gw.settings;
    const entry = store?.entries()[id];
    const resolved = settings.providers.get(id);
    if (!entry && !resolved) throw notFound(id, this.ids());
    const base = store?.baseEntries();
    const entryPort = this.gw.pool.all.find((e) => e.bound.use === id);
    const configured = settings.ports.find((p) => p.use === id);
    return providerView({
      id,
      entry,
      resolved,
      source: !store ? 'config' : base?.[id] ? (store.base.providers ? 'config' : 'env') : 'ui',
      edited: !!store && (Object.hasOwn(store.edits.overlay.providers, id) || Object.hasOwn(store.edits.overlay.ports, id) || Object.hasOwn(store.edits.secrets, id)),
      secret: store?.edits.secrets[id],
      secretsName: store?.secrets.name,
      port: entryPort ? { port: entryPort.bound.port, running: entryPort.app !== null } : configured ? { port: configured.port, running: false } : null,
      note: settings.notes.find((n) => n.startsWith(`${id}:`)),
      env: store?.env ?? {},
    });
  }

  create(raw: unknown): Promise<ProviderView> {
    return this.exclusive(async () => {
      const store = this.editable();
      const { id, edits } = createProvider(this.editContext(store), parseProviderBody(raw, null));
      await this.apply(store, edits, id, true, `provider ${id} added through the admin API`);
      return this.view(id);
    });
  }

  update(id: string, raw: unknown): Promise<ProviderView> {
    return this.exclusive(async () => {
      const store = this.editable();
      const body = parseProviderBody(raw, id);
      const edits = updateProvider(this.editContext(store), id, body);
      // Field names only: never a key.
      const fields = Object.keys(body).map((f) => (f === 'apiKey' ? (body.apiKey ? 'key set' : 'key cleared') : f));
      await this.apply(store, edits, id, false, `provider ${id} changed through the admin API (${fields.join(', ') || 'nothing'})`);
      return this.view(id);
    });
  }

  remove(id: string): Promise<void> {
    return this.exclusive(async () => {
      const store = this.editable();
      const edits = deleteProvider(this.editContext(store), id);
      await this.apply(store, edits, null, false, `provider ${id} removed through the admin API`, [id]);
    });
  }

  /** POST /api/providers/:id/test: body `{model?}`. */
  async test(id: string, raw: unknown): Promise<TestResult> {
    const model = testModelField(raw);
    const running = this.gw.settings.providers.get(id);
    if (running) return this.runTest(running, model);
    return this.alone(this.resolveAlone(id), (p) => this.runTest(p, model));
  }

  /** POST /api/providers/test: an unsaved form (a provider body, plus `model`). With the id of an existing provider, the body is an edit of it. */
  async testUnsaved(raw: unknown): Promise<TestResult> {
    const store = this.editable();
    const model = testModelField(raw);
    // The form's fields without `model`, which only says what to test with.
    const rest: Record<string, unknown> = { ...(raw as Record<string, unknown> | null) };
    delete rest.model;
    const body = parseProviderBody(rest, null);
    const entries = store.entries();
    const existing = body.id !== undefined && entries[body.id] ? body.id : null;
    const id = existing ?? newProviderId(body);
    const entry = applyBody(id, existing ? entries[id] : {}, body);
    const secret = body.apiKey !== undefined ? body.apiKey || undefined : existing ? store.edits.secrets[id] : undefined;
    const checked = ProviderConfigSchema.safeParse(entry);
    if (!checked.success) throw badRequest(zodIssueLines(checked.error, ['providers', id]).join('; '));
    // An unsaved key is redacted from what the test reports too.
    const local = secretRedactor([secret]);
    return this.alone(this.resolveEntry(id, checked.data, secret), (p) => this.runTest(p, model, (s) => this.gw.redact(local(s))));
  }

  /** GET /api/providers/:id/models: the provider's own list, else the models its config names. */
  async models(id: string): Promise<{ models: string[]; source: 'provider' | 'config' }> {
    const list = async (provider: ResolvedProvider): Promise<{ models: string[]; source: 'provider' | 'config' }> => {
      const found = await this.gw.catalogs.discover(provider);
      if (found) return { models: found.map((m) => m.id), source: 'provider' };
      const named = [...Object.values(provider.tiers), ...Object.values(provider.modelMap), ...Object.keys(provider.models)];
      return { models: [...new Set(named.filter((m): m is string => !!m))], source: 'config' };
    };
    const running = this.gw.settings.providers.get(id);
    return running ? list(running) : this.alone(this.resolveAlone(id), list);
  }

  /** Uses a provider resolved for one call (not running), then takes its run-time secrets back out of the redactor. */
  private async alone<T>(provider: ResolvedProvider, fn: (p: ResolvedProvider) => Promise<T>): Promise<T> {
    try {
      return await fn(provider);
    } finally {
      provider.authHook?.unbind?.();
    }
  }

  /** POST /api/ports/:port/stop|start. The router port stays: the admin API and the window live on it. */
  setPort(port: number, running: boolean): Promise<{ port: number; running: boolean }> {
    return this.exclusive(async () => {
      const entry = this.gw.pool.find(port);
      if (!entry) throw new GatewayError(404, `no listener on port ${port} (ports: ${this.gw.pool.all.map((e) => e.bound.port).join(', ')})`, { retryable: false });
      if (entry.bound.use === 'router') {
        throw badRequest(`port ${port} is the router port: it serves the admin API and this window, so it cannot be ${running ? 'started' : 'stopped'} from here (stop the gateway itself instead)`);
      }
      if ((entry.app !== null) === running) return { port, running };
      if (running) {
        try {
          await this.gw.pool.start(entry, this.gw.settings.host);
        } catch (err) {
          const e = err as NodeJS.ErrnoException;
          throw new GatewayError(409, e.code === 'EADDRINUSE' ? `port ${port} is now in use by another program` : `cannot listen on port ${port}: ${e.message}`, { retryable: false });
        }
      } else {
        await this.gw.pool.stop(entry);
      }
      const reason = `port ${port} (${entry.bound.use}) ${running ? 'started' : 'stopped'} through the admin API`;
      this.gw.router.events.emit({ type: 'config', at: Date.now(), providers: [entry.bound.use], reason });
      this.gw.log.info({ port, running }, reason);
      return { port, running };
    });
  }

  private async apply(store: ProviderStore, edits: ProviderEdits, id: string | null, creating: boolean, reason: string, ids: string[] = id ? [id] : []): Promise<void> {
    let resolved: Settings;
    try {
      resolved = store.resolve(edits);
    } catch (err) {
      throw err instanceof ConfigError ? badRequest(err.message) : err;
    }
    if (id) this.checkUsable(id, store.entries(edits)[id], resolved, creating);
    const current = this.gw.settings;
    const before = fingerprints(store, store.edits);
    const after = fingerprints(store, edits);
    // Only the provider parts change; the rest (host given on the command line, timeouts) stays as running.
    const next = reuseUnchanged(current, { ...current, providers: resolved.providers, ports: resolved.ports, routerOrder: resolved.routerOrder, scenarioRoutes: resolved.scenarioRoutes, notes: resolved.notes }, (pid) => before.get(pid) === after.get(pid));
    try {
      await this.gw.applySettings(next, { reason, providers: ids, commit: () => store.save(edits) });
    } catch (err) {
      if (err instanceof PortBindError) throw new GatewayError(409, `providers.${id ?? ids[0]}.port: ${err.message}`, { retryable: false });
      throw err;
    }
  }

  /** An edit must not leave the provider it is about silently unusable (no key, or pointed at ourselves). */
  private checkUsable(id: string, entry: ProviderConfig | undefined, next: Settings, creating: boolean): void {
    if (!entry || entry.enabled === false) return;
    const p = next.providers.get(id);
    if (!p) {
      if (!creating && !this.gw.settings.providers.has(id)) return; // it was not usable before either
      const spec = PRESETS[entry.type ?? id];
      const vars = (entry.apiKeyEnv ? [entry.apiKeyEnv] : (spec?.keyEnv ?? [])).map((v) => `$${v}`);
      throw badRequest(`providers.${id}.apiKey: ${spec?.label ?? id} needs an API key: send "apiKey"${vars.length ? `, or set ${vars.join(' or ')} and restart` : ''}`);
    }
    const u = new URL(p.baseUrl);
    const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
    if (isLoopbackHostname(u.hostname) && this.gw.pool.all.some((e) => e.bound.port === port)) {
      throw badRequest(`providers.${id}.baseUrl: ${p.baseUrl} is Switchboard's own port ${port}; that would loop`);
    }
  }

  private async runTest(provider: ResolvedProvider, requested: string | undefined, redact: (s: string) => string = this.gw.redact): Promise<TestResult> {
    let model = requested ?? defaultTestModel(provider);
    if (!model) model = (await this.gw.catalogs.discover(provider))?.[0]?.id ?? null;
    if (!model) throw badRequest(`providers.${provider.id}.models: no model to test with; set models.haiku (or another tier), or send {"model": "..."}`);
    return testConnection({ client: this.gw.client, redact }, provider, model);
  }

  /** A provider not in use (disabled, or no key), resolved on its own for a test or its model list. */
  private resolveAlone(id: string): ResolvedProvider {
    const store = this.gw.providerStore;
    const entry = store?.entries()[id];
    if (!store || !entry) throw notFound(id, this.ids());
    return this.resolveEntry(id, entry, store.edits.secrets[id]);
  }

  private resolveEntry(id: string, entry: ProviderConfig, secret: string | undefined): ResolvedProvider {
    let out;
    try {
      const store = this.editable();
      out = resolveOneProvider(id, entry, store.env, secret, store.secrets.name);
    } catch (err) {
      throw err instanceof ConfigError ? badRequest(err.message) : err;
    }
    if (!out.provider) throw badRequest(`providers.${id}.apiKey: ${out.notes[0]?.replace(/^[^:]+:\s*/, '') ?? 'no API key'}`);
    // Run-time credentials of a provider not running yet still have their tokens redacted.
    out.provider.authHook?.bind?.({ redact: this.gw.redact, log: this.gw.log });
    return out.provider;
  }

  private editContext(store: ProviderStore): EditContext {
    const ports = [...this.gw.pool.all.map((e) => ({ port: e.bound.port, use: e.bound.use })), ...this.gw.settings.ports.filter((p) => p.port !== 0)];
    return { base: store.baseEntries(), entries: store.entries(), edits: store.edits, ports };
  }

  private editable(): ProviderStore {
    const store = this.gw.providerStore;
    if (!store) throw new GatewayError(503, 'this gateway was started from fixed settings, so providers cannot be changed through the API', { retryable: false });
    return store;
  }

  private ids(): string[] {
    return this.gw.providerStore ? Object.keys(this.gw.providerStore.entries()) : [...this.gw.settings.providers.keys()];
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run.then(undefined, (err: unknown) => {
      throw asHttpError(err);
    });
  }
}

/** Per provider, a digest of what its resolution depends on (entry and key): equal digests mean the resolved object can be kept. */
function fingerprints(store: ProviderStore, edits: ProviderEdits): Map<string, string> {
  const out = new Map<string, string>();
  for (const [id, entry] of Object.entries(store.entries(edits))) {
    out.set(id, createHash('sha256').update(JSON.stringify([entry, edits.secrets[id] ?? null])).digest('hex'));
  }
  return out;
}

function testModelField(raw: unknown): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw badRequest('the body must be a JSON object');
  const model = (raw as { model?: unknown }).model;
  if (model === undefined) return undefined;
  if (typeof model !== 'string' || !model.trim()) throw badRequest('model: must be a model name');
  return model.trim();
}

function badRequest(message: string): GatewayError {
  return new GatewayError(400, message, { retryable: false });
}

function notFound(id: string, known: string[]): GatewayError {
  return new GatewayError(404, `no provider "${id}" (providers: ${known.join(', ') || 'none'})`, { retryable: false });
}

export function asHttpError(err: unknown): unknown {
  if (err instanceof ProviderEditError) return new GatewayError(err.status, err.message, { retryable: false });
  if (err instanceof ConfigError) return badRequest(err.message);
  return err;
}

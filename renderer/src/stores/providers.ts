import { create } from 'zustand';
import { api, ApiError } from '../api';
import type { PresetView, ProviderBody, ProviderView, TestResult } from '../api/types';

// GET /api/providers (configured providers, never their keys, plus the presets
// the add form offers) and the changes: add, edit, remove, test, discovered
// models, and starting or stopping a provider's port. `supported` is false on a
// gateway without these endpoints; the page then shows what /api/state knows.

export type TestState = { pending: true } | ({ pending: false; at: number } & TestResult);

export interface ProvidersStore {
  providers: ProviderView[];
  presets: PresetView[];
  /** null until the first answer; false when the gateway has no /api/providers. */
  supported: boolean | null;
  error: unknown;
  loaded: boolean;
  tests: Record<string, TestState>;
  models: Record<string, { models: string[]; source: string } | { error: unknown }>;
  load(): Promise<void>;
  create(body: ProviderBody): Promise<ProviderView>;
  update(id: string, body: ProviderBody): Promise<ProviderView>;
  remove(id: string): Promise<void>;
  /** Tests a saved provider; the result is kept under `key` (default: its id). */
  test(id: string, key?: string): Promise<TestState>;
  testDraft(key: string, body: ProviderBody): Promise<TestState>;
  discover(id: string): Promise<void>;
  setPortRunning(port: number, running: boolean): Promise<void>;
}

const failed = (err: unknown): TestResult => ({
  ok: false,
  latencyMs: 0,
  status: err instanceof ApiError ? err.status || null : null,
  model: '',
  error: { type: err instanceof ApiError ? err.type : 'error', message: err instanceof Error ? err.message : String(err) },
});

export const useProviders = create<ProvidersStore>((set, get) => {
  const runTest = async (key: string, call: () => Promise<TestResult>): Promise<TestState> => {
    set((s) => ({ tests: { ...s.tests, [key]: { pending: true } } }));
    let result: TestResult;
    try {
      result = await call();
    } catch (err) {
      result = failed(err);
    }
    const state: TestState = { pending: false, at: Date.now(), ...result };
    set((s) => ({ tests: { ...s.tests, [key]: state } }));
    return state;
  };
  const upsert = (view: ProviderView) => set((s) => ({ providers: s.providers.some((p) => p.id === view.id) ? s.providers.map((p) => (p.id === view.id ? view : p)) : [...s.providers, view] }));

  return {
    providers: [],
    presets: [],
    supported: null,
    error: null,
    loaded: false,
    tests: {},
    models: {},
    async load() {
      try {
        const r = await api().providers();
        set({ providers: r.providers, presets: r.presets, supported: true, error: null, loaded: true });
      } catch (error) {
        if (error instanceof ApiError && error.missing) set({ supported: false, error: null, loaded: true });
        else set({ error, loaded: true });
      }
    },
    async create(body) {
      const view = await api().createProvider(body);
      upsert(view);
      void get().load();
      return view;
    },
    async update(id, body) {
      const view = await api().updateProvider(id, body);
      upsert(view);
      void get().load();
      return view;
    },
    async remove(id) {
      await api().deleteProvider(id);
      set((s) => ({ providers: s.providers.filter((p) => p.id !== id) }));
      void get().load();
    },
    test: (id, key = id) => runTest(key, () => api().testProvider(id)),
    testDraft: (key, body) => runTest(key, () => api().testDraft(body)),
    async discover(id) {
      try {
        const r = await api().providerModels(id);
        set((s) => ({ models: { ...s.models, [id]: r } }));
      } catch (error) {
        set((s) => ({ models: { ...s.models, [id]: { error } } }));
      }
    },
    async setPortRunning(port, running) {
      const r = running ? await api().startPort(port) : await api().stopPort(port);
      set((s) => ({ providers: s.providers.map((p) => (p.port === r.port ? { ...p, running: r.running } : p)) }));
      void get().load();
    },
  };
});

import type { ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveSettings, type Settings } from '../config/resolve.js';
import { ConfigSchema, type ConfigFile } from '../config/schema.js';
import type { GatewayEvent } from '../events/bus.js';
import { closedPort, waitFor } from '../test/integration/_helpers.js';
import { json, ScriptedUpstream, sleep } from '../test/upstream.js';
import { UpstreamClient } from '../upstream/client.js';
import { describeProbeError, HealthProber, probeStatus } from './health-probe.js';
import { RouterRuntime } from './runtime.js';
import type { Clock } from './state.js';

const models = (_req: unknown, res: ServerResponse) => json(res, 200, { data: [{ id: 'm1' }] });
const status = (code: number) => (_req: unknown, res: ServerResponse) => json(res, code, { error: { message: `HTTP ${code}` } });
const hang = () => new Promise<void>(() => {});

function settingsFor(providers: NonNullable<ConfigFile['providers']>, router: ConfigFile['router'] = {}): Settings {
  return resolveSettings(ConfigSchema.parse({ providers, router, ports: [{ port: 0, use: 'router' }] }), {});
}

describe('HealthProber', () => {
  let up: ScriptedUpstream;
  let client: UpstreamClient;
  let settings: Settings;
  let router: RouterRuntime;
  let prober: HealthProber;
  let events: GatewayEvent[];
  let now: number;
  const clock: Clock = { now: () => now };

  beforeAll(async () => {
    up = await ScriptedUpstream.start();
    client = new UpstreamClient({ connectMs: 1_000, firstByteMs: 5_000, idleMs: 5_000 });
  });
  afterAll(async () => {
    await up.close();
    client.destroy();
  });
  beforeEach(() => {
    now = 1_000_000;
    settings = settingsFor({ up: { type: 'openai-compatible', baseUrl: `${up.url}/v1`, apiKey: 'sk-probe-key' } });
    router = new RouterRuntime(settings, clock);
    prober = new HealthProber(() => settings, client, router, { timeoutMs: 300 });
    events = [];
    router.events.subscribe((e) => events.push(e));
    up.requests.length = 0;
    up.otherwise(models);
  });
  afterEach(async () => {
    await prober.stop();
  });

  it('GETs the model list with the provider key and records a reachable provider, without an event', async () => {
    await prober.probeAll();
    expect(up.requests).toHaveLength(1);
    expect(up.last.method).toBe('GET');
    expect(up.last.url).toBe('/v1/models');
    expect(up.last.headers.authorization).toBe('Bearer sk-probe-key');
    expect(router.lastProbe('up')).toMatchObject({ ok: true, status: 200, at: now });
    expect(router.lastProbe('up')!.latencyMs).toBeGreaterThanOrEqual(0);
    expect(events).toEqual([]);
    expect(probeStatus(settings, router, settings.providers.get('up')!)).toMatchObject({ state: 'up', status: 200, at: new Date(now).toISOString() });
  });

  it('a 5xx is a failure; events only when the result changes (down, still down, up again)', async () => {
    up.next(status(500)).next(status(503));
    await prober.probeAll();
    expect(router.lastProbe('up')).toMatchObject({ ok: false, status: 500, error: 'HTTP 500' });
    await prober.probeAll();
    expect(router.lastProbe('up')).toMatchObject({ ok: false, status: 503 });
    await prober.probeAll();
    await prober.probeAll();
    const health = events.filter((e) => e.type === 'health');
    expect(health.map((e) => e.reason)).toEqual(['up health probe failed: HTTP 500', 'up is reachable again']);
    expect(health.map((e) => (e as { ok: boolean }).ok)).toEqual([false, true]);
  });

  it('401, 403 and 404 mean the endpoint exists (the key lacks catalog rights): reachable', async () => {
    for (const code of [401, 403, 404]) {
      up.next(status(code));
      await prober.probeAll();
      expect(router.lastProbe('up')).toMatchObject({ ok: true, status: code });
    }
    expect(events).toEqual([]);
    expect(router.runtime('up').breaker.snapshot().failures).toBe(0);
  });

  it('an upstream that never answers times out', async () => {
    up.next(hang);
    const t0 = Date.now();
    await prober.probeAll();
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(router.lastProbe('up')).toMatchObject({ ok: false, error: 'no answer within 0.3 s' });
    expect(events[0]).toMatchObject({ type: 'health', provider: 'up', ok: false, reason: 'up health probe failed: no answer within 0.3 s' });
  });

  it('a refused connection is a failure, worded plainly', async () => {
    const port = await closedPort();
    settings = settingsFor({ dead: { type: 'openai-compatible', baseUrl: `http://127.0.0.1:${port}/v1` } });
    router = new RouterRuntime(settings, clock);
    router.events.subscribe((e) => events.push(e));
    prober = new HealthProber(() => settings, client, router, { timeoutMs: 1_000 });
    await prober.probeAll();
    expect(router.lastProbe('dead')).toMatchObject({ ok: false, error: 'connection refused' });
    expect(events.map((e) => e.reason)).toEqual(['dead health probe failed: connection refused']);
  });

  it('failed probes count towards the breaker; a successful probe closes nothing by itself', async () => {
    up.otherwise(status(502));
    for (let i = 0; i < 5; i++) await prober.probeAll();
    expect(router.snapshot('up').circuit).toBe('open');
    expect(events.map((e) => e.type)).toEqual(['health', 'circuit']);
    expect(events[1].reason).toBe('up circuit opened (health probe failed)');
    up.otherwise(models);
    now += 31_000; // past the open period: half-open, waiting for real traffic
    await prober.probeAll();
    expect(router.lastProbe('up')?.ok).toBe(true);
    expect(router.snapshot('up').circuit).toBe('half-open');
  });

  it('skips providers without a models endpoint and says so in status', async () => {
    const p = settings.providers.get('up')!;
    settings.providers.set('up', { ...p, modelsPath: undefined });
    await prober.probeAll();
    expect(up.requests).toHaveLength(0);
    expect(probeStatus(settings, router, settings.providers.get('up')!)).toEqual({ state: 'skipped', reason: 'no models endpoint to probe' });
    const off = settingsFor({ up: { type: 'openai-compatible', baseUrl: up.url } }, { healthCheckIntervalS: 0 });
    expect(probeStatus(off, router, off.providers.get('up')!)).toEqual({ state: 'off' });
    expect(probeStatus(settings, new RouterRuntime(settings), p)).toEqual({ state: 'pending' });
  });

  it('probes every interval with unref-ed timers, and stop() clears the timer', async () => {
    prober = new HealthProber(() => settings, client, router, { intervalMs: 40, timeoutMs: 300 });
    prober.start();
    expect(prober['timer']?.hasRef()).toBe(false);
    await waitFor(() => up.requests.length >= 3, 2_000, 'three probe rounds');
    await prober.stop();
    const seen = up.requests.length;
    await sleep(150);
    expect(up.requests.length).toBe(seen);
    expect(prober['timer']).toBeNull();
  });

  it('rounds never overlap: the next is scheduled when the previous finished', async () => {
    let inFlight = 0;
    let most = 0;
    up.otherwise(async (_req, res) => {
      most = Math.max(most, ++inFlight);
      await sleep(120);
      inFlight--;
      json(res, 200, { data: [] });
    });
    prober = new HealthProber(() => settings, client, router, { intervalMs: 10, timeoutMs: 1_000 });
    prober.start();
    await waitFor(() => up.requests.length >= 3, 3_000, 'three slow rounds');
    expect(most).toBe(1);
    // A manual round joins the one in flight instead of starting another.
    const a = prober.probeAll();
    expect(prober.probeAll()).toBe(a);
  });

  it('stop() cancels a probe in flight at once and records nothing for it', async () => {
    up.otherwise(hang);
    prober = new HealthProber(() => settings, client, router, { intervalMs: 10, timeoutMs: 10_000 });
    prober.start();
    await waitFor(() => up.requests.length >= 1, 2_000, 'a probe in flight');
    const t0 = Date.now();
    await prober.stop();
    expect(Date.now() - t0).toBeLessThan(500);
    expect(router.lastProbe('up')).toBeNull();
    expect(events).toEqual([]);
  });

  it('probes several providers with bounded concurrency', async () => {
    const others = await Promise.all([ScriptedUpstream.start(), ScriptedUpstream.start()]);
    try {
      settings = settingsFor({
        up: { type: 'openai-compatible', baseUrl: up.url },
        o1: { type: 'openai-compatible', baseUrl: others[0].url },
        o2: { type: 'openai-compatible', baseUrl: others[1].url },
      });
      for (const o of others) o.otherwise(status(500));
      router = new RouterRuntime(settings, clock);
      prober = new HealthProber(() => settings, client, router, { concurrency: 2, timeoutMs: 1_000 });
      await prober.probeAll();
      expect(['up', 'o1', 'o2'].map((id) => router.lastProbe(id)?.ok)).toEqual([true, false, false]);
    } finally {
      await Promise.all(others.map((o) => o.close()));
    }
  });
});

describe('describeProbeError', () => {
  it('words transport failures plainly', () => {
    const err = (code: string, message = 'x') => Object.assign(new Error(message), { code });
    expect(describeProbeError(err('ECONNREFUSED'), 5_000)).toBe('connection refused');
    expect(describeProbeError(Object.assign(new AggregateError([err('ECONNREFUSED')]), {}), 5_000)).toBe('connection refused');
    expect(describeProbeError(err('UND_ERR_HEADERS_TIMEOUT'), 5_000)).toBe('no answer within 5 s');
    expect(describeProbeError(new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 5_000)).toBe('no answer within 5 s');
    expect(describeProbeError(err('ENOTFOUND'), 5_000)).toBe('host name not found');
    expect(describeProbeError(err('ECONNRESET'), 5_000)).toBe('connection reset');
    expect(describeProbeError(err('ERR_TLS_CERT_ALTNAME_INVALID', 'bad cert'), 5_000)).toBe('TLS error: bad cert');
  });
});

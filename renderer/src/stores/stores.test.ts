import { beforeEach, describe, expect, it } from 'vitest';
import { errorResponse, fakeApi, gatewayState, requestRow, routingState } from '../test/fake-api';
import { RANGES, useCosts } from './costs';
import { isIncident, MAX_EVENTS, useEvents } from './events';
import { useGateway } from './gateway';
import { rpmFor, spendFor } from './overview';
import { useProviders } from './providers';
import { MAX_ROWS, useRequests } from './requests';

describe('requests store: live tail', () => {
  beforeEach(() => useRequests.setState({ rows: [], newestId: null, nextBefore: null, loaded: false, filter: 'all', error: null }));

  it('loads the newest page, then polls only rows written since (after=newestId)', async () => {
    let answer = { rows: [requestRow({ id: 2 }), requestRow({ id: 1 })], hasMore: false, nextBefore: null as number | null, newestId: 2 };
    const f = fakeApi({ 'GET /api/usage/requests': () => answer });
    await useRequests.getState().load();
    answer = { rows: [requestRow({ id: 4 }), requestRow({ id: 3 })], hasMore: false, nextBefore: null, newestId: 4 };
    expect(await useRequests.getState().poll()).toBe(2);
    expect(f.calls[1].query.get('after')).toBe('2');
    expect(useRequests.getState().rows.map((r) => r.id)).toEqual([4, 3, 2, 1]);
    answer = { rows: [], hasMore: false, nextBefore: null, newestId: 4 };
    expect(await useRequests.getState().poll()).toBe(0);
  });

  it('reloads from the newest page when more arrived than one page', async () => {
    const f = fakeApi({
      'GET /api/usage/requests': (c) => (c.query.get('after') ? { rows: [], hasMore: true, nextBefore: null, newestId: 500 } : { rows: [requestRow({ id: 500 })], hasMore: true, nextBefore: 500, newestId: 500 }),
    });
    useRequests.setState({ loaded: true, newestId: 1, rows: [requestRow({ id: 1 })] });
    await useRequests.getState().poll();
    expect(f.calls.map((c) => c.query.get('after'))).toEqual(['1', null]);
    expect(useRequests.getState().rows.map((r) => r.id)).toEqual([500]);
    expect(useRequests.getState().nextBefore).toBe(500);
  });

  it('keeps at most MAX_ROWS in the tail; older pages load with before=', async () => {
    const many = Array.from({ length: 100 }, (_, i) => requestRow({ id: 5000 - i }));
    fakeApi({ 'GET /api/usage/requests': (c) => (c.query.get('before') ? { rows: [requestRow({ id: 1 })], hasMore: false, nextBefore: null, newestId: 5000 } : { rows: many, hasMore: false, nextBefore: null, newestId: 5000 }) });
    useRequests.setState({ loaded: true, newestId: 10, rows: Array.from({ length: MAX_ROWS }, (_, i) => requestRow({ id: 10 - i / 1000 })) });
    await useRequests.getState().poll();
    expect(useRequests.getState().rows).toHaveLength(MAX_ROWS);
    useRequests.setState({ nextBefore: 4901 });
    await useRequests.getState().loadOlder();
    expect(useRequests.getState().rows.at(-1)!.id).toBe(1);
  });

  it('an answer for the previous filter that arrives late is dropped, not mixed in', async () => {
    let release: () => void = () => {};
    const slow = new Promise<void>((r) => (release = r));
    fakeApi({
      'GET /api/usage/requests': async (c) => {
        if (c.query.get('status') === 'error') return { rows: [requestRow({ id: 9, status: 500 })], hasMore: false, nextBefore: null, newestId: 9 };
        await slow;
        return { rows: [requestRow({ id: 1 })], hasMore: false, nextBefore: null, newestId: 1 };
      },
    });
    const old = useRequests.getState().load();
    await useRequests.getState().setFilter('error');
    release();
    await old;
    expect(useRequests.getState().rows.map((r) => r.id)).toEqual([9]);
  });

  it('a filter reloads with status=error', async () => {
    const f = fakeApi({ 'GET /api/usage/requests': { rows: [], hasMore: false, nextBefore: null, newestId: null } });
    await useRequests.getState().setFilter('error');
    expect(f.calls[0].query.get('status')).toBe('error');
  });
});

describe('providers store', () => {
  beforeEach(() => useProviders.setState({ providers: [], presets: [], supported: null, error: null, loaded: false, tests: {}, models: {} }));

  it('a gateway without /api/providers is "not supported", not an error', async () => {
    fakeApi({});
    await useProviders.getState().load();
    expect(useProviders.getState()).toMatchObject({ supported: false, error: null, loaded: true });
  });

  it('keeps a failed test as its exact error, and a passed one with its latency', async () => {
    fakeApi({
      'POST /api/providers/a/test': { ok: true, latencyMs: 321, status: 200, model: 'm' },
      'POST /api/providers/test': () => errorResponse(400, 'invalid_request_error', 'baseUrl: must be a URL'),
    });
    const ok = await useProviders.getState().test('a');
    expect(ok).toMatchObject({ pending: false, ok: true, latencyMs: 321 });
    const bad = await useProviders.getState().testDraft('draft', { type: 'openai' });
    expect(bad).toMatchObject({ pending: false, ok: false, status: 400, error: { type: 'invalid_request_error', message: 'baseUrl: must be a URL' } });
    expect(Object.keys(useProviders.getState().tests).sort()).toEqual(['a', 'draft']);
  });

  it('create sends the body once and the list is refetched', async () => {
    const view = { id: 'or', type: 'openrouter', label: 'OpenRouter', port: 8093, running: true, key: { set: true, hint: '••••1234', env: null } };
    const f = fakeApi({ 'POST /api/providers': view, 'GET /api/providers': { providers: [view], presets: [] } });
    await useProviders.getState().create({ type: 'openrouter', apiKey: 'sk-or-secret-1234' });
    expect(f.calls[0].body).toEqual({ type: 'openrouter', apiKey: 'sk-or-secret-1234' });
    expect(useProviders.getState().providers.map((p) => p.id)).toEqual(['or']);
    // Nothing the store keeps holds the key.
    expect(JSON.stringify(useProviders.getState())).not.toContain('sk-or-secret');
  });
});

describe('gateway store: routing changes', () => {
  it('switching strategy shows at once and is put back when the gateway refuses it', async () => {
    fakeApi({ 'PUT /api/routing': () => errorResponse(400, 'invalid_request_error', 'strategy: nope'), 'GET /api/state': gatewayState() });
    useGateway.setState({ state: gatewayState({ strategy: 'priority' }) });
    const p = useGateway.getState().setStrategy('cost');
    expect(useGateway.getState().state!.strategy).toBe('cost');
    await expect(p).rejects.toThrow('strategy: nope');
    expect(useGateway.getState().state!.strategy).toBe('priority');
  });

  it('saving the order sends the priority', async () => {
    const f = fakeApi({ 'PUT /api/routing': (c) => ({ strategy: 'priority', ...(c.body as object) }), 'GET /api/state': gatewayState({ priority: ['beta', 'alpha'] }) });
    useGateway.setState({ state: gatewayState() });
    await useGateway.getState().setPriority(['beta', 'alpha']);
    expect(f.calls[0].body).toEqual({ priority: ['beta', 'alpha'] });
    expect(useGateway.getState().state!.priority).toEqual(['beta', 'alpha']);
  });
});

describe('costs store', () => {
  it('a range keeps the bucket when allowed, else picks one the gateway accepts', async () => {
    const f = fakeApi({ 'GET /api/usage/summary': {}, 'GET /api/usage/series': {}, 'GET /api/usage/breakdown': { rows: [] } });
    useCosts.setState({ range: '7d', bucket: 'hour' });
    await useCosts.getState().setRange('90d');
    expect(useCosts.getState().bucket).toBe('week');
    expect(RANGES['90d'].buckets).not.toContain('hour');
    const series = f.calls.find((c) => c.path === '/api/usage/series')!;
    expect(Object.fromEntries(series.query)).toMatchObject({ from: '-90d', bucket: 'week', groupBy: 'provider' });
    const sessions = f.calls.find((c) => c.query.get('groupBy') === 'session')!;
    expect(sessions.query.get('limit')).toBe('10');
  });
});

describe('helpers', () => {
  it('events: the kept list is bounded and incidents are recognised', () => {
    useEvents.getState().clear();
    for (let i = 0; i < MAX_EVENTS + 50; i++) useEvents.getState().add({ id: i, type: 'failover', at: i, reason: 'x', from: 'a', to: 'b', status: 500 });
    expect(useEvents.getState().events).toHaveLength(MAX_EVENTS);
    expect(useEvents.getState().events[0].id).toBe(MAX_EVENTS + 49);
    expect(isIncident(useEvents.getState().events[0])).toBe(true);
  });

  it('overview: requests per minute and spend per port', () => {
    const rows = [{ key: 8080, totals: { requests: 10, costUsd: 1.5 } }] as never;
    expect(rpmFor(rows, 8080)).toBe(2);
    expect(rpmFor(rows, 9999)).toBe(0);
    expect(spendFor(rows, 8080)).toBe(1.5);
  });

  it('routing: scenario targets and thresholds load, save (only what is sent), and keep /api/state in step', async () => {
    let routing = routingState();
    const f = fakeApi({
      'GET /api/routing': () => routing,
      'PUT /api/routing': (c) => {
        const b = c.body as { scenarios?: object; thresholds?: object };
        routing = { ...routing, scenarios: { ...routing.scenarios, ...b.scenarios }, thresholds: { ...routing.thresholds, ...b.thresholds }, strategy: 'cost' };
        return routing;
      },
    });
    useGateway.setState({ state: gatewayState(), routing: null });
    await useGateway.getState().loadRouting();
    expect(useGateway.getState().routing?.scenarios.background).toEqual(['beta,beta-small']);
    await useGateway.getState().saveRoutes({ scenarios: { think: ['alpha'] } });
    await useGateway.getState().saveRoutes({ thresholds: { longContextThreshold: 1000 } });
    expect(f.calls.filter((c) => c.method === 'PUT').map((c) => c.body)).toEqual([{ scenarios: { think: ['alpha'] } }, { thresholds: { longContextThreshold: 1000 } }]);
    expect(useGateway.getState().routing).toMatchObject({ scenarios: { think: ['alpha'], background: ['beta,beta-small'] }, thresholds: { longContextThreshold: 1000, rateLimitThreshold: 0.2 } });
    expect(useGateway.getState().state!.strategy).toBe('cost');
  });
});

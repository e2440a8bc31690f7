import { describe, expect, it } from 'vitest';
import { errorResponse, fakeApi } from '../test/fake-api';
import { AdminApi, ApiError, queryString } from './client';
import { explain } from './explain';

describe('AdminApi', () => {
  it('sends the token as a Bearer header and JSON bodies', async () => {
    const f = fakeApi({ 'PUT /api/routing': (c) => ({ strategy: (c.body as { strategy: string }).strategy, priority: ['a'] }) }, 'secret');
    const r = await f.api.putRouting({ strategy: 'cost' });
    expect(r.strategy).toBe('cost');
    expect(f.calls[0].headers.authorization).toBe('Bearer secret');
    expect(f.calls[0].headers['content-type']).toBe('application/json');
  });

  it('turns Anthropic-shaped errors into ApiError with the gateway message and status', async () => {
    const f = fakeApi({ 'PUT /api/routing': () => errorResponse(400, 'invalid_request_error', 'priority[1]: unknown provider "x"') });
    const err = await f.api.putRouting({ priority: ['a', 'x'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, type: 'invalid_request_error', message: 'priority[1]: unknown provider "x"' });
    expect(explain(err)).toEqual({ what: 'Priority[1]: unknown provider "x".', next: 'Correct the field it names and try again.' });
  });

  it('recognises an endpoint the gateway does not have', async () => {
    const f = fakeApi({});
    const err = (await f.api.providers().catch((e: unknown) => e)) as ApiError;
    expect(err.missing).toBe(true);
  });

  it('says in plain words when the gateway cannot be reached or refuses the token', async () => {
    const down = new AdminApi({ token: 't', fetch: (async () => Promise.reject(new TypeError('fetch failed'))) as typeof fetch });
    const err = await down.state().catch((e: unknown) => e);
    expect(explain(err).what).toBe('Switchboard cannot be reached.');
    const f = fakeApi({ 'GET /api/state': () => errorResponse(401, 'authentication_error', 'admin token required') });
    const e401 = await f.api.state().catch((e: unknown) => e);
    expect(explain(e401).next).toMatch(/login link/);
  });

  it('puts the token in the query only where a browser cannot send a header', () => {
    const api = new AdminApi({ token: 'a b', base: 'http://127.0.0.1:8080/' });
    expect(api.eventsUrl(null)).toBe('http://127.0.0.1:8080/api/events?token=a+b');
    expect(api.eventsUrl(42)).toBe('http://127.0.0.1:8080/api/events?token=a+b&after=42');
    expect(api.exportUrl({ from: '-7d', format: 'csv' })).toBe('http://127.0.0.1:8080/api/usage/export?from=-7d&format=csv&token=a+b');
  });

  it('builds usage queries without empty parameters', async () => {
    const f = fakeApi({ 'GET /api/usage/breakdown': { rows: [] } });
    await f.api.breakdown({ groupBy: 'port', from: '-5m', provider: undefined, limit: 100 });
    expect(Object.fromEntries(f.calls[0].query)).toEqual({ groupBy: 'port', from: '-5m', limit: '100' });
    expect(queryString({ a: '', b: null, c: 0 })).toBe('?c=0');
  });
});

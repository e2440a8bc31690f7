import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { Live, setLive } from '../events/live';
import { useGateway } from '../stores/gateway';
import { useRequests } from '../stores/requests';
import { fakeApi, gatewayState, requestRow, routingState } from '../test/fake-api';
import { describe as describeEvent } from './components/RecentEvents';
import Requests from './Requests';
import Routing from './Routing';

describe('Requests page', () => {
  beforeEach(() => useRequests.setState({ rows: [], newestId: null, nextBefore: null, loaded: false, filter: 'all', detail: null, detailError: null, error: null }));

  it('lists requests and opens a detail view from the keyboard', async () => {
    const f = fakeApi({
      'GET /api/usage/requests': { rows: [requestRow({ id: 9, provider: 'beta', attempts: 2, fallbackPath: 'alpha:500,beta:200' })], hasMore: false, nextBefore: null, newestId: 9 },
      'GET /api/usage/requests/9': { ...requestRow({ id: 9, provider: 'beta', attempts: 2 }), attemptsPath: [{ provider: 'alpha', status: 500 }, { provider: 'beta', status: 200 }] },
    });
    await useRequests.getState().load();
    render(<Requests />);
    const details = screen.getByRole('button', { name: /Details of request 9/ });
    details.focus();
    await userEvent.keyboard('{Enter}');
    const dialog = await screen.findByRole('dialog', { name: 'Request 9' });
    expect(dialog.textContent).toContain('alpha: 500');
    expect(f.count('GET /api/usage/requests/9')).toBe(1);
  });

  it('a new user is told how to send the first request', async () => {
    fakeApi({ 'GET /api/usage/requests': { rows: [], hasMore: false, nextBefore: null, newestId: null } });
    useGateway.setState({ state: gatewayState() });
    await useRequests.getState().load();
    render(<Requests />);
    expect(screen.getByText('No requests yet')).toBeTruthy();
    expect(screen.getByText(/ANTHROPIC_BASE_URL=http:\/\/127.0.0.1:8080/)).toBeTruthy();
  });
});

describe('Routing page', () => {
  beforeEach(() => setLive(new Live()));

  it('choosing a strategy puts it to the gateway; each strategy has its one-line explanation', async () => {
    let strategy = 'priority';
    const f = fakeApi({
      'GET /api/state': () => gatewayState({ strategy: strategy as 'priority' }),
      'PUT /api/routing': (c) => {
        strategy = (c.body as { strategy: string }).strategy;
        return routingState({ strategy: strategy as 'priority' });
      },
      'GET /api/routing': () => routingState({ strategy: strategy as 'priority' }),
      'GET /api/budget': { hourlyUsd: 10, dailyUsd: 50, action: 'alert', downgradeTo: 'haiku', inForce: null, windows: [] },
      'GET /api/prices': { providers: [] },
    });
    useGateway.setState({ state: gatewayState() });
    render(<Routing />);
    expect(screen.getByRole('radio', { name: /cost/i }).getAttribute('aria-describedby')).toBe('strategy-cost-help');
    expect(screen.getByText(/Cheapest first\./)).toBeTruthy();
    await userEvent.click(screen.getByRole('radio', { name: /cost/i }));
    await waitFor(() => expect(f.calls.find((c) => c.method === 'PUT')?.body).toEqual({ strategy: 'cost' }));
    expect((screen.getByRole('radio', { name: /cost/i }) as HTMLInputElement).checked).toBe(true);
    await screen.findByLabelText('Hourly budget (USD)');
  });

  it('event lines say what changed', () => {
    expect(describeEvent({ id: 1, type: 'strategy', at: 0, reason: 'changed through the admin API', strategy: 'cost' })).toBe('now cost: changed through the admin API');
    expect(describeEvent({ id: 2, type: 'priority', at: 0, reason: 'changed through the admin API', priority: ['b', 'a'] })).toBe('b → a: changed through the admin API');
    expect(describeEvent({ id: 3, type: 'failover', at: 0, reason: 'alpha 500 → beta', from: 'alpha', to: 'beta', status: 500 })).toBe('alpha 500 → beta');
  });
});

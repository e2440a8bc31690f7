import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Routing as RoutingWire } from '../api/types';
import { Live, setLive } from '../events/live';
import { useGateway } from '../stores/gateway';
import { useToasts } from '../stores/toasts';
import { errorResponse, fakeApi, gatewayState, routingState } from '../test/fake-api';
import { changedScenarios, targetOf } from './components/ScenarioEditor';
import { parsePercent, parseTokens } from './components/ThresholdsForm';
import Routing from './Routing';

// The Routing page's scenario targets and thresholds: edited as a draft, saved with
// only what changed, errors in plain words.

function gatewayWithRouting(reject?: (body: Partial<RoutingWire>) => Response | null) {
  let routing = routingState();
  const f = fakeApi({
    'GET /api/state': gatewayState(),
    'GET /api/routing': () => routing,
    'PUT /api/routing': (c) => {
      const body = c.body as Partial<RoutingWire>;
      const refused = reject?.(body);
      if (refused) return refused;
      routing = { ...routing, scenarios: { ...routing.scenarios, ...body.scenarios }, thresholds: { ...routing.thresholds, ...body.thresholds } };
      return routing;
    },
    'GET /api/budget': { hourlyUsd: 10, dailyUsd: 50, action: 'alert', downgradeTo: 'haiku', inForce: null, windows: [] },
    'GET /api/prices': { providers: [{ id: 'beta', type: 'openai-compatible', label: 'BETA', models: [{ model: 'beta-think', uses: [], origin: 'config', source: null, price: null }] }] },
  });
  return { f, puts: () => f.calls.filter((c) => c.method === 'PUT').map((c) => c.body) };
}

describe('Routing page: scenario targets and thresholds', () => {
  beforeEach(() => {
    setLive(new Live());
    useGateway.setState({ state: gatewayState(), routing: null, routingError: null });
    useToasts.setState({ toasts: [] });
  });

  it('adds a target from the enabled providers, reorders and clears, then saves only the scenarios that changed', async () => {
    const g = gatewayWithRouting();
    render(<Routing />);
    const think = await screen.findByTestId('scenario-think');
    expect(within(think).getByText(/None: the strategy/)).toBeTruthy();
    await userEvent.click(within(think).getByRole('button', { name: 'Add a target for think' }));
    // Focus lands on the provider picker; the enabled providers are offered, in the chain's order.
    const provider = within(think).getByLabelText('Provider') as HTMLSelectElement;
    expect(document.activeElement).toBe(provider);
    expect([...provider.options].map((o) => o.value)).toEqual(['alpha', 'beta']);
    await userEvent.selectOptions(provider, 'beta');
    await userEvent.type(within(think).getByLabelText('Model'), 'beta-think');
    await userEvent.click(within(think).getByRole('button', { name: 'Add' }));
    // A second one with no model: the provider's own model per request.
    await userEvent.click(within(think).getByRole('button', { name: 'Add a target for think' }));
    await userEvent.click(within(think).getByRole('button', { name: 'Add' }));
    expect(within(think).getByText(/its own model for each request/)).toBeTruthy();
    await userEvent.click(within(think).getByRole('button', { name: 'Move alpha up in think' }));
    expect(within(think).getAllByRole('listitem').map((li) => li.textContent)).toEqual([expect.stringMatching(/^1\.alpha/), expect.stringMatching(/^2\.beta,beta-think/)]);
    await userEvent.click(screen.getByRole('button', { name: 'Clear the targets of background' }));
    expect(screen.getByText('Not saved yet.')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Save scenario targets' }));
    await waitFor(() => expect(g.puts()).toEqual([{ scenarios: { background: [], think: ['alpha', 'beta,beta-think'] } }]));
    await waitFor(() => expect(screen.queryByText('Not saved yet.')).toBeNull());
    expect(useToasts.getState().toasts.at(-1)).toMatchObject({ kind: 'success', text: expect.stringContaining('background, think') });
  });

  it('Undo puts the draft back; a refusal is shown in plain words next to the list', async () => {
    const g = gatewayWithRouting(() => errorResponse(400, 'invalid_request_error', 'scenarios.background[0]: provider "beta" is not enabled (enabled providers: alpha)'));
    render(<Routing />);
    const bg = await screen.findByTestId('scenario-background');
    await userEvent.click(within(bg).getByRole('button', { name: 'Remove beta,beta-small from background' }));
    const card = screen.getByRole('region', { name: 'Scenario targets' });
    await userEvent.click(within(card).getByRole('button', { name: 'Undo changes' }));
    expect(within(bg).getByText('beta,beta-small')).toBeTruthy();
    await userEvent.click(within(bg).getByRole('button', { name: 'Add a target for background' }));
    await userEvent.click(within(bg).getByRole('button', { name: 'Add' })); // alpha, its own model
    await userEvent.click(screen.getByRole('button', { name: 'Save scenario targets' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('Scenarios.background[0]: provider "beta" is not enabled (enabled providers: alpha). Correct the field it names and try again.');
    expect(g.puts()).toHaveLength(1);
    expect(screen.getByText('Not saved yet.')).toBeTruthy(); // the draft is kept for a fix
  });

  it('thresholds are edited in % and tokens, checked before sending, and saved', async () => {
    const g = gatewayWithRouting();
    render(<Routing />);
    const rate = (await screen.findByLabelText('Avoid a provider below')) as HTMLInputElement;
    const long = screen.getByLabelText('Long context above') as HTMLInputElement;
    expect([rate.value, long.value]).toEqual(['20', '60,000']);
    expect(screen.getByText('% of its rate limit left')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Save thresholds' }).hasAttribute('disabled')).toBe(true);
    await userEvent.clear(rate);
    await userEvent.type(rate, '150');
    await userEvent.click(screen.getByRole('button', { name: 'Save thresholds' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/percentage from 0 to 100/);
    expect(g.puts()).toEqual([]);
    await userEvent.clear(rate);
    await userEvent.type(rate, '10');
    await userEvent.clear(long);
    await userEvent.type(long, '100k');
    await userEvent.click(screen.getByRole('button', { name: 'Save thresholds' }));
    await waitFor(() => expect(g.puts()).toEqual([{ thresholds: { rateLimitThreshold: 0.1, longContextThreshold: 100_000 } }]));
    await waitFor(() => expect(long.value).toBe('100,000'));
    expect(screen.getByRole('button', { name: 'Save thresholds' }).hasAttribute('disabled')).toBe(true);
  });

  it('parses what people type', () => {
    expect([parsePercent('20'), parsePercent('12.5 %'), parsePercent('0'), parsePercent('101'), parsePercent('x'), parsePercent('')]).toEqual([0.2, 0.125, 0, null, null, null]);
    expect([parseTokens('60000'), parseTokens('60,000'), parseTokens('60 000'), parseTokens('1.5k'), parseTokens('0'), parseTokens('12.5'), parseTokens('20000000')]).toEqual([60_000, 60_000, 60_000, 1_500, null, null, null]);
    expect(targetOf('beta', ' ')).toBe('beta');
    expect(targetOf('beta', 'm')).toBe('beta,m');
    const saved = routingState().scenarios;
    expect(changedScenarios(saved, { ...saved, think: ['alpha'] })).toEqual({ think: ['alpha'] });
    expect(changedScenarios(saved, saved)).toEqual({});
  });
});

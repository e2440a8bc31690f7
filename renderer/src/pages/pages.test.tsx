import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { PresetView, ProviderView } from '../api/types';
import { setLive, Live } from '../events/live';
import { useGateway } from '../stores/gateway';
import { useProviders } from '../stores/providers';
import { fakeApi, gatewayState, totals } from '../test/fake-api';
import { BudgetForm, parseUsd } from './components/BudgetForm';
import { move, PriorityChain } from './components/PriorityChain';
import { toBody, initialValues, ProviderForm } from './components/ProviderForm';
import { keyText } from './components/ProviderCard';
import { Overview, portRows } from './Overview';

const preset: PresetView = { type: 'openrouter', label: 'OpenRouter', dialect: 'openai-chat', needsKey: true, keyEnv: ['OPENROUTER_API_KEY'], defaultBaseUrl: 'https://openrouter.ai/api/v1', defaultModels: { opus: 'o', sonnet: 's', haiku: 'h' }, defaultPort: 8093, fields: [], docs: 'Many models behind one key.' };
const saved: ProviderView = { id: 'or', type: 'openrouter', label: 'OpenRouter', dialect: 'openai-chat', enabled: true, source: 'ui', baseUrl: 'https://openrouter.ai/api/v1', port: 8093, running: true, models: { opus: 'o', sonnet: 's', haiku: 'h' }, modelMap: {}, key: { set: true, hint: '••••1234', env: null } };

describe('PriorityChain: drag or keyboard', () => {
  it('move() reorders and ignores moves off the ends', () => {
    expect(move(['a', 'b', 'c'], 2, 0)).toEqual(['c', 'a', 'b']);
    expect(move(['a', 'b'], 0, -1)).toEqual(['a', 'b']);
  });

  it('Move up with the keyboard keeps focus on the moved item, announces it, and saves the new order', async () => {
    const onSave = vi.fn(async () => undefined);
    render(<PriorityChain priority={['alpha', 'beta', 'gamma']} labels={new Map([['beta', 'Beta']])} onSave={onSave} />);
    const up = screen.getByRole('button', { name: 'Move Beta up' });
    up.focus();
    await userEvent.keyboard('{Enter}');
    expect(screen.getAllByRole('listitem').map((li) => li.textContent?.replace(/[^a-zA-Z]/g, '').replace(/(up|down)/g, ''))[0]).toMatch(/^Beta/);
    // At the top the up button is disabled, so focus moves to its down button.
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Move Beta down');
    expect(screen.getByText('Beta moved to position 1 of 3')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Save order' }));
    expect(onSave).toHaveBeenCalledWith(['beta', 'alpha', 'gamma']);
  });

  it('drag and drop moves an item', () => {
    render(<PriorityChain priority={['alpha', 'beta']} labels={new Map()} onSave={vi.fn(async () => undefined)} />);
    const [a, b] = screen.getAllByRole('listitem');
    const dt = { setData: vi.fn(), getData: () => 'beta', effectAllowed: '' };
    act(() => {
      b.dispatchEvent(Object.assign(new Event('dragstart', { bubbles: true }), { dataTransfer: dt }));
    });
    act(() => {
      a.dispatchEvent(Object.assign(new Event('dragover', { bubbles: true, cancelable: true }), { dataTransfer: dt }));
      a.dispatchEvent(Object.assign(new Event('drop', { bubbles: true, cancelable: true }), { dataTransfer: dt }));
    });
    expect(screen.getAllByRole('listitem')[0].getAttribute('data-testid')).toBe('chain-item-beta');
    expect((screen.getByRole('button', { name: 'Save order' }) as HTMLButtonElement).disabled).toBe(false);
  });

  const order = () => screen.getAllByRole('listitem').map((li) => li.getAttribute('data-testid'));

  it('follows a change saved elsewhere while unedited, and keeps a draft that has edits', async () => {
    const onSave = vi.fn(async () => undefined);
    const { rerender } = render(<PriorityChain priority={['alpha', 'beta']} labels={new Map()} onSave={onSave} />);
    rerender(<PriorityChain priority={['beta', 'alpha']} labels={new Map()} onSave={onSave} />);
    expect(order()).toEqual(['chain-item-beta', 'chain-item-alpha']);
    expect(screen.queryByText('Not saved yet.')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Move alpha up' }));
    rerender(<PriorityChain priority={['beta', 'alpha', 'gamma']} labels={new Map()} onSave={onSave} />);
    expect(order()).toEqual(['chain-item-alpha', 'chain-item-beta']);
    expect(screen.getByText('Not saved yet.')).toBeTruthy();
  });

  it('shows a refused save beside the chain and keeps the draft', async () => {
    const onSave = vi.fn(async () => {
      throw new Error('priority[0]: unknown provider');
    });
    render(<PriorityChain priority={['alpha', 'beta']} labels={new Map()} onSave={onSave} />);
    await userEvent.click(screen.getByRole('button', { name: 'Move beta up' }));
    await userEvent.click(screen.getByRole('button', { name: 'Save order' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/unknown provider/);
    expect(order()).toEqual(['chain-item-beta', 'chain-item-alpha']);
  });
});

describe('forms', () => {
  it('BudgetForm refuses a bad amount in plain words and saves good ones', async () => {
    expect(parseUsd('$2.50')).toBe(2.5);
    expect(parseUsd('')).toBeNull();
    expect(parseUsd('ten')).toBe('invalid');
    const onSave = vi.fn(async () => undefined);
    render(<BudgetForm budget={{ hourlyUsd: 10, dailyUsd: 50, action: 'alert', downgradeTo: 'haiku', inForce: null, windows: [] }} onSave={onSave} />);
    const hourly = screen.getByLabelText('Hourly budget (USD)');
    await userEvent.clear(hourly);
    await userEvent.type(hourly, 'ten');
    await userEvent.click(screen.getByRole('button', { name: 'Save budgets' }));
    expect(screen.getByRole('alert').textContent).toMatch(/Hourly budget must be an amount in USD/);
    expect(onSave).not.toHaveBeenCalled();
    await userEvent.clear(hourly);
    await userEvent.type(hourly, '5');
    await userEvent.selectOptions(screen.getByLabelText('At 100 %'), 'block');
    await userEvent.click(screen.getByRole('button', { name: 'Save budgets' }));
    expect(onSave).toHaveBeenCalledWith({ hourlyUsd: 5, dailyUsd: 50, action: 'block', downgradeTo: 'haiku' });
  });

  it('ProviderForm: the key is write-only (empty keeps it, its hint is only a placeholder)', async () => {
    expect(keyText(saved)).toBe('••••1234');
    expect(keyText({ ...saved, key: { set: true, hint: '••••9999', env: 'OPENROUTER_API_KEY' } })).toBe('from $OPENROUTER_API_KEY (••••9999)');
    const unchanged = toBody(initialValues(preset, saved), saved);
    expect(unchanged).toEqual({});
    expect(toBody({ ...initialValues(preset, saved), clearKey: true }, saved)).toEqual({ apiKey: '' });
    expect(toBody({ ...initialValues(preset), port: '70000' })).toMatch(/^Port:/);
    expect(toBody({ ...initialValues(preset), baseUrl: 'ftp://x' })).toMatch(/^Base URL:/);

    const onSubmit = vi.fn(async () => undefined);
    render(<ProviderForm presets={[preset]} existing={saved} onTest={vi.fn()} onSubmit={onSubmit} onCancel={vi.fn()} />);
    const key = screen.getByLabelText('API key') as HTMLInputElement;
    expect(key.type).toBe('password');
    expect(key.value).toBe('');
    expect(key.placeholder).toBe('••••1234');
    await userEvent.type(key, 'sk-new-key');
    await userEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(onSubmit).toHaveBeenCalledWith({ apiKey: 'sk-new-key' });
  });

  it('ProviderForm: adding from a preset sends only what was given; Test connection tests the draft', async () => {
    const onTest = vi.fn();
    const onSubmit = vi.fn(async () => undefined);
    render(<ProviderForm presets={[preset]} onTest={onTest} onSubmit={onSubmit} onCancel={vi.fn()} />);
    expect(screen.getByText('Many models behind one key.')).toBeTruthy();
    await userEvent.type(screen.getByLabelText('API key'), 'sk-or-1');
    await userEvent.click(screen.getByRole('button', { name: 'Test connection' }));
    expect(onTest).toHaveBeenCalledWith({ type: 'openrouter', apiKey: 'sk-or-1', port: 8093 });
    await userEvent.click(screen.getByRole('button', { name: 'Add provider' }));
    expect(onSubmit).toHaveBeenCalledWith({ type: 'openrouter', apiKey: 'sk-or-1', port: 8093 });
  });
});

describe('Overview page', () => {
  beforeEach(() => {
    setLive(new Live());
    useProviders.setState({ providers: [], presets: [], supported: null, loaded: false });
  });

  it('shows the base URL and export line, every port, and start/stop only for provider ports', async () => {
    fakeApi({
      'GET /api/state': gatewayState(),
      'GET /api/providers': { providers: [{ ...saved, id: 'alpha', port: 8092 }], presets: [preset] },
      'GET /api/usage/summary': { totals: totals({ costUsd: 1.25, requests: 7 }) },
      'GET /api/usage/breakdown': (c) => ({ rows: [{ key: 8080, totals: totals({ requests: c.query.get('from') === '-5m' ? 15 : 7, costUsd: 1.25 }) }] }),
    });
    await useGateway.getState().load();
    render(<Overview />);
    expect(screen.getByText('http://127.0.0.1:8080')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Copy the export line' })).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId('port-8080').textContent).toContain('3.0'));
    expect(screen.getByTestId('port-8080').textContent).toContain('$1.25');
    await waitFor(() => expect(within(screen.getByTestId('port-8092')).getByRole('button', { name: /Stop port 8092/ })).toBeTruthy());
    expect(within(screen.getByTestId('port-8080')).queryByRole('button', { name: /Stop/ })).toBeNull();
  });

  it('a new user with no provider is told what to do first', async () => {
    fakeApi({ 'GET /api/state': gatewayState({ providers: [], priority: [] }), 'GET /api/usage/summary': { totals: totals() }, 'GET /api/usage/breakdown': { rows: [] } });
    await useGateway.getState().load();
    render(<Overview />);
    expect(screen.getByText('No provider yet')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Add a provider' }).getAttribute('href')).toBe('#/providers');
  });

  it('portRows lists stopped provider ports too', () => {
    const rows = portRows(gatewayState().ports, new Map([['beta', 'Beta']]), [{ id: 'beta', port: 8093, running: false }]);
    expect(rows.map((r) => [r.port, r.running])).toEqual([
      [8080, true],
      [8092, true],
      [8093, false],
    ]);
  });
});

import { useState } from 'react';
import { explain } from '../api/explain';
import type { StrategyName } from '../api/types';
import { Card, PageHeader } from '../components/Card';
import { Dialog } from '../components/Dialog';
import { ErrorBanner } from '../components/ErrorBanner';
import { useWatch } from '../events/live';
import { useBudget } from '../stores/budget';
import { useEvents } from '../stores/events';
import { useGateway } from '../stores/gateway';
import { scenarioTargets, usePrices } from '../stores/prices';
import { toast } from '../stores/toasts';
import { BudgetForm } from './components/BudgetForm';
import { PriorityChain } from './components/PriorityChain';
import { StrategyPicker } from './components/StrategyPicker';

// Routing: the strategy, the fallback chain (drag or move up/down), the scenario
// targets, and the budget thresholds. Every change applies to the next request.

const SCENARIO_HELP: Record<string, string> = {
  default: 'everything else',
  background: 'haiku-tier requests that are not long (Claude Code’s background calls)',
  think: 'requests with thinking on',
  longContext: 'prompts above router.longContextThreshold tokens',
  webSearch: 'requests offering the web_search tool',
  image: 'an image in the last user message',
};

export default function Routing() {
  useWatch('budget', 'prices');
  const { state, error, load, setStrategy, setPriority, resetRouter } = useGateway();
  const budget = useBudget();
  const prices = usePrices();
  const lastRoute = useEvents((s) => s.events.find((e) => e.type === 'route'));
  const [confirmReset, setConfirmReset] = useState(false);
  const [switching, setSwitching] = useState(false);

  if (!state) {
    return (
      <div className="page">
        <PageHeader title="Routing" />
        {error ? <ErrorBanner error={error} onRetry={() => void load()} /> : <p className="muted">Loading…</p>}
      </div>
    );
  }
  const labels = new Map(state.providers.map((p) => [p.id, p.label]));
  const scenarios = scenarioTargets(prices.providers);

  const pick = async (s: StrategyName) => {
    setSwitching(true);
    try {
      await setStrategy(s);
      toast('success', `Routing by ${s}: the next request on the router port uses it.`);
    } catch (err) {
      const x = explain(err);
      toast('error', `${x.what} ${x.next}`);
    } finally {
      setSwitching(false);
    }
  };

  const saveOrder = async (order: string[]) => {
    try {
      await setPriority(order);
      toast('success', 'Fallback order saved.');
    } catch (err) {
      const x = explain(err);
      toast('error', `${x.what} ${x.next}`);
      throw err;
    }
  };

  const reset = async () => {
    setConfirmReset(false);
    try {
      await resetRouter();
      toast('success', 'The router forgot what it learned: circuits, rate limits, latency and cooldowns start fresh.');
    } catch (err) {
      const x = explain(err);
      toast('error', `${x.what} ${x.next}`);
    }
  };

  return (
    <div className="page">
      <PageHeader title="Routing">
        <button type="button" className="btn" onClick={() => setConfirmReset(true)}>
          Reset learned state…
        </button>
      </PageHeader>
      <p className="lead">
        The router port picks a provider for each request with the strategy below, and falls back down the chain when one fails before answering. Provider ports stay pinned to their
        provider.
      </p>
      <ErrorBanner error={error} onRetry={() => void load()} />

      <div className="grid grid--2">
        <Card title="Strategy" id="strategy">
          <StrategyPicker value={state.strategy} help={state.strategies} onChange={(s) => void pick(s)} disabled={switching} />
          <p className="muted small" style={{ marginTop: '0.75rem' }} data-testid="last-route">
            {lastRoute && lastRoute.type === 'route' ? (
              <>
                Last request: <strong>{labels.get(lastRoute.provider) ?? lastRoute.provider}</strong> ({lastRoute.model}), by {lastRoute.strategy}.
              </>
            ) : (
              'No request routed since this window opened.'
            )}
          </p>
        </Card>

        <Card title="Fallback chain" id="chain">
          <p className="muted small" style={{ marginBottom: '0.6rem' }}>
            Your order. The priority strategy follows it exactly; the others use it as a tie-breaker. Drag a provider, or use its arrow buttons.
          </p>
          <PriorityChain priority={state.priority} labels={labels} onSave={saveOrder} />
        </Card>
      </div>

      <Card title="Scenario targets" id="scenarios">
        <ErrorBanner error={prices.error} context="Prices" onRetry={() => void prices.load()} />
        {Object.keys(scenarios).length === 0 ? (
          <p className="muted">
            No scenario routes. With <code>router.scenarios</code> in the config file you can send, for example, background requests to a cheap model and thinking requests to a
            reasoning model; they are tried first, then the chain above.
          </p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Scenario</th>
                <th scope="col">When</th>
                <th scope="col">Tried first</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(scenarios).map(([s, targets]) => (
                <tr key={s}>
                  <td className="mono">{s}</td>
                  <td className="muted small">{SCENARIO_HELP[s] ?? ''}</td>
                  <td className="mono">{targets.join(' → ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p className="muted small">Scenario targets are set in the config file (router.scenarios) and shown here as the gateway reports them.</p>
      </Card>

      <Card title="Thresholds" id="thresholds">
        <ErrorBanner error={budget.error} context="Budgets" onRetry={() => void budget.load()} />
        {budget.budget ? <BudgetForm budget={budget.budget} onSave={budget.save} /> : budget.error ? null : <p className="muted">Loading…</p>}
        <p className="muted small" style={{ marginTop: '0.75rem' }}>
          The router also steers away from a provider when its rate-limit headroom falls below <code>router.rateLimitThreshold</code> (20 % by default), and opens a
          provider’s circuit after 5 failures in a row or a 50 % error rate; see the Health page.
        </p>
      </Card>

      <Dialog
        open={confirmReset}
        title="Reset what the router learned?"
        onClose={() => setConfirmReset(false)}
        footer={
          <>
            <button type="button" className="btn" onClick={() => setConfirmReset(false)}>
              Cancel
            </button>
            <button type="button" className="btn btn--primary" onClick={() => void reset()}>
              Reset
            </button>
          </>
        }
      >
        <p>Circuits close, rate-limit and cooldown blocks lift, and latency and success figures start again. The strategy and your order stay as they are.</p>
      </Dialog>
    </div>
  );
}

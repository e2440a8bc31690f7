import { useState } from 'react';
import { explain } from '../api/explain';
import { SCENARIO_ORDER, type RouterThresholds, type StrategyName } from '../api/types';
import { Card, PageHeader } from '../components/Card';
import { Dialog } from '../components/Dialog';
import { ErrorBanner } from '../components/ErrorBanner';
import { useWatch } from '../events/live';
import { useBudget } from '../stores/budget';
import { useEvents } from '../stores/events';
import { useGateway } from '../stores/gateway';
import { usePrices } from '../stores/prices';
import { toast } from '../stores/toasts';
import { BudgetForm } from './components/BudgetForm';
import { PriorityChain } from './components/PriorityChain';
import { ScenarioEditor, type ScenarioMap } from './components/ScenarioEditor';
import { StrategyPicker } from './components/StrategyPicker';
import { ThresholdsForm } from './components/ThresholdsForm';

// Routing: the strategy, the fallback chain (drag or move up/down), the scenario
// targets, the router's thresholds and the budgets. Every change applies to the
// next request and is kept across restarts.

export default function Routing() {
  useWatch('budget', 'prices', 'routing');
  const { state, error, load, setStrategy, setPriority, resetRouter, routing, routingError, loadRouting, saveRoutes } = useGateway();
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
  const enabled = state.priority.filter((id) => labels.has(id)).map((id) => ({ id, label: labels.get(id) ?? id }));
  const models = Object.fromEntries(prices.providers.map((p) => [p.id, p.models.map((m) => m.model)]));
  const scenarios = routing ? (Object.fromEntries(SCENARIO_ORDER.map((s) => [s, routing.scenarios[s] ?? []])) as ScenarioMap) : null;

  const saveScenarios = async (change: Partial<ScenarioMap>) => {
    await saveRoutes({ scenarios: change });
    const names = Object.keys(change).join(', ');
    toast('success', `Scenario targets saved (${names}): the next request of that kind uses them.`);
  };
  const saveThresholds = async (thresholds: RouterThresholds) => {
    await saveRoutes({ thresholds });
    toast('success', 'Thresholds saved: the next request uses them.');
  };

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

  // A refusal is shown beside the chain (PriorityChain); success gets a notice.
  const saveOrder = async (order: string[]) => {
    await setPriority(order);
    toast('success', 'Fallback order saved.');
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
                Last request: <strong>{labels.get(lastRoute.provider) ?? lastRoute.provider}</strong> ({lastRoute.model}), by {lastRoute.strategy}
                {lastRoute.scenario !== 'default' ? `, ${lastRoute.scenario} request` : ''}.
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
        <p className="muted small" style={{ marginBottom: '0.6rem' }}>
          Send a kind of request to chosen providers first, in your order, for example background calls to a cheap model and thinking requests to a reasoning model. If they fail, the
          fallback chain above takes over. Provider ports and explicit <code>provider,model</code> choices are not affected.
        </p>
        <ErrorBanner error={routingError} context="Routing" onRetry={() => void loadRouting()} />
        <ErrorBanner error={prices.error} context="Model list" onRetry={() => void prices.load()} />
        {scenarios ? <ScenarioEditor scenarios={scenarios} providers={enabled} models={models} onSave={saveScenarios} /> : routingError ? null : <p className="muted">Loading…</p>}
      </Card>

      <div className="grid grid--2">
        <Card title="Router thresholds" id="thresholds">
          {routing ? <ThresholdsForm thresholds={routing.thresholds} onSave={saveThresholds} /> : routingError ? null : <p className="muted">Loading…</p>}
          <p className="muted small" style={{ marginTop: '0.75rem' }}>
            A provider’s circuit also opens after 5 failures in a row or a 50 % error rate; see the Health page.
          </p>
        </Card>

        <Card title="Budgets" id="budgets">
          <ErrorBanner error={budget.error} context="Budgets" onRetry={() => void budget.load()} />
          {budget.budget ? <BudgetForm budget={budget.budget} onSave={budget.save} /> : budget.error ? null : <p className="muted">Loading…</p>}
        </Card>
      </div>

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

import { useEffect, useState, type FormEvent } from 'react';
import type { BudgetChange, BudgetStatus } from '../../api/types';
import { explain } from '../../api/explain';

// Budget thresholds: hourly and daily limits in USD (empty or 0: off) and what
// happens at 100 %. PUT /api/budget applies and saves them at once.

export function parseUsd(s: string): number | null | 'invalid' {
  const t = s.trim().replace(/^\$/, '');
  if (t === '' || t === '0') return null;
  const n = Number(t);
  return Number.isFinite(n) && n >= 0 ? n : 'invalid';
}

export function BudgetForm({ budget, onSave }: { budget: BudgetStatus; onSave: (c: BudgetChange) => Promise<unknown> }) {
  const [hourly, setHourly] = useState(budget.hourlyUsd?.toString() ?? '');
  const [daily, setDaily] = useState(budget.dailyUsd?.toString() ?? '');
  const [action, setAction] = useState(budget.action);
  const [downgradeTo, setDowngradeTo] = useState(budget.downgradeTo);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    setHourly(budget.hourlyUsd?.toString() ?? '');
    setDaily(budget.dailyUsd?.toString() ?? '');
    setAction(budget.action);
    setDowngradeTo(budget.downgradeTo);
  }, [budget.hourlyUsd, budget.dailyUsd, budget.action, budget.downgradeTo]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const h = parseUsd(hourly);
    const d = parseUsd(daily);
    if (h === 'invalid' || d === 'invalid') {
      setError(`${h === 'invalid' ? 'Hourly' : 'Daily'} budget must be an amount in USD, like 10 or 2.50 (empty turns it off).`);
      return;
    }
    setError(null);
    setSaving(true);
    try {
      await onSave({ hourlyUsd: h, dailyUsd: d, action, downgradeTo });
      setSaved(true);
      setTimeout(() => setSaved(false), 3000);
    } catch (err) {
      const x = explain(err);
      setError(`${x.what} ${x.next}`);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form onSubmit={submit} className="form-grid" aria-label="Budgets" noValidate>
      <div className="field">
        <label htmlFor="budget-hourly">Hourly budget (USD)</label>
        <input id="budget-hourly" inputMode="decimal" value={hourly} onChange={(e) => setHourly(e.target.value)} placeholder="off" aria-describedby="budget-help" />
      </div>
      <div className="field">
        <label htmlFor="budget-daily">Daily budget (USD)</label>
        <input id="budget-daily" inputMode="decimal" value={daily} onChange={(e) => setDaily(e.target.value)} placeholder="off" aria-describedby="budget-help" />
      </div>
      <div className="field">
        <label htmlFor="budget-action">At 100 %</label>
        <select id="budget-action" value={action} onChange={(e) => setAction(e.target.value as BudgetStatus['action'])}>
          <option value="alert">Alert only</option>
          <option value="block">Block requests</option>
          <option value="downgrade">Downgrade the model</option>
        </select>
      </div>
      {action === 'downgrade' ? (
        <div className="field">
          <label htmlFor="budget-downgrade">Downgrade to</label>
          <select id="budget-downgrade" value={downgradeTo} onChange={(e) => setDowngradeTo(e.target.value as BudgetStatus['downgradeTo'])}>
            <option value="haiku">The haiku tier</option>
            <option value="cheapest">The cheapest priced model</option>
          </select>
        </div>
      ) : null}
      <div className="field" style={{ gridColumn: '1 / -1' }}>
        <p id="budget-help" className="field__hint">
          Alerts fire at 80 % and 100 % of each budget. Empty or 0 turns a budget off. Saved at once and kept across restarts.
        </p>
        {error ? (
          <p role="alert" className="banner banner--error">
            {error}
          </p>
        ) : null}
        <div className="row">
          <button type="submit" className="btn btn--primary" disabled={saving}>
            {saving ? 'Saving…' : 'Save budgets'}
          </button>
          <span aria-live="polite" className="muted small">
            {saved ? 'Saved.' : ''}
          </span>
        </div>
      </div>
    </form>
  );
}

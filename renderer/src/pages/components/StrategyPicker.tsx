import { STRATEGY_ORDER, type StrategyName } from '../../api/types';

// The routing strategy: one radio per strategy with its one-line explanation.

export function StrategyPicker({ value, help, onChange, disabled }: { value: StrategyName; help: Record<string, string>; onChange: (s: StrategyName) => void; disabled?: boolean }) {
  const names = [...STRATEGY_ORDER.filter((s) => s in help), ...(Object.keys(help) as StrategyName[]).filter((s) => !STRATEGY_ORDER.includes(s))];
  return (
    <fieldset className="choices" style={{ border: 0, padding: 0, margin: 0 }} disabled={disabled}>
      <legend className="visually-hidden">Routing strategy</legend>
      {names.map((s) => (
        <label key={s} className="choice">
          <input type="radio" name="strategy" value={s} checked={value === s} onChange={() => onChange(s)} aria-describedby={`strategy-${s}-help`} />
          <span>
            <span className="choice__name">{s}</span>
            <span className="choice__help" id={`strategy-${s}-help`}>
              {' '}
              — {help[s]}
            </span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

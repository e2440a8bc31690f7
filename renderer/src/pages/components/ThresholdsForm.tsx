import { useEffect, useState, type FormEvent } from 'react';
import { explain } from '../../api/explain';
import type { RouterThresholds } from '../../api/types';

// The router's two thresholds, in the units people think in: a percentage of a
// provider's rate limit left, and prompt tokens. PUT /api/routing applies them to
// the next request and saves them.

/** "20" or "20 %" → 0.2; null when it is not a percentage from 0 to 100. */
export function parsePercent(s: string): number | null {
  const t = s.trim().replace(/\s*%$/, '');
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) && n >= 0 && n <= 100 ? Math.round(n * 100) / 10_000 : null;
}

/** "60000", "60,000", "60 000" or "60k" → 60000; null unless a whole number from 1 to 10 million. */
export function parseTokens(s: string): number | null {
  const t = s.trim().replace(/[,_\s]/g, '').toLowerCase();
  const m = /^(\d+(?:\.\d+)?)(k?)$/.exec(t);
  if (!m) return null;
  const n = Number(m[1]) * (m[2] ? 1000 : 1);
  return Number.isInteger(n) && n >= 1 && n <= 10_000_000 ? n : null;
}

const pctText = (v: number) => String(Math.round(v * 10_000) / 100);
const tokensText = (v: number) => v.toLocaleString('en-US');

export function ThresholdsForm({ thresholds, onSave }: { thresholds: RouterThresholds; onSave: (t: RouterThresholds) => Promise<void> }) {
  const [rate, setRate] = useState(pctText(thresholds.rateLimitThreshold));
  const [tokens, setTokens] = useState(tokensText(thresholds.longContextThreshold));
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const r = parsePercent(rate);
  const n = parseTokens(tokens);
  const dirty = r !== thresholds.rateLimitThreshold || n !== thresholds.longContextThreshold;

  // Saved elsewhere (another window, the API): show the new values.
  useEffect(() => {
    setRate(pctText(thresholds.rateLimitThreshold));
    setTokens(tokensText(thresholds.longContextThreshold));
  }, [thresholds.rateLimitThreshold, thresholds.longContextThreshold]);

  const undo = () => {
    setRate(pctText(thresholds.rateLimitThreshold));
    setTokens(tokensText(thresholds.longContextThreshold));
    setError(null);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (r === null) return setError('The rate-limit threshold must be a percentage from 0 to 100, like 20.');
    if (n === null) return setError('The long-context threshold must be a whole number of tokens from 1 to 10,000,000, like 60000 or 60k.');
    setError(null);
    setSaving(true);
    try {
      await onSave({ rateLimitThreshold: r, longContextThreshold: n });
    } catch (err) {
      const x = explain(err);
      setError(`${x.what} ${x.next}`);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form onSubmit={submit} className="form-stack" aria-label="Router thresholds" noValidate>
      <div className="field">
        <label htmlFor="threshold-rate">Avoid a provider below</label>
        <span className="input-unit">
          <input id="threshold-rate" inputMode="decimal" value={rate} onChange={(e) => setRate(e.target.value)} aria-describedby="threshold-rate-help" aria-invalid={r === null} />
          <span aria-hidden="true">% of its rate limit left</span>
        </span>
        <span id="threshold-rate-help" className="field__hint">
          When a provider reports less than this share of its requests or tokens left, the router tries the others first. Default 20 %.
        </span>
      </div>
      <div className="field">
        <label htmlFor="threshold-long">Long context above</label>
        <span className="input-unit">
          <input id="threshold-long" inputMode="numeric" value={tokens} onChange={(e) => setTokens(e.target.value)} aria-describedby="threshold-long-help" aria-invalid={n === null} />
          <span aria-hidden="true">tokens</span>
        </span>
        <span id="threshold-long-help" className="field__hint">
          A request whose estimated prompt is longer is the longContext scenario and goes to its targets first. Default 60,000.
        </span>
      </div>
      <div className="field">
        {error ? (
          <p role="alert" className="banner banner--error">
            {error}
          </p>
        ) : null}
        <div className="row">
          <button type="submit" className="btn btn--primary" disabled={!dirty || saving}>
            {saving ? 'Saving…' : 'Save thresholds'}
          </button>
          <button type="button" className="btn" disabled={!dirty || saving} onClick={undo}>
            Undo changes
          </button>
          {dirty ? <span className="muted small">Not saved yet.</span> : null}
        </div>
      </div>
    </form>
  );
}

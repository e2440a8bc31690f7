import { useEffect, useRef, useState, type FormEvent } from 'react';
import { explain } from '../../api/explain';
import { SCENARIO_ORDER, type ScenarioName } from '../../api/types';
import { move } from './PriorityChain';
import { useSavedDraft } from './use-saved-draft';

// Scenario targets: per kind of request, the providers (and models) the router
// port tries first, in order, before the fallback chain. Edits are a draft until
// saved; only the scenarios that changed are sent, so the others keep following
// the config file.

export const SCENARIO_HELP: Record<ScenarioName, string> = {
  background: 'haiku-tier requests that are not long (Claude Code’s background calls)',
  think: 'requests with thinking on',
  longContext: 'prompts above the long-context threshold',
  webSearch: 'requests offering the web_search tool',
  image: 'an image in the last user message',
};

export type ScenarioMap = Record<ScenarioName, string[]>;

/** The scenarios whose lists differ between what is saved and the draft. */
export function changedScenarios(saved: ScenarioMap, draft: ScenarioMap): Partial<ScenarioMap> {
  const out: Partial<ScenarioMap> = {};
  for (const s of SCENARIO_ORDER) if ((saved[s] ?? []).join('\n') !== (draft[s] ?? []).join('\n')) out[s] = draft[s] ?? [];
  return out;
}

/** "provider,model", or "provider" alone when the model is left empty. */
export function targetOf(provider: string, model: string): string {
  const m = model.trim();
  return m ? `${provider},${m}` : provider;
}

export interface ScenarioEditorProps {
  scenarios: ScenarioMap;
  /** Enabled providers, in the chain's order. */
  providers: Array<{ id: string; label: string }>;
  /** Known models per provider id (suggestions; any name can be typed). */
  models: Record<string, string[]>;
  onSave: (change: Partial<ScenarioMap>) => Promise<void>;
}

const scenarioKey = (m: ScenarioMap) => JSON.stringify(m);

export function ScenarioEditor({ scenarios, providers, models, onSave }: ScenarioEditorProps) {
  const [draft, setDraft] = useSavedDraft<ScenarioMap>(scenarios, scenarioKey);
  const [adding, setAdding] = useState<ScenarioName | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [announce, setAnnounce] = useState('');
  const focusAfter = useRef<string | null>(null);
  const changes = changedScenarios(scenarios, draft);
  const dirty = Object.keys(changes).length > 0;
  useEffect(() => {
    if (focusAfter.current) {
      document.getElementById(focusAfter.current)?.focus();
      focusAfter.current = null;
    }
  });

  const edit = (s: ScenarioName, list: string[], said: string) => {
    setDraft((d) => ({ ...d, [s]: list }));
    setAnnounce(said);
    setError(null);
  };
  const shift = (s: ScenarioName, i: number, d: -1 | 1) => {
    const list = draft[s];
    const to = i + d;
    edit(s, move(list, i, to), `${list[i]} moved to position ${to + 1} of ${list.length} for ${s}`);
    const atEnd = to === 0 || to === list.length - 1;
    focusAfter.current = idFor(s, list[i], atEnd ? (d < 0 ? 'down' : 'up') : d < 0 ? 'up' : 'down');
  };

  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      await onSave(changes);
      setAnnounce('Scenario targets saved');
    } catch (err) {
      const x = explain(err);
      setError(`${x.what} ${x.next}`);
    } finally {
      setSaving(false);
    }
  };

  return (
    <div>
      <div className="scenarios">
        {SCENARIO_ORDER.map((s) => (
          <section key={s} className="scenario" aria-labelledby={`scenario-${s}-name`} data-testid={`scenario-${s}`}>
            <div className="scenario__head">
              <div>
                <h3 id={`scenario-${s}-name`} className="mono">
                  {s}
                </h3>
                <p className="muted small">{SCENARIO_HELP[s]}</p>
              </div>
              <div className="row">
                <button type="button" id={`scenario-${s}-open`} className="btn btn--small" onClick={() => setAdding(adding === s ? null : s)} aria-expanded={adding === s} aria-label={`Add a target for ${s}`}>
                  Add target
                </button>
                <button type="button" className="btn btn--small" disabled={draft[s].length === 0} onClick={() => edit(s, [], `${s} cleared: the strategy decides`)} aria-label={`Clear the targets of ${s}`}>
                  Clear
                </button>
              </div>
            </div>
            {draft[s].length === 0 ? (
              <p className="muted small">None: the strategy and the fallback chain decide.</p>
            ) : (
              <ol className="chain chain--compact" aria-label={`Targets for ${s}, first tried first`}>
                {draft[s].map((t, i) => (
                  <li key={t}>
                    <span className="chain__pos">{i + 1}.</span>
                    <span className="chain__name mono">
                      {t}
                      {t.includes(',') ? null : <span className="muted small"> (its own model for each request)</span>}
                    </span>
                    <button type="button" id={idFor(s, t, 'up')} className="btn btn--small btn--icon" disabled={i === 0} onClick={() => shift(s, i, -1)} aria-label={`Move ${t} up in ${s}`}>
                      ↑
                    </button>
                    <button type="button" id={idFor(s, t, 'down')} className="btn btn--small btn--icon" disabled={i === draft[s].length - 1} onClick={() => shift(s, i, 1)} aria-label={`Move ${t} down in ${s}`}>
                      ↓
                    </button>
                    <button type="button" className="btn btn--small btn--icon" onClick={() => edit(s, draft[s].filter((x) => x !== t), `${t} removed from ${s}`)} aria-label={`Remove ${t} from ${s}`}>
                      ×
                    </button>
                  </li>
                ))}
              </ol>
            )}
            {adding === s ? (
              <AddTarget
                scenario={s}
                providers={providers}
                models={models}
                taken={draft[s]}
                onAdd={(t) => {
                  edit(s, [...draft[s], t], `${t} added to ${s} at position ${draft[s].length + 1}`);
                  setAdding(null);
                  focusAfter.current = `scenario-${s}-open`;
                }}
                onCancel={() => {
                  setAdding(null);
                  focusAfter.current = `scenario-${s}-open`;
                }}
              />
            ) : null}
          </section>
        ))}
      </div>
      {error ? (
        <p role="alert" className="banner banner--error" style={{ marginTop: '0.75rem' }}>
          {error}
        </p>
      ) : null}
      <div className="row" style={{ marginTop: '0.75rem' }}>
        <button type="button" className="btn btn--primary" disabled={!dirty || saving} onClick={() => void save()}>
          {saving ? 'Saving…' : 'Save scenario targets'}
        </button>
        <button type="button" className="btn" disabled={!dirty || saving} onClick={() => (setDraft(scenarios), setError(null))}>
          Undo changes
        </button>
        {dirty ? <span className="muted small">Not saved yet.</span> : null}
      </div>
      <p className="visually-hidden" aria-live="polite">
        {announce}
      </p>
    </div>
  );
}

const idFor = (s: ScenarioName, target: string, dir: 'up' | 'down') => `scenario-${s}-${target.replace(/[^A-Za-z0-9_-]/g, '_')}-${dir}`;

interface AddTargetProps {
  scenario: ScenarioName;
  providers: Array<{ id: string; label: string }>;
  models: Record<string, string[]>;
  taken: string[];
  onAdd: (target: string) => void;
  onCancel: () => void;
}

/** Pick a provider, then a model (suggested from what it serves, or typed; empty: its own model per request). */
function AddTarget({ scenario: s, providers, models, taken, onAdd, onCancel }: AddTargetProps) {
  const [provider, setProvider] = useState(providers[0]?.id ?? '');
  const [model, setModel] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const first = useRef<HTMLSelectElement>(null);
  useEffect(() => first.current?.focus(), []);

  if (providers.length === 0) return <p className="muted small">No provider is enabled yet. Add one on the Providers page.</p>;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const t = targetOf(provider, model);
    if (taken.includes(t)) {
      setProblem(`${t} is already in the list for ${s}.`);
      return;
    }
    onAdd(t);
  };
  return (
    <form className="scenario__add" onSubmit={submit} aria-label={`New target for ${s}`} onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <div className="field">
        <label htmlFor={`scenario-${s}-provider`}>Provider</label>
        <select id={`scenario-${s}-provider`} ref={first} value={provider} onChange={(e) => (setProvider(e.target.value), setProblem(null))}>
          {providers.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label === p.id ? p.id : `${p.label} (${p.id})`}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`scenario-${s}-model`}>Model</label>
        <input id={`scenario-${s}-model`} list={`scenario-${s}-models`} value={model} onChange={(e) => (setModel(e.target.value), setProblem(null))} placeholder="its own model for each request" aria-describedby={`scenario-${s}-model-help`} />
        <datalist id={`scenario-${s}-models`}>
          {(models[provider] ?? []).map((m) => (
            <option key={m} value={m} />
          ))}
        </datalist>
        <span id={`scenario-${s}-model-help`} className="field__hint">
          Pick or type one. Empty: the model this provider maps the request to.
        </span>
      </div>
      <div className="row scenario__add-actions">
        <button type="submit" className="btn btn--primary btn--small">
          Add
        </button>
        <button type="button" className="btn btn--small" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {problem ? (
        <p role="alert" className="field__hint" style={{ color: 'var(--bad)', gridColumn: '1 / -1' }}>
          {problem}
        </p>
      ) : null}
    </form>
  );
}

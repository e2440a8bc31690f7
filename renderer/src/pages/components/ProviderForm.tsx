import { useId, useMemo, useState, type FormEvent } from 'react';
import { explain } from '../../api/explain';
import type { PresetView, ProviderBody, ProviderView, Tier } from '../../api/types';
import type { TestState } from '../../stores/providers';
import { TestResultView } from './TestResultView';

// Add or edit a provider. The key field is write-only: it starts empty, the saved
// key is only ever shown as its hint (••••1234), and leaving it empty keeps it.

export interface FormValues {
  type: string;
  id: string;
  label: string;
  apiKey: string;
  clearKey: boolean;
  baseUrl: string;
  opus: string;
  sonnet: string;
  haiku: string;
  port: string;
  region: string;
  project: string;
  credentialsFile: string;
  dialect: string;
}

const TIERS: Tier[] = ['opus', 'sonnet', 'haiku'];

export function initialValues(preset: PresetView | undefined, existing?: ProviderView): FormValues {
  if (existing) {
    return {
      type: existing.type,
      id: existing.id,
      label: existing.label,
      apiKey: '',
      clearKey: false,
      baseUrl: existing.baseUrl,
      opus: existing.models.opus,
      sonnet: existing.models.sonnet,
      haiku: existing.models.haiku,
      port: existing.port === null ? '' : String(existing.port),
      region: existing.google?.region ?? '',
      project: existing.google?.project ?? '',
      credentialsFile: existing.google?.credentialsFile ?? '',
      dialect: existing.dialect,
    };
  }
  return { type: preset?.type ?? '', id: '', label: '', apiKey: '', clearKey: false, baseUrl: '', opus: '', sonnet: '', haiku: '', port: preset?.defaultPort ? String(preset.defaultPort) : '', region: '', project: '', credentialsFile: '', dialect: preset?.dialect ?? '' };
}

/** The request body: only what the user gave (empty fields take the preset's defaults on the gateway). */
export function toBody(v: FormValues, existing?: ProviderView, defaultDialect = ''): ProviderBody | string {
  const body: ProviderBody = {};
  if (!existing) {
    body.type = v.type;
    if (v.id.trim()) {
      if (!/^[a-z0-9][a-z0-9_-]*$/.test(v.id.trim())) return 'Name: use lowercase letters, digits, - and _ (e.g. openrouter-work).';
      body.id = v.id.trim();
    }
  }
  if (v.label.trim() && v.label.trim() !== existing?.label) body.label = v.label.trim();
  if (v.clearKey) body.apiKey = '';
  else if (v.apiKey.trim()) body.apiKey = v.apiKey.trim();
  if (v.baseUrl.trim() && v.baseUrl.trim() !== existing?.baseUrl) {
    try {
      const u = new URL(v.baseUrl.trim());
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
    } catch {
      return 'Base URL: enter a full http:// or https:// address.';
    }
    body.baseUrl = v.baseUrl.trim();
  }
  const models: Partial<Record<Tier, string>> = {};
  for (const t of TIERS) if (v[t].trim() && v[t].trim() !== existing?.models[t]) models[t] = v[t].trim();
  if (Object.keys(models).length) body.models = models;
  const portText = v.port.trim();
  const oldPort = existing?.port === null || existing?.port === undefined ? '' : String(existing.port);
  if (portText !== oldPort || (!existing && portText)) {
    if (portText === '') body.port = null;
    else {
      const n = Number(portText);
      if (!Number.isInteger(n) || n < 0 || n > 65535) return 'Port: a whole number from 1 to 65535, 0 for any free port, or empty for no port of its own.';
      body.port = n;
    }
  }
  if (v.dialect && v.dialect !== (existing?.dialect ?? '') && (existing || v.dialect !== defaultDialect)) body.dialect = v.dialect;
  for (const f of ['region', 'project', 'credentialsFile'] as const) if (v[f].trim() && v[f].trim() !== existing?.google?.[f]) body[f] = v[f].trim();
  return body;
}

export interface ProviderFormProps {
  presets: PresetView[];
  existing?: ProviderView;
  discovered?: string[];
  test?: TestState;
  onTest: (body: ProviderBody) => void;
  onSubmit: (body: ProviderBody) => Promise<void>;
  onCancel: () => void;
}

export function ProviderForm({ presets, existing, discovered, test, onTest, onSubmit, onCancel }: ProviderFormProps) {
  const [v, setV] = useState<FormValues>(() => initialValues(presets[0], existing));
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const uid = useId();
  const preset = useMemo(() => presets.find((p) => p.type === v.type), [presets, v.type]);
  const set = <K extends keyof FormValues>(k: K, value: FormValues[K]) => setV((old) => ({ ...old, [k]: value }));
  const field = (name: string) => preset?.fields.includes(name) ?? (name !== 'dialect' && Boolean(existing?.google));
  const takesKey = preset?.takesKey ?? true;

  const choosePreset = (type: string) => {
    const p = presets.find((x) => x.type === type);
    setV((old) => ({ ...initialValues(p), apiKey: old.apiKey, id: old.id }));
  };

  const build = (): ProviderBody | null => {
    const body = toBody(v, existing, preset?.dialect ?? '');
    if (typeof body === 'string') {
      setError(body);
      return null;
    }
    if (!existing && preset?.needsKey && !body.apiKey && preset.keyEnv.length === 0) {
      setError(`${preset.label} needs an API key.`);
      return null;
    }
    setError(null);
    return body;
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = build();
    if (!body) return;
    setSaving(true);
    try {
      await onSubmit(body);
    } catch (err) {
      const x = explain(err);
      setError(`${x.what} ${x.next}`);
    } finally {
      setSaving(false);
    }
  };

  const test_ = () => {
    const body = build();
    if (body) onTest(existing ? { ...body, type: existing.type, id: existing.id } : body);
  };

  const keyHint = existing?.key.set ? `Saved key ${existing.key.hint ?? ''}${existing.key.env ? ` (from $${existing.key.env})` : ''}. Leave empty to keep it.` : preset?.keyEnv.length ? `Or set $${preset.keyEnv[0]} in Switchboard's environment.` : preset?.needsKey === false ? 'Optional for this provider.' : '';
  const listId = `${uid}-models`;

  return (
    <form onSubmit={submit} noValidate aria-label={existing ? `Edit ${existing.label}` : 'Add a provider'} className="form-grid" id={`${uid}-form`}>
      {!existing ? (
        <div className="field" style={{ gridColumn: '1 / -1' }}>
          <label htmlFor={`${uid}-type`}>Provider</label>
          <select id={`${uid}-type`} value={v.type} onChange={(e) => choosePreset(e.target.value)}>
            {presets.map((p) => (
              <option key={p.type} value={p.type}>
                {p.label}
              </option>
            ))}
          </select>
          {preset?.docs ? <span className="field__hint">{preset.docs}</span> : null}
        </div>
      ) : null}
      {!existing ? (
        <div className="field">
          <label htmlFor={`${uid}-id`}>Name</label>
          <input id={`${uid}-id`} value={v.id} onChange={(e) => set('id', e.target.value)} placeholder={preset?.type ?? ''} autoComplete="off" />
          <span className="field__hint">Used in provider,model choices and the logs.</span>
        </div>
      ) : null}
      <div className="field">
        <label htmlFor={`${uid}-label`}>Display name</label>
        <input id={`${uid}-label`} value={v.label} onChange={(e) => set('label', e.target.value)} placeholder={preset?.label ?? existing?.label ?? ''} />
      </div>
      <div className="field">
        <label htmlFor={`${uid}-port`}>Port</label>
        <input id={`${uid}-port`} value={v.port} onChange={(e) => set('port', e.target.value)} inputMode="numeric" placeholder="none" />
        <span className="field__hint">Pins a terminal to it; 0: any free port; empty: router only.</span>
      </div>
      {takesKey ? (
      <div className="field" style={{ gridColumn: '1 / -1' }}>
        <label htmlFor={`${uid}-key`}>API key</label>
        <input id={`${uid}-key`} type="password" value={v.apiKey} onChange={(e) => set('apiKey', e.target.value)} autoComplete="new-password" spellCheck={false} disabled={v.clearKey} placeholder={existing?.key.set ? (existing.key.hint ?? '••••') : ''} aria-describedby={`${uid}-key-hint`} />
        <span className="field__hint" id={`${uid}-key-hint`}>
          {keyHint} Keys are kept by Switchboard and never shown again.
        </span>
        {existing?.key.set && existing.source === 'ui' ? (
          <label className="row small" style={{ fontWeight: 400 }}>
            <input type="checkbox" checked={v.clearKey} onChange={(e) => set('clearKey', e.target.checked)} /> Remove the saved key
          </label>
        ) : null}
      </div>
      ) : null}
      <div className="field" style={{ gridColumn: '1 / -1' }}>
        <label htmlFor={`${uid}-url`}>Base URL</label>
        <input id={`${uid}-url`} value={v.baseUrl} onChange={(e) => set('baseUrl', e.target.value)} placeholder={preset?.defaultBaseUrl || 'https://…'} inputMode="url" spellCheck={false} />
      </div>
      <fieldset className="form-grid" style={{ gridColumn: '1 / -1', border: '1px solid var(--border)', borderRadius: 6, padding: '0.6rem 0.75rem' }}>
        <legend className="small" style={{ fontWeight: 600 }}>
          Models for Claude Code’s tiers
        </legend>
        {TIERS.map((t) => (
          <div className="field" key={t}>
            <label htmlFor={`${uid}-${t}`} style={{ textTransform: 'capitalize' }}>
              {t}
            </label>
            <input id={`${uid}-${t}`} value={v[t]} onChange={(e) => set(t, e.target.value)} placeholder={preset?.defaultModels[t] || 'as requested'} list={discovered?.length ? listId : undefined} spellCheck={false} />
          </div>
        ))}
        {discovered?.length ? (
          <datalist id={listId}>
            {discovered.map((m) => (
              <option key={m} value={m} />
            ))}
          </datalist>
        ) : null}
      </fieldset>
      {field('dialect') && (preset?.dialects?.length ?? 0) > 1 ? (
        <div className="field">
          <label htmlFor={`${uid}-dialect`}>API</label>
          <select id={`${uid}-dialect`} value={v.dialect} onChange={(e) => set('dialect', e.target.value)}>
            {preset!.dialects!.map((d) => (
              <option key={d} value={d}>
                {d === 'anthropic' ? 'Anthropic Messages' : d === 'openai-chat' ? 'OpenAI Chat Completions' : d}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {field('region') ? (
        <div className="field">
          <label htmlFor={`${uid}-region`}>Region</label>
          <input id={`${uid}-region`} value={v.region} onChange={(e) => set('region', e.target.value)} placeholder="us-east5" />
        </div>
      ) : null}
      {field('project') ? (
        <div className="field">
          <label htmlFor={`${uid}-project`}>Google Cloud project</label>
          <input id={`${uid}-project`} value={v.project} onChange={(e) => set('project', e.target.value)} />
        </div>
      ) : null}
      {field('credentialsFile') ? (
        <div className="field" style={{ gridColumn: '1 / -1' }}>
          <label htmlFor={`${uid}-creds`}>Credentials file</label>
          <input id={`${uid}-creds`} value={v.credentialsFile} onChange={(e) => set('credentialsFile', e.target.value)} placeholder="$GOOGLE_APPLICATION_CREDENTIALS or gcloud's default" />
        </div>
      ) : null}
      <div className="form-actions field">
        {error ? (
          <p role="alert" className="banner banner--error">
            {error}
          </p>
        ) : null}
        {test ? <TestResultView t={test} /> : null}
        <div className="row" style={{ justifyContent: 'flex-end' }}>
          <button type="button" className="btn" onClick={test_} disabled={test?.pending}>
            {test?.pending ? 'Testing…' : 'Test connection'}
          </button>
          <button type="button" className="btn" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="btn btn--primary" disabled={saving}>
            {saving ? 'Saving…' : existing ? 'Save changes' : 'Add provider'}
          </button>
        </div>
      </div>
    </form>
  );
}

import type { ProviderStatus, ProviderView } from '../../api/types';
import { StatusLight } from '../../components/StatusLight';
import type { TestState } from '../../stores/providers';
import { TestResultView } from './TestResultView';

// One configured provider: what it is, its key (only a hint), models, port, and
// its actions.

export function keyText(v: ProviderView): string {
  if (!v.key.set) return 'no key';
  if (v.key.env) return `from $${v.key.env}${v.key.hint ? ` (${v.key.hint})` : ''}`;
  return v.key.hint ?? '••••';
}

export interface ProviderCardProps {
  v: ProviderView;
  status?: ProviderStatus;
  test?: TestState;
  discovered?: { models: string[]; source: string } | { error: unknown };
  onTest: () => void;
  onEdit: () => void;
  onRemove: () => void;
  onDiscover: () => void;
}

export function ProviderCard({ v, status, test, discovered, onTest, onEdit, onRemove, onDiscover }: ProviderCardProps) {
  return (
    <section className="card" aria-labelledby={`prov-${v.id}`} data-testid={`provider-${v.id}`}>
      <div className="card__head card__head--nowrap">
        <div style={{ minWidth: 0 }}>
          <h2 id={`prov-${v.id}`}>{v.label}</h2>
          <span className="muted small mono" style={{ overflowWrap: 'anywhere' }}>
            {v.id} · {v.type} · {v.dialect}
          </span>
        </div>
        <StatusLight state={!v.enabled ? 'off' : v.port !== null && !v.running ? 'stopped' : (status?.health ?? 'unknown')} />
      </div>
      {v.problem ? (
        <p className="banner banner--warn small" style={{ display: 'block', marginBottom: '0.6rem' }}>
          Not in use: {v.problem}
        </p>
      ) : null}
      <dl className="kv">
        <dt>Key</dt>
        <dd className="mono" data-testid={`key-${v.id}`}>
          {keyText(v)}
        </dd>
        <dt>Base URL</dt>
        <dd className="mono small">{v.baseUrl}</dd>
        <dt>Models</dt>
        <dd className="small">
          {(['opus', 'sonnet', 'haiku'] as const).map((t, i) => (
            <span key={t}>
              {i ? ' · ' : ''}
              {t} {v.models[t] ? <code>{v.models[t]}</code> : <span className="muted">as requested</span>}
            </span>
          ))}
        </dd>
        <dt>Port</dt>
        <dd>{v.port === null ? <span className="muted">router only</span> : <span className="mono">{v.port}</span>}</dd>
        <dt>From</dt>
        <dd className="small">{v.source === 'ui' ? 'added here' : v.source === 'env' ? 'the environment' : 'the config file'}</dd>
      </dl>
      {discovered ? (
        'error' in discovered ? (
          <p className="muted small">Could not list models: {discovered.error instanceof Error ? discovered.error.message : String(discovered.error)}</p>
        ) : (
          <details style={{ marginTop: '0.5rem' }}>
            <summary className="small">
              {discovered.models.length === 0 ? 'The provider lists no models' : `${discovered.models.length} models ${discovered.source === 'provider' ? 'offered by the provider' : 'named in the config'}`}
            </summary>
            <p className="small mono" style={{ maxHeight: 140, overflow: 'auto' }}>
              {discovered.models.join(', ')}
            </p>
          </details>
        )
      ) : null}
      {test ? <div style={{ marginTop: '0.5rem' }}>{<TestResultView t={test} />}</div> : null}
      <div className="row" style={{ marginTop: '0.75rem' }}>
        <button type="button" className="btn btn--small" onClick={onTest} disabled={test?.pending} aria-label={`Test the connection to ${v.label}`}>
          {test?.pending ? 'Testing…' : 'Test connection'}
        </button>
        <button type="button" className="btn btn--small" onClick={onDiscover} aria-label={`List the models ${v.label} offers`}>
          Models
        </button>
        <button type="button" className="btn btn--small" onClick={onEdit} aria-label={`Edit ${v.label}`}>
          Edit
        </button>
        <button type="button" className="btn btn--small btn--danger" onClick={onRemove} aria-label={`Remove ${v.label}`}>
          Remove
        </button>
      </div>
    </section>
  );
}

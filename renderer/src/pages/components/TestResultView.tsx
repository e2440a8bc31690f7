import type { TestState } from '../../stores/providers';
import { ms } from '../../format';

// The outcome of "Test connection": its latency, or the exact error the provider gave.

export function TestResultView({ t }: { t: TestState }) {
  return (
    <div role="status" aria-live="polite" data-testid="test-result">
      {t.pending ? (
        <p className="muted small">Sending one tiny request…</p>
      ) : t.ok ? (
        <p className="banner banner--info small" style={{ display: 'block' }}>
          <strong>Connected</strong> in {ms(t.latencyMs)}
          {t.model ? (
            <>
              {' '}
              · model <code>{t.model}</code>
            </>
          ) : null}
          {t.status ? ` · HTTP ${t.status}` : ''}
        </p>
      ) : (
        <div className="banner banner--error small" style={{ display: 'block' }}>
          <p className="banner__what">
            Test failed{t.status ? ` (HTTP ${t.status})` : ''}
            {t.latencyMs ? ` after ${ms(t.latencyMs)}` : ''}
          </p>
          <p>
            {t.error?.type ? <code>{t.error.type}</code> : null} {t.error?.message ?? 'no answer'}
          </p>
          <p className="banner__next">{nextStep(t)}</p>
        </div>
      )}
    </div>
  );
}

function nextStep(t: TestState & { pending: false }): string {
  const s = t.status ?? 0;
  if (s === 401 || s === 403 || t.error?.type === 'authentication_error' || t.error?.type === 'permission_error') return 'Check the API key (and that it may use this model).';
  if (s === 404 || t.error?.type === 'not_found_error') return 'Check the base URL and the model names.';
  if (s === 429 || t.error?.type === 'rate_limit_error') return 'The provider is rate-limiting this key; wait a moment or raise its limits.';
  if (s >= 500) return 'The provider had a problem; try again shortly.';
  return 'Check the base URL and that the provider is reachable from this machine.';
}

import { explain } from '../api/explain';

// An error in plain words: what went wrong, and what to do next.

export function ErrorBanner({ error, onRetry, context }: { error: unknown; onRetry?: () => void; context?: string }) {
  if (!error) return null;
  const { what, next } = explain(error);
  return (
    <div className="banner banner--error" role="alert">
      <div>
        <p className="banner__what">
          {context ? <strong>{context}: </strong> : null}
          {what}
        </p>
        <p className="banner__next">{next}</p>
      </div>
      {onRetry ? (
        <button type="button" className="btn btn--small" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

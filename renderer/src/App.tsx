import { lazy, Suspense, useEffect, useRef, type ComponentType } from 'react';
import { api } from './api';
import { EmptyState } from './components/EmptyState';
import { Toasts } from './components/Toasts';
import { useWatch } from './events/live';
import { Overview } from './pages/Overview';
import { hrefFor, PAGE_TITLES, PAGES, usePage, type Page } from './route';
import { useEvents } from './stores/events';
import { useGateway } from './stores/gateway';

// The window's shell: a skip link, the page navigation, the live-connection
// status, and the current page. Pages other than Overview are loaded on first
// visit (Costs and Health carry the chart library), keeping the first load small.

const lazyPage = (load: () => Promise<{ default: ComponentType }>) => lazy(load);
const PAGE_COMPONENTS: Record<Page, ComponentType> = {
  overview: Overview,
  providers: lazyPage(() => import('./pages/Providers')),
  routing: lazyPage(() => import('./pages/Routing')),
  health: lazyPage(() => import('./pages/Health')),
  costs: lazyPage(() => import('./pages/Costs')),
  requests: lazyPage(() => import('./pages/Requests')),
};

const STATUS_WORDS = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', stopped: 'Not connected' } as const;

export function App() {
  const page = usePage();
  useWatch('state');
  const status = useEvents((s) => s.status);
  const version = useGateway((s) => s.state?.version);
  const shown = useRef(page);

  useEffect(() => {
    document.title = `${PAGE_TITLES[page]} · Switchboard`;
    if (shown.current === page) return; // the first page (also when StrictMode runs effects twice)
    shown.current = page;
    // Move focus to the new page's heading, so keyboard and screen-reader users land there.
    const t = setTimeout(() => document.getElementById('page-title')?.focus(), 50);
    return () => clearTimeout(t);
  }, [page]);

  if (!api().token) return <NoToken />;
  const Current = PAGE_COMPONENTS[page];
  return (
    <div className="shell">
      <a href="#main" className="skip-link" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <header className="sidebar">
        <div className="brand">
          <span className="brand__mark" aria-hidden="true" />
          Switchboard
        </div>
        <nav className="nav" aria-label="Pages">
          <ul>
            {PAGES.map((p) => (
              <li key={p}>
                <a href={hrefFor(p)} aria-current={p === page ? 'page' : undefined}>
                  {PAGE_TITLES[p]}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="sidebar__foot">
          <span className={`status status--${status === 'live' ? 'ok' : status === 'reconnecting' ? 'warn' : 'idle'}`} role="status" aria-live="polite">
            <span className="status__dot" aria-hidden="true" />
            <span>Updates: {STATUS_WORDS[status]}</span>
          </span>
          {version ? <span>Switchboard {version}</span> : null}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<p className="muted">Loading…</p>}>
          <Current />
        </Suspense>
      </main>
      <Toasts />
    </div>
  );
}

function NoToken() {
  return (
    <main id="main" className="page" style={{ margin: '10vh auto', maxWidth: 640 }}>
      <h1>Switchboard</h1>
      <EmptyState title="This window needs the admin token">
        <p>
          Open it from the login link Switchboard printed when it started: <code>http://127.0.0.1:8080/ui/#token=…</code>. The token is in the part after <code>#</code>, which
          your browser never sends over the network.
        </p>
        <p>
          Headless: run <code>switchboard serve</code> (or <code>npm run serve</code>) and open the link it prints. The token is also kept in{' '}
          <code>~/.local/state/switchboard/admin-token</code>.
        </p>
      </EmptyState>
    </main>
  );
}

import { useState } from 'react';
import type { PortInfo } from '../api/types';
import { Card, PageHeader, Stat } from '../components/Card';
import { CopyButton } from '../components/CopyButton';
import { EmptyState } from '../components/EmptyState';
import { ErrorBanner } from '../components/ErrorBanner';
import { bestHealth, StatusLight } from '../components/StatusLight';
import { useWatch } from '../events/live';
import { count, usd } from '../format';
import { hrefFor } from '../route';
import { useEvents } from '../stores/events';
import { useGateway } from '../stores/gateway';
import { rpmFor, spendFor, useOverview } from '../stores/overview';
import { useProviders } from '../stores/providers';
import { toast } from '../stores/toasts';
import { explain } from '../api/explain';
import { RecentEvents } from './components/RecentEvents';

// Overview: the base URL to paste, and every port with its provider, a status
// light, requests per minute and spend today; start and stop provider ports.

export interface PortRow {
  port: number;
  use: string;
  url: string;
  label: string;
  running: boolean;
}

/** Ports from /api/state, plus provider ports that are stopped (and so not listening). */
export function portRows(ports: PortInfo[], labels: Map<string, string>, views: Array<{ id: string; port: number | null; running: boolean }>): PortRow[] {
  const rows: PortRow[] = ports.map((p) => ({ ...p, label: p.use === 'router' ? 'Router' : (labels.get(p.use) ?? p.use), running: views.find((v) => v.port === p.port)?.running ?? true }));
  for (const v of views) {
    if (v.port !== null && !rows.some((r) => r.port === v.port)) {
      const host = ports[0]?.url ? new URL(ports[0].url).hostname : '127.0.0.1';
      rows.push({ port: v.port, use: v.id, url: `http://${host}:${v.port}`, label: labels.get(v.id) ?? v.id, running: v.running });
    }
  }
  return rows.sort((a, b) => (a.use === 'router' ? -1 : b.use === 'router' ? 1 : a.port - b.port));
}

export function Overview() {
  useWatch('overview', 'providers');
  const { state, error, load } = useGateway();
  const overview = useOverview();
  const providers = useProviders();
  const events = useEvents((s) => s.events);
  const [busy, setBusy] = useState<number | null>(null);

  if (!state) {
    return (
      <div className="page">
        <PageHeader title="Overview" />
        {error ? <ErrorBanner error={error} onRetry={() => void load()} /> : <p className="muted">Loading…</p>}
      </div>
    );
  }

  const labels = new Map(state.providers.map((p) => [p.id, p.label]));
  const health = new Map(state.providers.map((p) => [p.id, p.health]));
  const router = state.ports.find((p) => p.use === 'router');
  const rows = portRows(state.ports, labels, providers.supported ? providers.providers : []);
  const today = overview.today?.totals;

  const toggle = async (row: PortRow) => {
    setBusy(row.port);
    try {
      await providers.setPortRunning(row.port, !row.running);
      toast('success', `Port ${row.port} ${row.running ? 'stopped' : 'started'}`);
      void load();
    } catch (err) {
      const e = explain(err);
      toast('error', `${e.what} ${e.next}`);
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="page">
      <PageHeader title="Overview" />
      <ErrorBanner error={error} onRetry={() => void load()} />

      {state.providers.length === 0 ? (
        <Card>
          <EmptyState
            title="No provider yet"
            action={
              <a className="btn btn--primary" href={hrefFor('providers')}>
                Add a provider
              </a>
            }
          >
            <p>Switchboard answers Claude Code and sends each request to a provider you choose: OpenRouter, GitHub Models, OpenAI, DeepSeek, Gemini, Vertex AI, a local Ollama…</p>
            <p>Add one with its API key, test the connection, and it gets its own port. Requests then show up here.</p>
          </EmptyState>
        </Card>
      ) : null}

      {router ? (
        <Card title="Point Claude Code at Switchboard" id="baseurl">
          <div className="form-grid">
            <div className="field">
              <span className="field__hint">Base URL (the router picks a provider for each request)</span>
              <div className="codeline">
                <code data-testid="base-url">{router.url}</code>
                <CopyButton text={router.url} label="Copy the base URL" />
              </div>
            </div>
            <div className="field">
              <span className="field__hint">Paste in the shell where you run Claude Code</span>
              <div className="codeline">
                <code>export ANTHROPIC_BASE_URL={router.url}</code>
                <CopyButton text={`export ANTHROPIC_BASE_URL=${router.url}`} label="Copy the export line" />
              </div>
            </div>
          </div>
          <p className="muted small">
            Then start <code>claude</code> as usual. It needs some API key value (<code>ANTHROPIC_API_KEY=any</code>); Switchboard uses the provider keys it was given.
          </p>
        </Card>
      ) : null}


      <Card title="Today" id="today">
        <ErrorBanner error={overview.error} context="Usage" onRetry={() => void overview.load()} />
        <div className="stats">
          <Stat label="Spend today" value={usd(today?.costUsd ?? (overview.loaded ? 0 : null))} hint={today?.unknownCostRequests ? `${today.unknownCostRequests} requests without a known price` : undefined} />
          <Stat label="Requests today" value={count(today?.requests ?? (overview.loaded ? 0 : null))} hint={today?.errors ? `${today.errors} failed` : undefined} />
          <Stat label="Saved vs Anthropic" value={usd(today?.savingsUsd ?? (overview.loaded ? 0 : null))} hint="against Anthropic list prices" />
          <Stat label="Routing" value={<span style={{ textTransform: 'capitalize' }}>{state.strategy}</span>} hint={<a href={hrefFor('routing')}>change</a>} />
        </div>
      </Card>

      <Card title="Ports" id="ports">
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Every port, what it is bound to, its status, traffic and spend today</caption>
            <thead>
              <tr>
                <th scope="col">Port</th>
                <th scope="col">Bound to</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">Requests / min</th>
                <th scope="col" className="num">Spend today</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const light = !r.running ? 'stopped' : r.use === 'router' ? (state.providers.length ? bestHealth(state.providers.map((p) => p.health)) : 'off') : (health.get(r.use) ?? 'unknown');
                return (
                  <tr key={r.port} data-testid={`port-${r.port}`}>
                    <td className="mono">{r.port}</td>
                    <td>
                      {r.label}
                      {r.use === 'router' ? <span className="muted small"> · {state.priority.length} providers, {state.strategy}</span> : null}
                    </td>
                    <td>
                      <StatusLight state={light} />
                    </td>
                    <td className="num">{rpmFor(overview.portsRecent, r.port).toFixed(1)}</td>
                    <td className="num">{usd(spendFor(overview.portsToday, r.port))}</td>
                    <td>
                      <div className="row" style={{ justifyContent: 'flex-end' }}>
                        <CopyButton text={r.url} label={`Copy the URL of port ${r.port}`} />
                        {r.use !== 'router' && providers.supported ? (
                          <button type="button" className="btn btn--small" disabled={busy === r.port} onClick={() => void toggle(r)} aria-label={`${r.running ? 'Stop' : 'Start'} port ${r.port} (${r.label})`}>
                            {r.running ? 'Stop' : 'Start'}
                          </button>
                        ) : null}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <p className="muted small">Requests per minute over the last 5 minutes. A provider port is pinned to its provider; the router port follows the routing strategy.</p>
      </Card>

      <Card title="Latest events" id="latest">
        <RecentEvents events={events.slice(0, 8)} empty="Nothing has happened yet. Send a request through the base URL above and it shows up here." />
      </Card>
    </div>
  );
}

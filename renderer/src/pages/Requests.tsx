import { Card, PageHeader } from '../components/Card';
import { Dialog } from '../components/Dialog';
import { EmptyState } from '../components/EmptyState';
import { ErrorBanner } from '../components/ErrorBanner';
import { useWatch } from '../events/live';
import { clock, count, ms, usd } from '../format';
import { useGateway } from '../stores/gateway';
import { useRequests, type StatusFilter } from '../stores/requests';
import { RequestDetailView } from './components/RequestDetailView';

// Requests: the live tail of the request log (newest first), with a detail view.
// New rows are fetched when the event stream says a request finished; older pages
// load on demand.

const FILTERS: Array<[StatusFilter, string]> = [
  ['all', 'All'],
  ['ok', 'Succeeded'],
  ['error', 'Failed'],
];

export default function Requests() {
  useWatch('requests');
  const r = useRequests();
  const base = useGateway((s) => s.state?.ports.find((p) => p.use === 'router')?.url);

  return (
    <div className="page">
      <PageHeader title="Requests">
        <div className="segmented" role="group" aria-label="Show">
          {FILTERS.map(([f, label]) => (
            <button key={f} type="button" className="btn btn--small" aria-pressed={r.filter === f} onClick={() => void r.setFilter(f)}>
              {label}
            </button>
          ))}
        </div>
      </PageHeader>
      <ErrorBanner error={r.error} onRetry={() => void r.load()} />
      <Card>
        {r.loaded && r.rows.length === 0 && !r.error ? (
          <EmptyState title={r.filter === 'all' ? 'No requests yet' : 'No requests match'}>
            {r.filter === 'all' ? (
              <p>
                Run Claude Code with <code>ANTHROPIC_BASE_URL={base ?? 'http://127.0.0.1:8080'}</code> and each request appears here as it finishes: provider, model, tokens, cost and
                latency.
              </p>
            ) : (
              <p>Choose “All” to see every request.</p>
            )}
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table data-testid="requests-table">
              <caption className="visually-hidden">Recent requests, newest first. Choose a time to see the details.</caption>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Provider</th>
                  <th scope="col">Model</th>
                  <th scope="col" className="num">Tokens in / out</th>
                  <th scope="col" className="num">Cost</th>
                  <th scope="col" className="num">Latency</th>
                  <th scope="col" className="num">Attempts</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {r.rows.map((row) => (
                  <tr key={row.id} className="clickable" onClick={() => void r.openDetail(row.id)}>
                    <td>
                      <button type="button" className="btn btn--ghost btn--small mono" onClick={(e) => (e.stopPropagation(), void r.openDetail(row.id))} aria-label={`Details of request ${row.id} at ${clock(row.ts)}`}>
                        {clock(row.ts)}
                      </button>
                    </td>
                    <td>
                      {row.provider ?? '—'} <span className="muted small">:{row.port}</span>
                    </td>
                    <td>
                      <span className="mono small">{row.upstreamModel ?? row.requestedModel}</span>
                      {row.upstreamModel && row.upstreamModel !== row.requestedModel ? <div className="muted small">asked {row.requestedModel}</div> : null}
                    </td>
                    <td className="num">
                      {count(row.inputTokens)} / {count(row.outputTokens)}
                    </td>
                    <td className="num">{row.costUsd === null ? <span className="muted" title="No known price for this model">unknown</span> : usd(row.costUsd, { precise: true })}</td>
                    <td className="num">{ms(row.latencyMs)}</td>
                    <td className="num">{row.attempts}</td>
                    <td>
                      <span className={`badge ${row.status < 400 ? 'badge--ok' : 'badge--bad'}`}>{row.status}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {r.nextBefore !== null ? (
          <div className="row" style={{ marginTop: '0.75rem' }}>
            <button type="button" className="btn" onClick={() => void r.loadOlder()}>
              Load older requests
            </button>
          </div>
        ) : null}
      </Card>
      <Dialog open={r.detail !== null || r.detailError !== null} title={r.detail ? `Request ${r.detail.id}` : 'Request'} onClose={r.closeDetail} wide>
        <ErrorBanner error={r.detailError} />
        {r.detail ? <RequestDetailView d={r.detail} /> : null}
      </Dialog>
    </div>
  );
}

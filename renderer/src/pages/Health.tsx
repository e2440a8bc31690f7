import { useEffect, useState } from 'react';
import { Card, PageHeader } from '../components/Card';
import { EmptyState } from '../components/EmptyState';
import { ErrorBanner } from '../components/ErrorBanner';
import { useWatch } from '../events/live';
import { hrefFor } from '../route';
import { isIncident, useEvents } from '../stores/events';
import { useGateway } from '../stores/gateway';
import { useRequests } from '../stores/requests';
import { ProviderHealthCard } from './components/ProviderHealthCard';
import { RecentEvents } from './components/RecentEvents';

// Health: per provider live latency, error rate, circuit and rate-limit headroom,
// and the recent failovers, retries and circuit changes with their reasons.

export default function Health() {
  useWatch('requests'); // the latency sparklines are drawn from the newest request rows
  const { state, error, load } = useGateway();
  const rows = useRequests((s) => s.rows);
  const events = useEvents((s) => s.events);
  const incidents = events.filter(isIncident).slice(0, 30);
  // Relative times ("in 12 s") tick without refetching anything.
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 5000);
    return () => clearInterval(t);
  }, []);

  return (
    <div className="page">
      <PageHeader title="Health" />
      <ErrorBanner error={error} onRetry={() => void load()} />
      {state && state.providers.length === 0 ? (
        <Card>
          <EmptyState title="No provider to watch yet" action={<a className="btn btn--primary" href={hrefFor('providers')}>Add a provider</a>}>
            <p>Health is learned from real traffic and from light probes of each provider’s model list.</p>
          </EmptyState>
        </Card>
      ) : null}
      {!state && !error ? <p className="muted">Loading…</p> : null}
      <div className="grid">
        {state?.providers.map((p) => <ProviderHealthCard key={p.id} p={p} rows={rows} now={now} />)}
      </div>
      <Card title="Failovers and incidents" id="incidents">
        <RecentEvents events={incidents} empty="No failovers, retries or circuit changes since this window opened. When a provider fails, the reason shows up here." />
      </Card>
    </div>
  );
}

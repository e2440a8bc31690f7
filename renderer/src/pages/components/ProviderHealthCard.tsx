import type { ProviderStatus, RequestRow } from '../../api/types';
import { Meter } from '../../components/Card';
import { Sparkline } from '../../components/Sparkline';
import { StatusLight } from '../../components/StatusLight';
import { ms, pct, relative } from '../../format';

// One provider's live health: latency of its recent requests, error rate, circuit,
// rate-limit headroom, cooldown and last probe.

export const SPARK_POINTS = 30;

/** Latencies of a provider's newest requests, oldest first (rows come newest first). */
export function latencySeries(rows: RequestRow[], provider: string, n = SPARK_POINTS): number[] {
  const out: number[] = [];
  for (const r of rows) {
    if (r.provider === provider && r.latencyMs !== null && r.status < 400) out.push(r.latencyMs);
    if (out.length >= n) break;
  }
  return out.reverse();
}

export function errorRate(p: ProviderStatus): number | null {
  if (p.breaker.errorRate !== null) return p.breaker.errorRate;
  return p.successRate === null ? null : 1 - p.successRate;
}

const CIRCUIT_WORDS = { closed: 'closed (taking traffic)', 'half-open': 'half-open (testing with one request)', open: 'open (skipped)' } as const;

export function ProviderHealthCard({ p, rows, now }: { p: ProviderStatus; rows: RequestRow[]; now: number }) {
  const lat = latencySeries(rows, p.id);
  const er = errorRate(p);
  const headroom = p.rateLimit.headroom;
  return (
    <section className="card" aria-labelledby={`health-${p.id}`} data-testid={`health-${p.id}`}>
      <div className="card__head">
        <h2 id={`health-${p.id}`}>{p.label}</h2>
        <StatusLight state={p.health} />
      </div>
      <p className="muted small">Latency of the last {lat.length || ''} requests</p>
      <Sparkline values={lat} label={`Latency of ${p.label}'s last ${lat.length} requests`} format={ms} width={300} height={44} />
      <div className="row small" style={{ gap: '1rem', marginTop: '0.25rem' }}>
        <span>
          p50 <strong>{ms(p.latency.p50Ms)}</strong>
        </span>
        <span>
          p95 <strong>{ms(p.latency.p95Ms)}</strong>
        </span>
        <span>
          first token <strong>{ms(p.latency.ttftEwmaMs)}</strong>
        </span>
      </div>
      <dl className="kv" style={{ marginTop: '0.75rem' }}>
        <dt>Error rate</dt>
        <dd data-testid={`error-rate-${p.id}`}>
          {pct(er)} <span className="muted small">({p.breaker.samples} recent requests)</span>
        </dd>
        <dt>Circuit</dt>
        <dd>
          <span className={`badge ${p.circuit === 'closed' ? 'badge--ok' : p.circuit === 'open' ? 'badge--bad' : 'badge--warn'}`}>{CIRCUIT_WORDS[p.circuit]}</span>
          {p.breaker.openUntil ? <span className="muted small"> retried {relative(p.breaker.openUntil, now)}</span> : null}
        </dd>
        <dt>Rate limit</dt>
        <dd>
          {headroom === null ? (
            <span className="muted">not reported yet</span>
          ) : (
            <>
              <Meter value={headroom} label={`${p.label} rate-limit headroom`} tone={headroom < 0.2 ? 'bad' : headroom < 0.5 ? 'warn' : 'ok'} text={`${pct(headroom)} left`} />
              <span className="small">
                {pct(headroom)} left{p.rateLimit.resetAt ? `, resets ${relative(p.rateLimit.resetAt, now)}` : ''}
              </span>
            </>
          )}
          {p.rateLimit.blockedUntil && p.rateLimit.blockedUntil > now ? <div className="small">blocked until {relative(p.rateLimit.blockedUntil, now)}</div> : null}
          {p.limits.length ? (
            <div className="muted small">
              {p.limits.map((l) => `${l.name}: ${l.remaining ?? '?'} / ${l.limit ?? '?'}`).join(' · ')}
            </div>
          ) : null}
        </dd>
        {p.cooldownUntil && p.cooldownUntil > now ? (
          <>
            <dt>Cooldown</dt>
            <dd>out of rotation, back {relative(p.cooldownUntil, now)}</dd>
          </>
        ) : null}
        <dt>Last probe</dt>
        <dd>
          {p.probe ? (
            <>
              {p.probe.ok ? 'reachable' : `failed: ${p.probe.error ?? `HTTP ${p.probe.status}`}`} <span className="muted small">{relative(p.probe.at, now)}</span>
            </>
          ) : (
            <span className="muted">none yet</span>
          )}
        </dd>
      </dl>
    </section>
  );
}

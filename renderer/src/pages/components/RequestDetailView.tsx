import type { RequestDetail } from '../../api/types';
import { count, dateTime, ms, usd } from '../../format';

// Everything the ledger holds about one request. The ledger never holds keys,
// prompts or headers, so there is nothing here to redact.

export function RequestDetailView({ d }: { d: RequestDetail }) {
  const rows: Array<[string, React.ReactNode]> = [
    ['Time', dateTime(d.ts)],
    ['Status', `${d.status}${d.errorType ? ` (${d.errorType})` : ''}`],
    ['Port', d.port],
    ['Provider', d.provider ?? '—'],
    ['Requested model', d.requestedModel],
    ['Upstream model', d.upstreamModel ?? '—'],
    ['Scenario', d.scenario ?? '—'],
    ['Routed by', d.strategy ?? '—'],
    ['Streamed', d.stream ? 'yes' : 'no'],
    ['Input tokens', count(d.inputTokens)],
    ['Output tokens', count(d.outputTokens)],
    ['Cache read / write', `${count(d.cacheReadTokens)} / ${count(d.cacheWriteTokens)}`],
    ['Cost', d.costUsd === null ? 'unknown (no price for this model)' : usd(d.costUsd, { precise: true })],
    ['Provider’s own figure', d.providerCostUsd === null ? '—' : usd(d.providerCostUsd, { precise: true })],
    ['At Anthropic list price', d.referenceCostUsd === null ? '—' : usd(d.referenceCostUsd, { precise: true })],
    ['Saved', d.savingsUsd === null ? '—' : usd(d.savingsUsd, { precise: true })],
    ['Latency', ms(d.latencyMs)],
    ['First token', ms(d.ttftMs)],
    ['Session', d.sessionId ?? '—'],
    ['Project', d.project ?? '—'],
    ['Request id', d.requestId ?? '—'],
  ];
  return (
    <>
      <dl className="kv">
        {rows.map(([k, v]) => (
          <div key={k} style={{ display: 'contents' }}>
            <dt>{k}</dt>
            <dd className={typeof v === 'string' && /^(req_|msg_|[0-9a-f-]{20,})/.test(v) ? 'mono' : undefined}>{v}</dd>
          </div>
        ))}
      </dl>
      <div>
        <h3 style={{ marginBottom: '0.4rem' }}>Attempts ({d.attempts})</h3>
        {d.attemptsPath.length === 0 ? (
          <p className="muted small">The first attempt answered.</p>
        ) : (
          <ol className="small">
            {d.attemptsPath.map((a, i) => (
              <li key={i}>
                {a.provider}: {a.status === null ? 'no answer' : a.status}
              </li>
            ))}
          </ol>
        )}
      </div>
    </>
  );
}

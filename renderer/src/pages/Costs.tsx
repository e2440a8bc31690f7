import { api } from '../api';
import type { Bucket } from '../api/types';
import { Card, Meter, PageHeader, Stat } from '../components/Card';
import { EmptyState } from '../components/EmptyState';
import { ErrorBanner } from '../components/ErrorBanner';
import { useWatch } from '../events/live';
import { count, localTz, pct, relative, usd } from '../format';
import { useBudget } from '../stores/budget';
import { RANGES, SESSION_PAGE, useCosts, type RangeKey } from '../stores/costs';
import { BreakdownTable } from './components/BreakdownTable';
import { CostChart } from './components/CostChart';

// Costs: spend over time stacked by provider (hour, day, week), by model, by
// session and project; budget progress; savings against Anthropic's list price;
// export of the request log as CSV or JSON.

export default function Costs() {
  useWatch('costs', 'budget');
  const c = useCosts();
  const budget = useBudget((s) => s.budget);
  const t = c.summary?.totals;
  const range = RANGES[c.range];
  const exportParams = { from: range.from, tz: localTz() };
  const noData = c.loaded && t !== undefined && t.requests === 0;

  return (
    <div className="page">
      <PageHeader title="Costs">
        <label htmlFor="cost-range" className="visually-hidden">
          Range
        </label>
        <select id="cost-range" value={c.range} onChange={(e) => void c.setRange(e.target.value as RangeKey)}>
          {(Object.keys(RANGES) as RangeKey[]).map((k) => (
            <option key={k} value={k}>
              {RANGES[k].label}
            </option>
          ))}
        </select>
        <div className="segmented" role="group" aria-label="Group by">
          {(['hour', 'day', 'week'] as Bucket[]).map((b) => (
            <button key={b} type="button" className="btn btn--small" aria-pressed={c.bucket === b} disabled={!range.buckets.includes(b)} onClick={() => void c.setBucket(b)}>
              {b === 'hour' ? 'Hourly' : b === 'day' ? 'Daily' : 'Weekly'}
            </button>
          ))}
        </div>
        <a className="btn" href={api().exportUrl({ ...exportParams, format: 'csv' })} download data-testid="export-csv">
          Export CSV
        </a>
        <a className="btn" href={api().exportUrl({ ...exportParams, format: 'json' })} download>
          Export JSON
        </a>
      </PageHeader>
      <ErrorBanner error={c.error} onRetry={() => void c.load()} />

      <div className="stats card">
        <Stat label="Spend" value={usd(t?.costUsd)} hint={range.label.toLowerCase()} />
        <Stat label="Requests" value={count(t?.requests)} hint={t?.errors ? `${t.errors} failed` : undefined} />
        <Stat
          label="Saved vs Anthropic"
          value={<span data-testid="savings">{usd(t?.savingsUsd)}</span>}
          hint={t && t.referenceCostUsd > 0 ? `${usd(t.referenceCostUsd)} at Anthropic list price (${pct(t.savingsUsd / t.referenceCostUsd)} less)` : 'against Anthropic list prices'}
        />
        <Stat label="Without a known price" value={count(t?.unknownCostRequests)} hint="requests not counted in spend" />
      </div>

      {budget ? (
        <Card title="Budgets" id="budgets" actions={<a href="#/routing">Change</a>}>
          <div className="grid grid--2">
            {budget.windows.map((w) => (
              <div key={w.window} data-testid={`budget-${w.window}`}>
                <div className="spread small">
                  <strong>{w.window === 'hour' ? 'This hour' : 'Today'}</strong>
                  <span>
                    {w.limitUsd === null ? (
                      'no budget'
                    ) : (
                      <>
                        {usd(w.spentUsd)} of {usd(w.limitUsd)} · resets {relative(w.resetsAt)}
                      </>
                    )}
                  </span>
                </div>
                <Meter value={w.limitUsd ? w.spentUsd / w.limitUsd : 0} label={`${w.window === 'hour' ? 'Hourly' : 'Daily'} budget used`} text={w.percent === null ? 'off' : `${w.percent} %`} />
                {w.unpricedRequests ? <p className="muted small">{w.unpricedRequests} requests without a known price are not counted.</p> : null}
              </div>
            ))}
          </div>
          {budget.inForce ? (
            <p className="banner banner--warn" style={{ marginTop: '0.75rem' }}>
              A budget is used up: requests are {budget.inForce === 'block' ? 'blocked' : `downgraded to ${budget.downgradeTo}`} until it resets.
            </p>
          ) : null}
        </Card>
      ) : null}

      <Card title="Spend by provider" id="by-provider">
        {noData ? (
          <EmptyState title="No spend in this range">
            <p>Costs appear once requests go through Switchboard. A model without a known price is counted apart, never as free.</p>
          </EmptyState>
        ) : c.series ? (
          <CostChart series={c.series} />
        ) : (
          <p className="muted">Loading…</p>
        )}
      </Card>

      <div className="grid grid--2">
        <Card title="By model" id="by-model">
          {c.byModel?.rows.length ? <BreakdownTable rows={c.byModel.rows} keyLabel="Model" caption="Spend by upstream model" /> : <p className="muted">No requests in this range.</p>}
        </Card>
        <Card title="By project" id="by-project">
          {c.byProject?.rows.length ? <BreakdownTable rows={c.byProject.rows} keyLabel="Project" caption="Spend by project (Claude Code’s working directory)" /> : <p className="muted">No requests in this range.</p>}
        </Card>
      </div>

      <Card
        title="By session"
        id="by-session"
        actions={
          c.bySession && c.bySession.totalGroups > SESSION_PAGE ? (
            <>
              <span className="muted small">
                {c.sessionOffset + 1}–{Math.min(c.sessionOffset + SESSION_PAGE, c.bySession.totalGroups)} of {c.bySession.totalGroups}
              </span>
              <button type="button" className="btn btn--small" disabled={c.sessionOffset === 0} onClick={() => void c.setSessionOffset(c.sessionOffset - SESSION_PAGE)}>
                Newer
              </button>
              <button type="button" className="btn btn--small" disabled={c.sessionOffset + SESSION_PAGE >= c.bySession.totalGroups} onClick={() => void c.setSessionOffset(c.sessionOffset + SESSION_PAGE)}>
                Older
              </button>
            </>
          ) : null
        }
      >
        {c.bySession?.rows.length ? (
          <BreakdownTable rows={c.bySession.rows} keyLabel="Session" caption="Spend by Claude Code session, most recent first" showProject showLastSeen />
        ) : (
          <p className="muted">No sessions in this range. Claude Code sends its session id with each request.</p>
        )}
      </Card>
    </div>
  );
}

import type { BreakdownRow } from '../../api/types';
import { count, dateTime, usd } from '../../format';

// Per-group totals (model, session, project) with a share bar.

export function BreakdownTable({ rows, keyLabel, caption, showProject, showLastSeen }: { rows: BreakdownRow[]; keyLabel: string; caption: string; showProject?: boolean; showLastSeen?: boolean }) {
  const max = Math.max(0, ...rows.map((r) => r.totals.costUsd));
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{keyLabel}</th>
            {showProject ? <th scope="col">Project</th> : null}
            <th scope="col" className="num">Requests</th>
            <th scope="col" className="num">Tokens</th>
            <th scope="col" className="num">Cost</th>
            <th scope="col" style={{ width: '18%' }}>
              <span className="visually-hidden">Share</span>
            </th>
            {showLastSeen ? <th scope="col">Last request</th> : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const t = r.totals;
            return (
              <tr key={String(r.key)}>
                <td className="mono small" style={{ maxWidth: 280, overflowWrap: 'anywhere' }}>
                  {r.key ?? <span className="muted">unknown</span>}
                </td>
                {showProject ? <td className="small">{r.project ?? <span className="muted">—</span>}</td> : null}
                <td className="num">{count(t.requests)}</td>
                <td className="num">{count(t.inputTokens + t.outputTokens + t.cacheReadTokens + t.cacheWriteTokens)}</td>
                <td className="num">
                  {usd(t.costUsd)}
                  {t.unknownCostRequests ? <div className="muted small">+{t.unknownCostRequests} unpriced</div> : null}
                </td>
                <td>
                  <div className="meter" aria-hidden="true">
                    <div className="meter__fill meter__fill--ok" style={{ width: `${max > 0 ? (t.costUsd / max) * 100 : 0}%`, background: 'var(--accent)' }} />
                  </div>
                </td>
                {showLastSeen ? <td className="small muted">{r.lastTs ? dateTime(r.lastTs) : '—'}</td> : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

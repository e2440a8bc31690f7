import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { SeriesResult } from '../../api/types';
import { usd } from '../../format';

// Spend per bucket, stacked by provider (the top groups, then "other").

export const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f'];

export interface ChartRow {
  label: string;
  [series: string]: number | string;
}

/** Recharts rows: one per bucket, one numeric field per group (and "other"). */
export function chartRows(s: SeriesResult): { rows: ChartRow[]; keys: string[] } {
  const keys = s.groups.map((g) => String(g.key ?? 'unknown'));
  if (s.other) keys.push('other');
  const rows = s.buckets.map((b) => {
    const row: ChartRow = { label: shortLabel(b.label, s.bucket) };
    s.groups.forEach((g, i) => (row[String(g.key ?? 'unknown')] = b.groups[i]?.costUsd ?? 0));
    if (s.other) row.other = b.other?.costUsd ?? 0;
    return row;
  });
  return { rows, keys };
}

function shortLabel(label: string, bucket: SeriesResult['bucket']): string {
  if (bucket === 'hour') return label.slice(11, 16) || label; // "2026-11-21T14:00" -> "14:00"
  return label.slice(5); // "2026-11-21" -> "11-21"
}

export function CostChart({ series }: { series: SeriesResult }) {
  const { rows, keys } = chartRows(series);
  const total = series.buckets.reduce((a, b) => a + b.totals.costUsd, 0);
  return (
    <figure className="chart" style={{ margin: 0 }} aria-label={`Spend per ${series.bucket}, stacked by provider: ${usd(total)} in all over ${rows.length} ${series.bucket}s`} data-testid="cost-chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" vertical={false} />
          <XAxis dataKey="label" tick={{ fill: 'var(--muted)', fontSize: 12 }} stroke="var(--border)" minTickGap={16} />
          <YAxis tick={{ fill: 'var(--muted)', fontSize: 12 }} stroke="var(--border)" tickFormatter={(v: number) => usd(v)} width={70} />
          <Tooltip
            formatter={(v) => usd(Number(v), { precise: true })}
            contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)', borderRadius: 6, color: 'var(--text)' }}
            cursor={{ fill: 'var(--surface-2)' }}
          />
          <Legend wrapperStyle={{ fontSize: 13 }} />
          {keys.map((k, i) => (
            <Bar key={k} dataKey={k} stackId="cost" fill={PALETTE[i % PALETTE.length]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}

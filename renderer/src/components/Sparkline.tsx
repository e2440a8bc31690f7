// A tiny line chart in SVG (no chart library: it is on every Health card).

export interface SparklineProps {
  values: number[];
  width?: number;
  height?: number;
  /** Words for screen readers, e.g. "latency of the last 20 requests". */
  label: string;
  format?: (v: number) => string;
}

export function sparkPoints(values: number[], width: number, height: number, pad = 2): string {
  if (values.length === 0) return '';
  const max = Math.max(...values);
  const min = Math.min(...values);
  const span = max - min || 1;
  const step = values.length > 1 ? (width - pad * 2) / (values.length - 1) : 0;
  return values
    .map((v, i) => {
      const x = pad + i * step;
      const y = height - pad - ((v - min) / span) * (height - pad * 2);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}

export function Sparkline({ values, width = 160, height = 36, label, format = String }: SparklineProps) {
  if (values.length === 0) {
    return (
      <svg className="sparkline sparkline--empty" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${label}: no data yet`}>
        <line x1="2" x2={width - 2} y1={height / 2} y2={height / 2} />
      </svg>
    );
  }
  const min = Math.min(...values);
  const max = Math.max(...values);
  const last = values[values.length - 1];
  const pts = sparkPoints(values.length === 1 ? [values[0], values[0]] : values, width, height);
  const lastPt = pts.split(' ').pop()!.split(',');
  return (
    <svg className="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${label}: latest ${format(last)}, range ${format(min)} to ${format(max)}`}>
      <polyline points={pts} fill="none" vectorEffect="non-scaling-stroke" />
      <circle cx={lastPt[0]} cy={lastPt[1]} r="2.5" />
    </svg>
  );
}

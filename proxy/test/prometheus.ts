// A strict parser of the Prometheus text exposition format (version 0.0.4), for
// tests. It throws on anything a Prometheus server would reject or mis-read: a bad
// line, a sample before its TYPE, a family split in two, a sample name that does
// not belong to its family, a duplicate series, a negative or non-finite counter,
// and a histogram whose buckets are not cumulative or whose +Inf bucket is not its
// _count. (The npm parser we tried, parse-prometheus-text-format, merges the
// buckets of every labelled histogram series into one, so it cannot check ours.)

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  /** The sample's own name (with _bucket / _sum / _count for histograms). */
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  help: string;
  type: MetricType;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
// Floats as Prometheus reads them (Go's ParseFloat: Inf and NaN in any case; prom-client writes "Nan").
const VALUE = /^(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?inf(?:inity)?|nan)$/i;
const TIMESTAMP = /^-?\d+$/;
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: (\S+))?$/;
const LABEL_PAIR = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/;

export function parsePrometheusText(text: string): Map<string, Family> {
  if (text.length && !text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const families = new Map<string, Family>();
  const series = new Set<string>();
  let current: Family | null = null;
  const lines = text.split('\n');
  lines.pop(); // after the final newline
  lines.forEach((line, i) => {
    const where = `line ${i + 1}: ${JSON.stringify(line)}`;
    if (line === '') return;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!m) {
        if (/^# (HELP|TYPE)\b/.test(line)) throw new Error(`malformed ${where}`);
        return; // a plain comment
      }
      const [, kind, name, rest] = m;
      if (!NAME.test(name)) throw new Error(`bad metric name in ${where}`);
      let f = families.get(name);
      if (f && f !== current) throw new Error(`family ${name} is split in two (${where})`);
      if (!f) {
        f = { name, help: '', type: 'untyped', samples: [] };
        families.set(name, f);
        current = f;
      }
      if (f.samples.length) throw new Error(`${kind} after samples in ${where}`);
      if (kind === 'HELP') f.help = unescapeHelp(rest, where);
      else {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) throw new Error(`bad type in ${where}`);
        f.type = rest as MetricType;
      }
      return;
    }
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`malformed sample ${where}`);
    const [, name, labelText, valueText, ts] = m;
    if (!VALUE.test(valueText)) throw new Error(`bad value in ${where}`);
    if (ts !== undefined && !TIMESTAMP.test(ts)) throw new Error(`bad timestamp in ${where}`);
    const labels = parseLabels(labelText ?? '', where);
    const f = current as Family | null;
    if (!f || !belongs(f, name)) throw new Error(`sample without its family's TYPE (or in another family's block): ${where}`);
    const value = toNumber(valueText);
    if (f.type === 'counter' && !(Number.isFinite(value) && value >= 0)) throw new Error(`counter must be finite and >= 0: ${where}`);
    const key = name + JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
    if (series.has(key)) throw new Error(`duplicate series ${where}`);
    series.add(key);
    f.samples.push({ name, labels, value });
  });
  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f);
  return families;
}

function toNumber(v: string): number {
  const inf = /^([+-]?)inf(?:inity)?$/i.exec(v);
  if (inf) return inf[1] === '-' ? -Infinity : Infinity;
  return /^nan$/i.test(v) ? NaN : Number(v);
}

function belongs(f: Family, name: string): boolean {
  if (name === f.name) return f.type !== 'histogram';
  if (f.type === 'histogram') return name === `${f.name}_bucket` || name === `${f.name}_sum` || name === `${f.name}_count`;
  if (f.type === 'summary') return name === `${f.name}_sum` || name === `${f.name}_count`;
  return false;
}

function parseLabels(text: string, where: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest.length) {
    const m = LABEL_PAIR.exec(rest);
    if (!m) throw new Error(`malformed labels in ${where}`);
    if (!LABEL_NAME.test(m[1]) || m[1].startsWith('__')) throw new Error(`bad label name in ${where}`);
    if (m[1] in labels) throw new Error(`repeated label ${m[1]} in ${where}`);
    labels[m[1]] = m[2].replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
    rest = rest.slice(m[0].length);
    if (m[3] === ',' && !rest.length) break; // a trailing comma is allowed
  }
  return labels;
}

function unescapeHelp(text: string, where: string): string {
  return text.replace(/\\(.?)/g, (_, c: string) => {
    if (c === 'n') return '\n';
    if (c === '\\') return '\\';
    throw new Error(`bad escape in HELP ${where}`);
  });
}

/** Per series (labels without le): buckets cumulative, +Inf present and equal to _count, _sum present. */
function checkHistogram(f: Family): void {
  const groups = new Map<string, { buckets: Array<[number, number]>; count?: number; sum?: number }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : 1)));
    const g = groups.get(key) ?? { buckets: [] };
    groups.set(key, g);
    if (s.name.endsWith('_bucket')) {
      if (le === undefined || !VALUE.test(le)) throw new Error(`${f.name}: bucket without a valid le`);
      g.buckets.push([toNumber(le), s.value]);
    } else if (le !== undefined) throw new Error(`${f.name}: le on a _sum/_count sample`);
    else if (s.name.endsWith('_count')) g.count = s.value;
    else g.sum = s.value;
  }
  for (const [key, g] of groups) {
    const sorted = [...g.buckets].sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < sorted.length; i++) if (sorted[i][1] < sorted[i - 1][1]) throw new Error(`${f.name}${key}: buckets are not cumulative`);
    const inf = sorted.at(-1);
    if (!inf || inf[0] !== Infinity) throw new Error(`${f.name}${key}: no +Inf bucket`);
    if (g.count === undefined || g.sum === undefined) throw new Error(`${f.name}${key}: _count or _sum missing`);
    if (inf[1] !== g.count) throw new Error(`${f.name}${key}: +Inf bucket ${inf[1]} != _count ${g.count}`);
  }
}

/** Queries over a parsed exposition. */
export class Scrape {
  constructor(readonly families: Map<string, Family>) {}

  static parse(text: string): Scrape {
    return new Scrape(parsePrometheusText(text));
  }

  family(name: string): Family {
    const f = this.families.get(name);
    if (!f) throw new Error(`no metric family ${name}`);
    return f;
  }

  /** Samples of `name` (a family or a histogram's _bucket/_sum/_count) whose labels include `labels`. */
  samples(name: string, labels: Record<string, string> = {}): Sample[] {
    const familyName = this.families.has(name) ? name : name.replace(/_(bucket|sum|count)$/, '');
    return this.family(familyName).samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  }

  /** Sum of the matching samples' values (0 when none match). */
  sum(name: string, labels: Record<string, string> = {}): number {
    return this.samples(name, labels).reduce((a, s) => a + s.value, 0);
  }

  /** The one sample with exactly these labels, or undefined. */
  value(name: string, labels: Record<string, string> = {}): number | undefined {
    const n = Object.keys(labels).length;
    return this.samples(name, labels).find((s) => Object.keys(s.labels).length === n)?.value;
  }

  /** A histogram series: count, sum, and cumulative counts by upper bound. */
  histogram(name: string, labels: Record<string, string>): { count: number; sum: number; buckets: Map<number, number> } {
    const exact = (s: Sample, extra: number) => Object.keys(s.labels).length === Object.keys(labels).length + extra;
    const count = this.samples(`${name}_count`, labels).find((s) => exact(s, 0))?.value ?? 0;
    const sum = this.samples(`${name}_sum`, labels).find((s) => exact(s, 0))?.value ?? 0;
    const buckets = new Map(this.samples(`${name}_bucket`, labels).filter((s) => exact(s, 1)).map((s) => [s.labels.le === '+Inf' ? Infinity : Number(s.labels.le), s.value]));
    return { count, sum, buckets };
  }
}

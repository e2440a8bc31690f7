import { describe, expect, it } from 'vitest';
import { parsePrometheusText, Scrape } from './prometheus.js';

// The test parser must be strict, or the /metrics tests prove little.

const HIST = `# HELP h_seconds A histogram.
# TYPE h_seconds histogram
h_seconds_bucket{le="0.5",p="a"} 1
h_seconds_bucket{le="+Inf",p="a"} 2
h_seconds_sum{p="a"} 1.25
h_seconds_count{p="a"} 2
h_seconds_bucket{le="0.5",p="b"} 0
h_seconds_bucket{le="+Inf",p="b"} 1
h_seconds_sum{p="b"} 3
h_seconds_count{p="b"} 1
`;

describe('strict Prometheus text parser', () => {
  it('reads counters, gauges, escaped labels and labelled histograms series by series', () => {
    const text = `# HELP c_total Requests \\\\ with a backslash\\n.
# TYPE c_total counter
c_total{m="a\\"b\\\\c\\nd",s="200"} 3
c_total{m="x",s="200",} 1e3

# TYPE g gauge
g -1.5
g{k="v"} NaN
${HIST}`;
    const s = Scrape.parse(text);
    expect(s.family('c_total').help).toBe('Requests \\ with a backslash\n.');
    expect(s.value('c_total', { m: 'a"b\\c\nd', s: '200' })).toBe(3);
    expect(s.value('c_total', { m: 'x', s: '200' })).toBe(1000);
    expect(s.value('g')).toBe(-1.5);
    expect(s.value('g', { k: 'v' })).toBeNaN();
    expect(s.histogram('h_seconds', { p: 'a' })).toEqual({ count: 2, sum: 1.25, buckets: new Map([[0.5, 1], [Infinity, 2]]) });
    expect(s.histogram('h_seconds', { p: 'b' })).toEqual({ count: 1, sum: 3, buckets: new Map([[0.5, 0], [Infinity, 1]]) });
  });

  it.each([
    ['no final newline', '# TYPE a counter\na 1'],
    ['a sample before its TYPE block', 'a 1\n'],
    ['a sample of another family', '# TYPE a counter\nb 1\n'],
    ['a family split in two', '# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\n# TYPE a gauge\n'],
    ['a duplicate series', '# TYPE a gauge\na{x="1"} 1\na{x="1"} 2\n'],
    ['a negative counter', '# TYPE a_total counter\na_total -1\n'],
    ['an unquoted label', '# TYPE a gauge\na{x=1} 1\n'],
    ['a bad escape in a label', '# TYPE a gauge\na{x="\\t"} 1\n'],
    ['a bad value', '# TYPE a gauge\na one\n'],
    ['a bad metric name', '# TYPE 1a gauge\n'],
    ['an unknown type', '# TYPE a meter\n'],
    ['two spaces before the value', '# TYPE a gauge\na  1\n'],
    ['a histogram whose +Inf bucket is not its count', HIST.replace('h_seconds_count{p="a"} 2', 'h_seconds_count{p="a"} 3')],
    ['a histogram with buckets that go down', HIST.replace('h_seconds_bucket{le="0.5",p="a"} 1', 'h_seconds_bucket{le="0.5",p="a"} 5')],
    ['a histogram without +Inf', HIST.replace('h_seconds_bucket{le="+Inf",p="b"} 1\n', '')],
    ['a bare sample in a histogram', HIST + 'h_seconds 1\n'],
  ])('rejects %s', (_what, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });
});

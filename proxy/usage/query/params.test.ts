import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../protocol/anthropic/errors.js';
import { autoBucket, parseBreakdownQuery, parseExportQuery, parseRequestsQuery, parseSeriesQuery, parseSummaryQuery, parseTime } from './params.js';
import { parseZone } from './zone.js';

const NOW = Date.UTC(2026, 10, 21, 12);
const H = 3_600_000;
const D = 24 * H;

/** The 400 a bad query string becomes, by message. */
function problem(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).status).toBe(400);
    expect((err as GatewayError).type).toBe('invalid_request_error');
    return (err as Error).message;
  }
  throw new Error('no error');
}

describe('usage query parameters', () => {
  it('times: ms, now, relative, ISO with an offset, and local dates/times read in tz', () => {
    const paris = parseZone('Europe/Paris')!;
    expect(parseTime('from', '1700000000000', paris, NOW)).toBe(1_700_000_000_000);
    expect(parseTime('from', 'now', paris, NOW)).toBe(NOW);
    expect(parseTime('from', '-24h', paris, NOW)).toBe(NOW - D);
    expect(parseTime('from', '-30m', paris, NOW)).toBe(NOW - 30 * 60_000);
    expect(parseTime('from', '-2w', paris, NOW)).toBe(NOW - 14 * D);
    expect(parseTime('from', '2026-11-21', paris, NOW)).toBe(Date.UTC(2026, 10, 20, 23));
    expect(parseTime('from', '2026-11-21T09:00', paris, NOW)).toBe(Date.UTC(2026, 10, 21, 8));
    expect(parseTime('from', '2026-11-21T09:00:00Z', paris, NOW)).toBe(Date.UTC(2026, 10, 21, 9));
    expect(parseTime('from', '2026-11-21T09:00:00.5+02:00', paris, NOW)).toBe(Date.UTC(2026, 10, 21, 7, 0, 0, 500));
    for (const bad of ['yesterday', '21/11/2026', '-5y', '2026-13-45', 'Nov 21 2026']) {
      expect(problem(() => parseTime('from', bad, paris, NOW))).toMatch(/^from: ".*" is not a time/);
    }
  });

  it('aggregates default to the last 24 h in the gateway zone; rows and exports to everything', () => {
    const s = parseSummaryQuery({}, NOW);
    expect(s.range).toEqual({ from: NOW - D, to: NOW });
    expect(s.zone.name).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(parseSummaryQuery({ to: String(NOW - H) }, NOW).range).toEqual({ from: NOW - H - D, to: NOW - H });
    expect(parseRequestsQuery({}, NOW)).toEqual({ from: null, to: null, filters: {}, status: null, limit: 100, before: null, after: null });
    expect(parseExportQuery({ format: 'json', token: 'x' }, NOW)).toMatchObject({ from: null, to: null, format: 'json' });
  });

  it('filters and options', () => {
    const q = parseSeriesQuery({ provider: 'openrouter', port: '8080', session: 'abc', groupBy: 'model', top: '5', bucket: 'day', tz: 'UTC' }, NOW);
    expect(q).toMatchObject({ filters: { provider: 'openrouter', port: 8080, session: 'abc' }, groupBy: 'model', top: 5, bucket: 'day' });
    const b = parseBreakdownQuery({ groupBy: 'project', sort: 'savings', order: 'asc', limit: '10', offset: '20' }, NOW);
    expect(b).toMatchObject({ groupBy: 'project', sort: 'savings', order: 'asc', limit: 10, offset: 20 });
    expect(parseBreakdownQuery({ groupBy: 'session' }, NOW)).toMatchObject({ sort: 'cost', order: 'desc', limit: 50, offset: 0 });
  });

  it('the bucket defaults to what suits the span', () => {
    expect(autoBucket({ from: 0, to: 3 * D })).toBe('hour');
    expect(autoBucket({ from: 0, to: 30 * D })).toBe('day');
    expect(autoBucket({ from: 0, to: 365 * D })).toBe('week');
    expect(parseSeriesQuery({ from: '-30d' }, NOW).bucket).toBe('day');
  });

  it('every problem is a 400 naming the parameter', () => {
    expect(problem(() => parseSummaryQuery({ groupby: 'provider' }, NOW))).toBe('unknown parameter "groupby"');
    expect(problem(() => parseSummaryQuery({ from: String(NOW), to: String(NOW - 1) }, NOW))).toMatch(/^from must be before to/);
    expect(problem(() => parseSummaryQuery({ tz: 'Mars/Olympus' }, NOW))).toMatch(/^tz: unknown time zone "Mars\/Olympus"/);
    expect(problem(() => parseSeriesQuery({ bucket: 'month' }, NOW))).toMatch(/^bucket: .*"hour"/);
    expect(problem(() => parseSeriesQuery({ groupBy: 'color' }, NOW))).toMatch(/^groupBy: /);
    expect(problem(() => parseSeriesQuery({ top: '0' }, NOW))).toBe('top: must be at least 1');
    expect(problem(() => parseBreakdownQuery({}, NOW))).toMatch(/^groupBy: /);
    expect(problem(() => parseBreakdownQuery({ groupBy: 'model', limit: '5000' }, NOW))).toBe('limit: must be at most 1000');
    expect(problem(() => parseBreakdownQuery({ groupBy: 'model', sort: 'name' }, NOW))).toMatch(/^sort: /);
    expect(problem(() => parseRequestsQuery({ port: 'http' }, NOW))).toBe('port: must be a whole number');
    expect(problem(() => parseRequestsQuery({ provider: ['a', 'b'] }, NOW))).toBe('provider: given more than once');
    expect(problem(() => parseRequestsQuery({ provider: '' }, NOW))).toBe('provider: must not be empty');
    expect(problem(() => parseRequestsQuery({ before: '5', after: '3' }, NOW))).toMatch(/^before and after cannot be combined/);
    expect(problem(() => parseRequestsQuery({ status: 'failed' }, NOW))).toMatch(/^status: /);
    expect(problem(() => parseExportQuery({ format: 'xml' }, NOW))).toMatch(/^format: /);
  });
});

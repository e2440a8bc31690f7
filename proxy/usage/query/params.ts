import { z } from 'zod';
import { invalidRequest } from '../../protocol/anthropic/errors.js';
import { GROUP_BYS, type Filters, type GroupBy } from './dims.js';
import { BUCKETS, localZone, parseZone, wallToUtc, type Bucket, type Zone } from './zone.js';

// Query strings of the usage API → typed queries. Unknown parameters are refused
// (a typo like `groupby` must not silently mean "no grouping"), and every problem
// is a 400 naming the parameter, in Anthropic's error shape.

const DAY = 86_400_000;
/** Aggregates without `from` cover the last 24 h. */
export const DEFAULT_SPAN_MS = DAY;
/** A series never has more buckets than this (e.g. hour buckets over 41 days). */
export const MAX_BUCKETS = 1000;

export interface Range {
  from: number;
  to: number;
}

export interface AggregateQuery {
  range: Range;
  zone: Zone;
  filters: Filters;
}

export interface SeriesQuery extends AggregateQuery {
  bucket: Bucket;
  groupBy: GroupBy | null;
  top: number;
}

export const SORTS = ['cost', 'requests', 'tokens', 'errors', 'savings', 'latency', 'lastSeen', 'key'] as const;
export type SortKey = (typeof SORTS)[number];

export interface BreakdownQuery extends AggregateQuery {
  groupBy: GroupBy;
  sort: SortKey;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export type StatusFilter = 'ok' | 'error';

/** Row listings: no range unless given (the whole ledger). */
export interface RowsQuery {
  from: number | null;
  to: number | null;
  filters: Filters;
  status: StatusFilter | null;
}

export interface RequestsQuery extends RowsQuery {
  limit: number;
  before: number | null;
  after: number | null;
}

export interface ExportQuery extends RowsQuery {
  format: 'csv' | 'json';
}

const text = z.string().min(1, 'must not be empty').max(1024, 'is too long');
const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,15}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const common = {
  from: text.optional(),
  to: text.optional(),
  tz: text.optional(),
  provider: text.optional(),
  model: text.optional(),
  requestedModel: text.optional(),
  port: int(1, 65535).optional(),
  session: text.optional(),
  project: text.optional(),
};
const status = z.enum(['ok', 'error']).optional();

const SummarySchema = z.object(common).strict();
const SeriesSchema = z.object({ ...common, bucket: z.enum(BUCKETS).optional(), groupBy: z.enum(GROUP_BYS).optional(), top: int(1, 50).optional() }).strict();
const BreakdownSchema = z
  .object({ ...common, groupBy: z.enum(GROUP_BYS), sort: z.enum(SORTS).optional(), order: z.enum(['asc', 'desc']).optional(), limit: int(1, 1000).optional(), offset: int(0, 1e9).optional() })
  .strict();
const RequestsSchema = z.object({ ...common, status, limit: int(1, 1000).optional(), before: int(1, Number.MAX_SAFE_INTEGER).optional(), after: int(0, Number.MAX_SAFE_INTEGER).optional() }).strict();
// `token`: a browser download link cannot send a header (the route's auth reads it).
const ExportSchema = z.object({ ...common, status, format: z.enum(['csv', 'json']).optional(), token: z.string().optional() }).strict();

type CommonParams = z.infer<typeof SummarySchema>;

function parse<T>(schema: z.ZodType<T>, query: unknown): T {
  const parsed = schema.safeParse(query ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    throw invalidRequest(`unknown parameter${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`);
  }
  const path = issue.path.length ? issue.path.map(String).join('.') : 'query';
  const given = issue.path.length === 1 && query && typeof query === 'object' ? (query as Record<PropertyKey, unknown>)[issue.path[0]] : undefined;
  throw invalidRequest(Array.isArray(given) ? `${path}: given more than once` : `${path}: ${issue.message}`);
}

function zoneOf(p: CommonParams): Zone {
  if (p.tz === undefined) return localZone();
  const zone = parseZone(p.tz);
  if (!zone) throw invalidRequest(`tz: unknown time zone "${p.tz}" (an IANA name such as Europe/Paris, UTC, or an offset such as +05:30)`);
  return zone;
}

const RELATIVE = /^-(\d{1,6})([mhdw])$/;
const UNIT: Record<string, number> = { m: 60_000, h: 3_600_000, d: DAY, w: 7 * DAY };
const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?$/;
const ZONED_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * ms since the epoch; "now"; relative to now ("-30m", "-24h", "-7d", "-2w"); or ISO 8601.
 * A date or time without an offset is read in `zone` (so from=2026-11-01 is local midnight).
 */
export function parseTime(name: string, s: string, zone: Zone, now: number): number {
  let t = NaN;
  const rel = RELATIVE.exec(s);
  if (/^\d{1,15}$/.test(s)) t = Number(s);
  else if (s === 'now') t = now;
  else if (rel) t = now - Number(rel[1]) * UNIT[rel[2]];
  else if (LOCAL_DATE.test(s)) t = wall(zone, Date.parse(`${s}T00:00:00Z`));
  else if (LOCAL_TIME.test(s)) t = wall(zone, Date.parse(`${s}Z`));
  else if (ZONED_TIME.test(s)) t = Date.parse(s);
  if (!Number.isFinite(t) || t < 0 || t > 8.64e15) {
    throw invalidRequest(`${name}: "${s}" is not a time (use ms since the epoch, ISO 8601 such as 2026-11-21 or 2026-11-21T09:00:00Z, "now", or relative such as -24h, -7d)`);
  }
  return t;
}

/** A local clock reading in `zone`; NaN stays NaN (an impossible date such as 2026-13-45). */
function wall(zone: Zone, w: number): number {
  return Number.isFinite(w) ? wallToUtc(zone, w) : NaN;
}

function filtersOf(p: CommonParams): Filters {
  const f: Filters = {};
  if (p.provider !== undefined) f.provider = p.provider;
  if (p.model !== undefined) f.model = p.model;
  if (p.requestedModel !== undefined) f.requestedModel = p.requestedModel;
  if (p.port !== undefined) f.port = p.port;
  if (p.session !== undefined) f.session = p.session;
  if (p.project !== undefined) f.project = p.project;
  return f;
}

function ordered(from: number, to: number): void {
  if (from >= to) throw invalidRequest(`from must be before to (from ${new Date(from).toISOString()}, to ${new Date(to).toISOString()})`);
}

function aggregate(p: CommonParams, now: number): AggregateQuery {
  const zone = zoneOf(p);
  const to = p.to === undefined ? now : parseTime('to', p.to, zone, now);
  const from = p.from === undefined ? to - DEFAULT_SPAN_MS : parseTime('from', p.from, zone, now);
  ordered(from, to);
  return { range: { from, to }, zone, filters: filtersOf(p) };
}

function rows(p: CommonParams & { status?: StatusFilter }, now: number): RowsQuery {
  const zone = zoneOf(p);
  const from = p.from === undefined ? null : parseTime('from', p.from, zone, now);
  const to = p.to === undefined ? null : parseTime('to', p.to, zone, now);
  if (from !== null && to !== null) ordered(from, to);
  return { from, to, filters: filtersOf(p), status: p.status ?? null };
}

export function parseSummaryQuery(query: unknown, now = Date.now()): AggregateQuery {
  return aggregate(parse(SummarySchema, query), now);
}

export function parseSeriesQuery(query: unknown, now = Date.now()): SeriesQuery {
  const p = parse(SeriesSchema, query);
  const q = aggregate(p, now);
  return { ...q, bucket: p.bucket ?? autoBucket(q.range), groupBy: p.groupBy ?? null, top: p.top ?? 10 };
}

/** Without `bucket`: hours up to 3 days, days up to 180 days, then weeks. */
export function autoBucket(r: Range): Bucket {
  const span = r.to - r.from;
  return span <= 3 * DAY ? 'hour' : span <= 180 * DAY ? 'day' : 'week';
}

export function parseBreakdownQuery(query: unknown, now = Date.now()): BreakdownQuery {
  const p = parse(BreakdownSchema, query);
  return { ...aggregate(p, now), groupBy: p.groupBy, sort: p.sort ?? 'cost', order: p.order ?? 'desc', limit: p.limit ?? 50, offset: p.offset ?? 0 };
}

export function parseRequestsQuery(query: unknown, now = Date.now()): RequestsQuery {
  const p = parse(RequestsSchema, query);
  if (p.before !== undefined && p.after !== undefined) throw invalidRequest('before and after cannot be combined: before pages back into older rows, after polls for newer ones');
  return { ...rows(p, now), limit: p.limit ?? 100, before: p.before ?? null, after: p.after ?? null };
}

export function parseExportQuery(query: unknown, now = Date.now()): ExportQuery {
  const p = parse(ExportSchema, query);
  return { ...rows(p, now), format: p.format ?? 'csv' };
}

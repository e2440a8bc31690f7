// The usage API over real sockets: requests go through the gateway to scripted
// upstreams, then every endpoint's figures are checked against direct SQL on
// the ledger the gateway wrote. Also auth, validation errors in Anthropic's
// shape, CSV/JSON export parsed back, a streamed export of many rows, /stats,
// and a gateway with recording off.
import { mkdtempSync, rmSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSettings } from '../../config/resolve.js';
import { ConfigSchema } from '../../config/schema.js';
import { Gateway } from '../../gateway.js';
import { COLUMNS } from '../../usage/ledger/row.js';
import { startGateway, type RunningGateway } from '../gateway.js';
import { chunk, completion, json, openaiStream, ScriptedUpstream, sse, usageChunk } from '../upstream.js';
import { insertSynthetic, parseCsv } from '../usage-data.js';
import { expectAnthropicError, post, readSse } from './_helpers.js';

const okStream = (prompt: number, out: number, cached = 0) => (_req: unknown, res: ServerResponse) => sse(res, openaiStream([chunk({ content: 'hi' }), chunk({}, 'stop'), usageChunk(prompt, out, cached)]));
const okJson = (prompt: number, out: number) => (_req: unknown, res: ServerResponse) => json(res, 200, completion({ content: 'ok' }, 'stop', { prompt_tokens: prompt, completion_tokens: out, total_tokens: prompt + out }));
const fail = (status: number) => (_req: unknown, res: ServerResponse) => json(res, status, { error: { message: `failing with ${status}` } });

/** A Claude Code-like body: the project is in its environment block. */
function body(model: string, project: string | null, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const messages: unknown[] = [{ role: 'user', content: 'hi' }];
  if (project) messages.push({ role: 'system', content: `# Environment\n - Primary working directory: ${project}\n - Platform: linux\n` });
  return { model, max_tokens: 100, messages, ...extra };
}

type Row = Record<string, number | string | null>;

describe('usage API', () => {
  let oa: ScriptedUpstream;
  let an: ScriptedUpstream;
  let gw: RunningGateway;
  let token: string;
  const api = (path: string, headers: Record<string, string> = { authorization: `Bearer ${token}` }) => fetch(gw.url('router') + path, { headers });
  const getJson = async (path: string) => {
    const res = await api(path);
    expect(res.status, await res.clone().text()).toBe(200);
    return res.json();
  };
  const sql = <T = Row>(q: string, ...params: unknown[]): T[] => gw.gateway.ledger!.db.prepare(q).all(...params) as T[];
  /** Totals straight from `requests`, written independently of the rollups' expressions. */
  const direct = (where = '1', ...params: unknown[]) =>
    sql(
      `SELECT count(*) AS requests, sum(status >= 400) AS errors, total(input_tokens) AS input, total(output_tokens) AS output,
         total(cache_read_tokens) AS cacheRead, total(cost_usd) AS cost,
         sum(cost_usd IS NULL AND (input_tokens IS NOT NULL OR output_tokens IS NOT NULL OR status < 400)) AS unknown,
         total(reference_cost_usd - cost_usd) AS savings FROM requests WHERE ${where}`,
      ...params,
    )[0];

  beforeAll(async () => {
    oa = await ScriptedUpstream.start();
    an = await ScriptedUpstream.start();
    gw = await startGateway({
      providers: {
        oa: { type: 'openai-compatible', baseUrl: oa.url, models: { sonnet: 'oa-model', haiku: 'oa-mini' }, modelInfo: { 'oa-model': { price: { inputPerM: 1, outputPerM: 2 } } } },
        an: { type: 'openai-compatible', baseUrl: an.url, models: { sonnet: 'an-model' }, modelInfo: { 'an-model': { price: { inputPerM: 3, outputPerM: 15 } } } },
      },
      router: { order: ['oa', 'an'], strategy: 'priority' },
    });
    token = gw.gateway.admin!.token.value;

    const s1 = { headers: { 'x-claude-code-session-id': 'session-one' } };
    const s2 = { headers: { 'x-claude-code-session-id': 'session-two' } };
    oa.next(okStream(1000, 100, 200));
    await readSse(await post(gw.url('router'), body('claude-sonnet-5-5', '/work/proj-a', { stream: true }), s1));
    oa.next(okJson(10, 5));
    expect((await post(gw.url('oa'), body('claude-sonnet-5-5', '/work/proj-a'), s1)).status).toBe(200);
    // Fallback: oa fails, an answers.
    oa.next(fail(500));
    an.next(okJson(300, 30));
    const fb = await post(gw.url('router'), body('claude-sonnet-5-5', '/work/proj-b'), s2);
    expect(fb.headers.get('x-switchboard-fallback')).toBe('oa:500');
    oa.next(fail(429));
    expect((await post(gw.url('oa'), body('claude-sonnet-5-5', null))).status).toBe(429);
    // An unpriced model: tokens known, cost unknown.
    oa.next(okJson(50, 7));
    expect((await post(gw.url('oa'), body('claude-haiku-5-5', '/work/proj-a'), s1)).status).toBe(200);
  });

  afterAll(async () => {
    await gw?.close();
    await oa?.close();
    await an?.close();
  });

  it('answers from every row recorded so far (pending rows are written first)', async () => {
    oa.next(okJson(1, 1));
    expect((await post(gw.url('oa'), body('claude-sonnet-5-5', '/work/proj-c'))).status).toBe(200);
    // The batch window is 1 s: the row is still queued when the summary is asked for.
    const pendingBefore = gw.gateway.ledger!.pending;
    const s = await getJson('/api/usage/summary');
    expect(pendingBefore).toBeGreaterThan(0);
    expect(s.totals.requests).toBe(6);
  });

  it('summary matches the ledger', async () => {
    const s = await getJson('/api/usage/summary?tz=UTC');
    const d = direct();
    expect(s.range.tz).toBe('UTC');
    expect(s.range.to - s.range.from).toBe(86_400_000);
    expect(s.totals).toMatchObject({ requests: d.requests, errors: d.errors, inputTokens: d.input, outputTokens: d.output, cacheReadTokens: d.cacheRead, unknownCostRequests: d.unknown });
    expect(d.unknown).toBe(1);
    expect(s.totals.costUsd).toBeCloseTo(d.cost as number, 9);
    expect(s.totals.savingsUsd).toBeCloseTo(d.savings as number, 9);
    expect(s.totals.savingsUsd).toBeGreaterThan(0);
    expect(s.latency.sample).toBe((d.requests as number) - (d.errors as number));
    expect(s.latency.p50Ms).toBeGreaterThan(0);
    const one = await getJson('/api/usage/summary?session=session-two');
    expect(one.totals.requests).toBe(1);
    expect(one.totals.costUsd).toBeCloseTo(300 * 3e-6 + 30 * 15e-6, 9);
  });

  it('series matches the ledger, per bucket and per group', async () => {
    const s = await getJson('/api/usage/series?bucket=hour&groupBy=provider&tz=UTC');
    expect(s.buckets.length).toBeGreaterThanOrEqual(24);
    const total = s.buckets.reduce((a: number, b: { totals: { requests: number } }) => a + b.totals.requests, 0);
    expect(total).toBe(direct().requests);
    const byProvider = sql<{ provider: string; n: number; cost: number }>('SELECT provider, count(*) AS n, total(cost_usd) AS cost FROM requests GROUP BY provider ORDER BY cost DESC');
    expect(s.groups.map((g: { key: string }) => g.key)).toEqual(byProvider.map((r) => r.provider));
    for (const [i, g] of s.groups.entries()) {
      const inBuckets = s.buckets.reduce((a: number, b: { groups: Array<{ requests: number } | null> }) => a + (b.groups[i]?.requests ?? 0), 0);
      expect(inBuckets).toBe(byProvider[i].n);
      expect(g.totals.costUsd).toBeCloseTo(byProvider[i].cost, 9);
    }
    // Each bucket's hour matches the rows' hours.
    for (const b of s.buckets.filter((x: { totals: { requests: number } }) => x.totals.requests > 0)) {
      expect(b.totals.requests).toBe(direct('ts >= ? AND ts < ?', b.start, b.end).requests);
    }
  });

  it('breakdowns match GROUP BY on the ledger, paginated', async () => {
    const cases: Array<[string, string]> = [['session', 'session_id'], ['project', 'project'], ['port', 'port'], ['model', 'upstream_model'], ['provider', 'provider'], ['requestedModel', 'requested_model']];
    for (const [groupBy, column] of cases) {
      const b = await getJson(`/api/usage/breakdown?groupBy=${groupBy}&sort=requests&order=desc&limit=1000`);
      const expected = sql<{ k: string | number | null; n: number; cost: number }>(`SELECT ${column} AS k, count(*) AS n, total(cost_usd) AS cost FROM requests GROUP BY 1`);
      expect(b.totalGroups, groupBy).toBe(expected.length);
      const got = Object.fromEntries(b.rows.map((r: { key: unknown; totals: { requests: number } }) => [String(r.key), r.totals.requests]));
      expect(got, groupBy).toEqual(Object.fromEntries(expected.map((r) => [String(r.k), r.n])));
    }
    const page = await getJson('/api/usage/breakdown?groupBy=session&limit=1&offset=1&sort=key&order=asc');
    expect(page).toMatchObject({ totalGroups: 3, limit: 1, offset: 1 });
    expect(page.rows).toEqual([expect.objectContaining({ key: 'session-one', project: '/work/proj-a' })]);
  });

  it('requests: newest first, keyset pages, filters and detail match the ledger; never a key', async () => {
    const all = sql<{ id: number }>('SELECT id FROM requests ORDER BY ts DESC, id DESC').map((r) => r.id);
    const p1 = await getJson('/api/usage/requests?limit=4');
    expect(p1.rows.map((r: { id: number }) => r.id)).toEqual(all.slice(0, 4));
    expect(p1).toMatchObject({ hasMore: true, nextBefore: all[3], newestId: Math.max(...all) });
    const p2 = await getJson(`/api/usage/requests?limit=4&before=${p1.nextBefore}`);
    expect(p2.rows.map((r: { id: number }) => r.id)).toEqual(all.slice(4, 8));
    expect(p2.hasMore).toBe(false);
    const errors = await getJson('/api/usage/requests?status=error');
    expect(errors.rows.map((r: { status: number }) => r.status)).toEqual([429]);
    const polled = await getJson(`/api/usage/requests?after=${p1.newestId}`);
    expect(polled.rows).toEqual([]);

    const fallback = sql<Row>("SELECT * FROM requests WHERE fallback_path IS NOT NULL")[0];
    const detail = await getJson(`/api/usage/requests/${fallback.id}`);
    expect(detail).toMatchObject({ id: fallback.id, provider: 'an', upstreamModel: 'an-model', sessionId: 'session-two', project: '/work/proj-b', attempts: 2, fallbackPath: 'oa:500,an:200', strategy: 'priority', status: 200 });
    expect(detail.attemptsPath).toEqual([{ provider: 'oa', status: 500 }, { provider: 'an', status: 200 }]);
    expect(detail.costUsd).toBeCloseTo(fallback.cost_usd as number, 12);
    // The ledger holds no keys, prompts or headers; neither do its rows.
    expect(JSON.stringify([p1, p2, detail])).not.toMatch(/Bearer|x-api-key|sk-|"hi"/);

    await expectAnthropicError(await api('/api/usage/requests/999999'), 404, 'not_found_error');
    await expectAnthropicError(await api('/api/usage/requests/abc'), 400, 'invalid_request_error');
  });

  it('export: CSV (RFC 4180) and JSON parse back to the ledger rows, as attachments', async () => {
    const rows = sql<Row>(`SELECT id, ${COLUMNS.join(', ')} FROM requests ORDER BY ts, id`);
    const csv = await api('/api/usage/export?format=csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="switchboard-usage-all-to-\d{4}-\d{2}-\d{2}\.csv"$/);
    const records = parseCsv(await csv.text());
    expect(records[0].slice(0, 3)).toEqual(['id', 'time', 'ts']);
    expect(records.length).toBe(rows.length + 1);
    const header = records[0];
    for (const [i, r] of rows.entries()) {
      const rec = records[i + 1];
      for (const c of ['id', ...COLUMNS]) {
        const v = r[c];
        expect(rec[header.indexOf(c)], `${r.id}.${c}`).toBe(v === null ? '' : String(v));
      }
    }
    const jsonRes = await api('/api/usage/export?format=json&provider=oa');
    expect(jsonRes.headers.get('content-disposition')).toMatch(/\.json"$/);
    const exported = await jsonRes.json();
    expect(exported.map((r: { id: number }) => r.id)).toEqual(rows.filter((r) => r.provider === 'oa').map((r) => r.id));
    // A download link can carry the token in the query (as /api/events); other usage routes cannot.
    expect((await api(`/api/usage/export?token=${encodeURIComponent(token)}`, {})).status).toBe(200);
    expect((await api(`/api/usage/summary?token=${encodeURIComponent(token)}`, {})).status).toBe(401);
  });

  it('every usage route and /stats need the admin token; provider ports have none of them', async () => {
    for (const path of ['/api/usage/summary', '/api/usage/series', '/api/usage/breakdown?groupBy=provider', '/api/usage/requests', '/api/usage/requests/1', '/api/usage/export', '/stats']) {
      await expectAnthropicError(await api(path, {}), 401, 'authentication_error');
      await expectAnthropicError(await api(path, { authorization: 'Bearer wrong' }), 401, 'authentication_error');
      const res = await fetch(gw.url('oa') + path, { headers: { authorization: `Bearer ${token}` } });
      await expectAnthropicError(res, 404, 'not_found_error');
    }
  });

  it('bad parameters are 400s in Anthropic shape, naming the parameter', async () => {
    const cases: Array<[string, RegExp]> = [
      ['/api/usage/summary?from=2026-11-22&to=2026-11-21', /^from must be before to/],
      ['/api/usage/summary?groupby=provider', /^unknown parameter "groupby"/],
      ['/api/usage/summary?from=yesterday', /^from: "yesterday" is not a time/],
      ['/api/usage/summary?tz=Nowhere/City', /^tz: unknown time zone/],
      ['/api/usage/series?bucket=month', /^bucket: /],
      ['/api/usage/series?bucket=hour&from=-90d', /^range too large for hour buckets.*bucket=day/],
      ['/api/usage/breakdown', /^groupBy: /],
      ['/api/usage/breakdown?groupBy=session&limit=0', /^limit: must be at least 1/],
      ['/api/usage/requests?before=1&after=2', /^before and after cannot be combined/],
      ['/api/usage/requests?provider=a&provider=b', /^provider: given more than once/],
      ['/api/usage/requests?before=999999', /^before: no request with id 999999/],
      ['/api/usage/export?format=xlsx', /^format: /],
    ];
    for (const [path, message] of cases) expect(await expectAnthropicError(await api(path), 400, 'invalid_request_error'), path).toMatch(message);
  });

  it('/stats: the seeds\' summary — last hour, today, per provider and model, router and health', async () => {
    const s = await getJson('/stats');
    const d = direct();
    expect(s).toMatchObject({ service: 'switchboard', router: { strategy: 'priority', priority: ['oa', 'an'] }, recording: { enabled: true, pendingRows: 0, droppedRows: 0, lastError: null } });
    expect(s.usage.lastHour.requests).toBe(d.requests);
    expect(s.usage.lastHour.costUsd).toBeCloseTo(d.cost as number, 9);
    expect(s.usage.last7Days.requests).toBe(d.requests);
    expect(s.usage.todayByProvider.map((p: { provider: string }) => p.provider).sort()).toEqual(['an', 'oa']);
    expect(s.usage.todayByModel.map((m: { model: string }) => m.model)).toContain('oa-mini');
    const oaStats = s.providers.find((p: { id: string }) => p.id === 'oa');
    expect(oaStats).toMatchObject({ id: 'oa', health: expect.any(String), circuit: 'closed' });
    expect(oaStats.lastHour.requests).toBe(direct("provider = 'oa'").requests);
  });

  it('streams a large export page by page (chunked, never buffered whole)', async () => {
    // 100k more rows over the last week, written straight into the gateway's ledger.
    insertSynthetic(gw.gateway.ledger!.db, 100_000, Date.now() - 60_000, 7 * 86_400_000);
    const count = sql<{ n: number }>('SELECT count(*) AS n FROM requests')[0].n;
    const res = await api('/api/usage/export?format=csv');
    expect(res.headers.get('content-length')).toBeNull();
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    let reads = 0;
    let text = '';
    const decoder = new TextDecoder();
    for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) {
      reads++;
      text += decoder.decode(part, { stream: true });
    }
    expect(reads).toBeGreaterThan(10);
    const records = parseCsv(text);
    expect(records.length).toBe(count + 1);
    const ids = records.slice(1).map((r) => Number(r[0]));
    expect(new Set(ids).size).toBe(count);
    // The aggregates see them too (through the rollups).
    const s = await getJson('/api/usage/summary?from=-8d');
    expect(s.totals.requests).toBe(count);
    expect(s.totals.inputTokens).toBe(direct().input);
  }, 60_000);
});

describe('usage API with recording off', () => {
  it('usage routes say how to turn recording on; /stats still answers; only the admin token is needed', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'switchboard-test-state-'));
    const settings = resolveSettings(ConfigSchema.parse({ providers: { oa: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9' } }, ports: [{ port: 0, use: 'router' }], usage: { enabled: false }, server: { clientApiKey: 'client-secret' } }), {});
    const gateway = new Gateway(settings, { logger: pino({ level: 'silent' }), healthProbes: { intervalMs: 0 }, stateDir, env: {}, ledgerPath: null });
    try {
      const [port] = await gateway.start();
      const headers = { authorization: `Bearer ${gateway.admin!.token.value}` };
      const res = await fetch(`${port.url}/api/usage/summary`, { headers });
      const message = await expectAnthropicError(res, 503, 'api_error');
      expect(message).toMatch(/usage recording is off: set "usage": \{"enabled": true\} in the config/);
      const stats = await fetch(`${port.url}/stats`, { headers });
      expect(stats.status).toBe(200);
      const body = await stats.json();
      expect(body.usage).toBeNull();
      expect(body.recording).toMatchObject({ enabled: false, message: expect.stringMatching(/usage recording is off/) });
      expect(body.providers[0]).toMatchObject({ id: 'oa', today: null });
    } finally {
      await gateway.stop();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});

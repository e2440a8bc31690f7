import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../config/resolve.js';
import type { ExecuteResult } from '../router/execute.js';
import { ConfigSchema } from '../config/schema.js';
import { parseJsonBody, validateMessagesRequest } from '../protocol/anthropic/validate.js';
import { UsageLedger } from './ledger/index.js';
import type { UsageRow } from './ledger/row.js';
import { usageRow } from './record.js';
import { UsageRecorder } from './recorder.js';

const row = (): UsageRow => ({ ts: 1, port: 1, requestedModel: 'm', attempts: 1, status: 200, stream: false });

describe('UsageRecorder', () => {
  it('is inactive with no ledger and no listeners, and while paused', () => {
    const r = new UsageRecorder();
    expect(r.active).toBe(false);
    const off = r.subscribe(() => {});
    expect(r.active).toBe(true);
    r.paused = true;
    expect(r.active).toBe(false);
    r.paused = false;
    off();
    expect(r.active).toBe(false);
  });

  it('sends each row to the ledger and every listener; a throwing listener does not stop the others', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recorder-'));
    const ledger = UsageLedger.open(join(dir, 'u.db'), { retentionDays: null });
    const r = new UsageRecorder(ledger);
    const seen: UsageRow[] = [];
    r.subscribe(() => {
      throw new Error('listener bug');
    });
    r.subscribe((x) => seen.push(x));
    const x = row();
    r.record(x, null);
    expect(seen).toEqual([x]);
    expect(ledger.pending).toBe(1);
    ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('recording on the request path', () => {
  it('building a row for a real Claude Code turn and recording it stays well within 0.02 ms of CPU', () => {
    const fixture = JSON.parse(readFileSync(new URL('../test/fixtures/claude-code-turn1.json', import.meta.url), 'utf8')) as Record<string, unknown>;
    const raw = Buffer.from(JSON.stringify({ ...fixture, model: 'claude-sonnet-5-5', stream: true }));
    const { value: body, byteStrings } = parseJsonBody(raw, true);
    const ctx = { body: validateMessagesRequest(body), raw, query: '', headers: {}, requestedModel: 'claude-sonnet-5-5', stream: true, messageId: 'msg_1', byteStrings };
    const settings = resolveSettings(ConfigSchema.parse({ providers: { oa: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:1/v1', models: { sonnet: 'up' }, modelInfo: { up: { price: { inputPerM: 1, outputPerM: 2 } } } } } }), {});
    const target = { provider: settings.providers.get('oa')!, model: 'up' };
    const result: ExecuteResult = { target, attempts: [{ provider: 'oa', model: 'up', status: 200 }], error: null, outcome: { usage: { input_tokens: 1200, output_tokens: 100, cache_read_input_tokens: 400, cache_creation_input_tokens: 0 } } };
    const dir = mkdtempSync(join(tmpdir(), 'recorder-cost-'));
    const ledger = UsageLedger.open(join(dir, 'u.db'), { retentionDays: null, batchSize: 1_000_000, maxPending: 1_000_000 });
    const recorder = new UsageRecorder(ledger);
    const once = () =>
      recorder.record(usageRow({ ctx, result, port: 8080, strategy: 'pinned', scenario: 'default', sessionId: 's', startedAt: 0, firstByteAt: 1, status: 200, errorType: null }), result);
    for (let i = 0; i < 500; i++) once(); // warm up
    const n = 5000;
    const runs = [0, 1, 2].map(() => {
      const t = process.cpuUsage();
      for (let i = 0; i < n; i++) once();
      const used = process.cpuUsage(t);
      return (used.user + used.system) / 1000 / n;
    });
    // The median run; the SQLite write happens later, in batches (measured by npm run bench).
    expect(runs.sort((a, b) => a - b)[1]).toBeLessThan(0.02);
    ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

// Gateway.stop() with requests in flight (the desktop app's Quit, Ctrl-C headless):
// a stream that finishes within the drain time ends cleanly; one still open after
// it ends with exactly one Anthropic `error` event; a request with no answer yet
// gets a 503 in Anthropic's error shape. Every one of them has its ledger row on
// disk once stop() has returned.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAnthropicSse } from '../anthropic-stream.js';
import { startGateway, type RunningGateway } from '../gateway.js';
import { anthropicStream, anthropicTextEvents, chunk, openaiStream, ScriptedUpstream, sse } from '../upstream.js';
import { expectAnthropicError, messagesBody, post, terminalError, waitFor } from './_helpers.js';

const HEAD = anthropicTextEvents('Hello').slice(0, 4); // message_start .. first text delta, no end

describe('Gateway.stop() with requests in flight', () => {
  let up: ScriptedUpstream;
  let gw: RunningGateway;
  let stateDir: string;

  beforeEach(async () => {
    up = await ScriptedUpstream.start();
    stateDir = mkdtempSync(join(tmpdir(), 'switchboard-shutdown-'));
    gw = await startGateway(
      {
        providers: {
          an: { type: 'anthropic-compatible', baseUrl: up.url, apiKey: 'sk-an-secret-1234' },
          oa: { type: 'openai-compatible', baseUrl: up.url, apiKey: 'sk-oa-secret-1234', models: { sonnet: 'up-model' } },
        },
      },
      {},
      { stateDir },
    );
  });
  afterEach(async () => {
    await up.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  /** The ledger as a fresh process would see it after the gateway stopped. */
  const rowsOnDisk = () => {
    const db = new Database(join(stateDir, 'usage.db'), { readonly: true });
    try {
      return db.prepare('SELECT provider, status, error_type, stream FROM requests ORDER BY id').all() as Array<{ provider: string; status: number; error_type: string | null; stream: number }>;
    } finally {
      db.close();
    }
  };

  it('lets a stream that finishes within the drain time end cleanly, and records it', async () => {
    up.next((_req, res) => sse(res, anthropicStream(anthropicTextEvents('slow but done')), { delayMs: 60 }));
    const res = await post(gw.url('an'), messagesBody({ stream: true }));
    const body = res.text();
    await waitFor(() => up.requests.length === 1, 2000, 'the upstream request');
    const started = Date.now();
    await gw.gateway.stop({ drainMs: 5000 });
    const events = parseAnthropicSse(await body);
    expect(events.map((e) => e.event).at(-1)).toBe('message_stop');
    expect(events.some((e) => e.event === 'error')).toBe(false);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(rowsOnDisk()).toEqual([{ provider: 'an', status: 200, error_type: null, stream: 1 }]);
  });

  it('ends a passthrough stream still open after the drain time with one Anthropic error event', async () => {
    up.next((_req, res) => sse(res, anthropicStream(HEAD), { end: false }));
    const res = await post(gw.url('an'), messagesBody({ stream: true }));
    expect(res.status).toBe(200);
    const body = res.text();
    await waitFor(() => up.requests.length === 1, 2000, 'the upstream request');
    const started = Date.now();
    await gw.gateway.stop({ drainMs: 200 });
    expect(Date.now() - started).toBeLessThan(3000);
    const events = parseAnthropicSse(await body);
    expect(events[0].event).toBe('message_start');
    const err = terminalError(events);
    expect(err.type).toBe('api_error');
    expect(err.message).toMatch(/^Switchboard stopped before this response was finished/);
    await waitFor(() => up.aborted === 1, 2000, 'the upstream call to be cut');
    expect(rowsOnDisk()).toEqual([{ provider: 'an', status: 503, error_type: 'api_error', stream: 1 }]);
  });

  it('does the same for a translated stream, and answers a request with no reply yet with a 503', async () => {
    up.next((_req, res) => sse(res, openaiStream([chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hel' })], false), { end: false }));
    up.next(() => {}); // never answers
    const streamed = await post(gw.url('oa'), messagesBody({ stream: true }));
    const streamBody = streamed.text();
    const pending = post(gw.url('an'), messagesBody());
    await waitFor(() => up.requests.length === 2, 2000, 'both upstream requests');
    await gw.gateway.stop({ drainMs: 200 });
    const err = terminalError(parseAnthropicSse(await streamBody));
    expect(err.message).toMatch(/^Switchboard stopped/);
    const message = await expectAnthropicError(await pending, 503, 'api_error');
    expect(message).toMatch(/^Switchboard stopped/);
    expect(rowsOnDisk().map((r) => [r.provider, r.status, r.stream]).sort()).toEqual([
      ['an', 503, 0],
      ['oa', 503, 1],
    ]);
  });
});

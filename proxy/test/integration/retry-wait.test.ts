// What happens while the attempt loop waits to retry the same target (router.retries):
// a client that leaves is recorded as gone (499), not as served; a gateway that stops
// answers with its shutdown 503, not with the upstream's error.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayEvent } from '../../events/bus.js';
import { startGateway, type RunningGateway } from '../gateway.js';
import { json, ScriptedUpstream } from '../upstream.js';
import { expectAnthropicError, messagesBody, post, waitFor } from './_helpers.js';

describe('the wait before a same-target retry', () => {
  let up: ScriptedUpstream;
  let gw: RunningGateway;
  let stateDir: string;
  let events: GatewayEvent[];

  beforeEach(async () => {
    up = await ScriptedUpstream.start();
    stateDir = mkdtempSync(join(tmpdir(), 'switchboard-retry-wait-'));
    gw = await startGateway({ providers: { oa: { type: 'openai-compatible', baseUrl: up.url, models: { sonnet: 'up-model' } } }, router: { retries: 1 } }, {}, { stateDir });
    events = [];
    gw.gateway.router.events.subscribe((e) => events.push(e));
    // A retryable failure that asks for 2 s: the loop sleeps that long before retrying.
    up.next((_req, res) => json(res, 503, { error: { message: 'busy' } }, { 'retry-after': '2' }));
  });
  afterEach(async () => {
    await gw.close().catch(() => {});
    await up.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const rowsOnDisk = () => {
    const db = new Database(join(stateDir, 'usage.db'), { readonly: true });
    try {
      return db.prepare('SELECT provider, status, attempts FROM requests ORDER BY id').all();
    } finally {
      db.close();
    }
  };

  it('a client that leaves is recorded as gone (499), and no route event says the provider served it', async () => {
    const abort = new AbortController();
    const res = post(gw.url('oa'), messagesBody(), { signal: abort.signal }).catch((e: unknown) => e);
    await waitFor(() => events.some((e) => e.type === 'retry'), 2000, 'the retry decision');
    abort.abort();
    await res;
    await gw.gateway.stop();
    expect(up.requests.length).toBe(1);
    expect(events.some((e) => e.type === 'route')).toBe(false);
    expect(rowsOnDisk()).toEqual([{ provider: 'oa', status: 499, attempts: 2 }]);
  });

  it('a gateway whose drain time runs out during the wait answers with its shutdown 503, not the upstream error', async () => {
    const res = post(gw.url('oa'), messagesBody());
    await waitFor(() => events.some((e) => e.type === 'retry'), 2000, 'the retry decision');
    const started = Date.now();
    await gw.gateway.stop({ drainMs: 100 });
    expect(Date.now() - started).toBeLessThan(1500);
    const message = await expectAnthropicError(await res, 503, 'api_error');
    expect(message).toMatch(/^Switchboard stopped/);
    expect(up.requests.length).toBe(1);
  });
});

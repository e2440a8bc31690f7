import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageLedger } from './ledger/index.js';
import type { UsageRow } from './ledger/row.js';
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

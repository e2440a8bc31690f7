import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultStateDir, StateFile } from './state-file.js';

function capturingLogger() {
  const lines: Array<{ msg: string }> = [];
  const log = pino({ level: 'warn' }, { write: (s: string) => lines.push(JSON.parse(s)) });
  return { log, lines };
}

describe('state file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-state-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lives in $XDG_STATE_HOME/switchboard, else ~/.local/state/switchboard', () => {
    expect(defaultStateDir({ XDG_STATE_HOME: '/x/state', HOME: '/home/u' })).toBe(join('/x/state', 'switchboard'));
    expect(defaultStateDir({ HOME: '/home/u' })).toBe(join('/home/u', '.local', 'state', 'switchboard'));
  });

  it('a missing file means no saved choices, silently', async () => {
    const { log, lines } = capturingLogger();
    expect(await new StateFile(join(dir, 'nested'), log).load()).toEqual({});
    expect(lines).toEqual([]);
  });

  it.each([
    ['not JSON', '{"strategy": "cost", "prio', /not valid JSON/],
    ['not an object', '["cost"]', /not a JSON object/],
    ['an unknown strategy', '{"strategy": "warp"}', /strategy is unknown/],
    ['a priority that is not a list', '{"priority": "a,b"}', /priority is not a list/],
  ])('%s means defaults with a warning, never a crash', async (_name, text, warning) => {
    writeFileSync(join(dir, 'state.json'), text);
    const { log, lines } = capturingLogger();
    expect(await new StateFile(dir, log).load()).toEqual({});
    expect(lines.map((l) => l.msg).join('\n')).toMatch(warning);
  });

  it('keeps the valid fields of a partly bad file', async () => {
    writeFileSync(join(dir, 'state.json'), JSON.stringify({ strategy: 'nope', priority: ['b', 'a'], priorityProviders: ['a', 'b'] }));
    expect(await new StateFile(dir, capturingLogger().log).load()).toEqual({ priority: ['b', 'a'], priorityProviders: ['a', 'b'] });
  });

  it('saves atomically, merges changes, keeps unknown keys, and leaves no temp files', async () => {
    writeFileSync(join(dir, 'state.json'), JSON.stringify({ future: { x: 1 }, strategy: 'cost' }));
    const file = new StateFile(dir, capturingLogger().log);
    await file.load();
    // Not awaited one by one: saves are queued in order.
    void file.save({ priority: ['a'] });
    void file.save({ strategy: 'performance' });
    await file.flush();
    expect(JSON.parse(readFileSync(file.path, 'utf8'))).toEqual({ future: { x: 1 }, strategy: 'performance', priority: ['a'], version: 1 });
    expect(readdirSync(dir)).toEqual(['state.json']);
    if (process.platform !== 'win32') expect(statSync(file.path).mode & 0o777).toBe(0o600);
    expect(await new StateFile(dir, capturingLogger().log).load()).toEqual({ strategy: 'performance', priority: ['a'] });
  });

  it('keeps saved budget changes; an invalid budgets entry is dropped with a warning', async () => {
    writeFileSync(join(dir, 'state.json'), JSON.stringify({ budgets: { hourlyUsd: null, dailyUsd: 20, action: 'block', downgradeTo: 'cheapest' } }));
    expect(await new StateFile(dir, capturingLogger().log).load()).toEqual({ budgets: { hourlyUsd: null, dailyUsd: 20, action: 'block', downgradeTo: 'cheapest' } });
    // The API's own limits: what PUT /api/budget would refuse is refused here too (5e6 is over its 1e6 cap).
    for (const bad of [{ hourlyUsd: -1 }, { hourlyUsd: 5e6 }, { action: 'stop' }, { downgradeTo: 'opus' }, [1], 'block']) {
      writeFileSync(join(dir, 'state.json'), JSON.stringify({ strategy: 'cost', budgets: bad }));
      const { log, lines } = capturingLogger();
      expect(await new StateFile(dir, log).load()).toEqual({ strategy: 'cost' });
      expect(lines.map((l) => l.msg)).toContain('saved budgets are not valid; ignoring them');
    }
  });

  it('round-trips scenario routes and thresholds; a bad entry is dropped with a warning', async () => {
    const file = new StateFile(dir, capturingLogger().log);
    await file.save({ scenarios: { think: ['b,b-think', 'a'], background: [] }, thresholds: { longContextThreshold: 100_000 } });
    await file.save({ thresholds: { longContextThreshold: 100_000, rateLimitThreshold: 0.1 } });
    expect(await new StateFile(dir, capturingLogger().log).load()).toEqual({
      scenarios: { think: ['b,b-think', 'a'], background: [] },
      thresholds: { longContextThreshold: 100_000, rateLimitThreshold: 0.1 },
    });
    for (const [field, bad, msg] of [
      ['scenarios', { thinking: ['a'] }, 'saved scenario routes are not valid; ignoring them'],
      ['scenarios', { think: 'a,b' }, 'saved scenario routes are not valid; ignoring them'],
      ['thresholds', { rateLimitThreshold: 2 }, 'saved router thresholds are not valid; ignoring them'],
      ['thresholds', { longContextThreshold: 0.5 }, 'saved router thresholds are not valid; ignoring them'],
      ['thresholds', { longContextThreshold: 1e9 }, 'saved router thresholds are not valid; ignoring them'],
    ] as const) {
      writeFileSync(join(dir, 'state.json'), JSON.stringify({ strategy: 'cost', [field]: bad }));
      const { log, lines } = capturingLogger();
      expect(await new StateFile(dir, log).load()).toEqual({ strategy: 'cost' });
      expect(lines.map((l) => l.msg)).toContain(msg);
    }
  });

  it('a failed save is logged, not thrown', async () => {
    writeFileSync(join(dir, 'blocker'), 'a file where the state dir should be');
    const { log, lines } = capturingLogger();
    const file = new StateFile(join(dir, 'blocker'), log);
    await expect(file.save({ strategy: 'cost' })).resolves.toBeUndefined();
    expect(lines.map((l) => l.msg)).toContain('cannot save routing state; the change holds until restart');
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { UsageRecorder } from '../usage/recorder.js';
import { BudgetTracker, type BudgetAlert } from './tracker.js';
import { DEFAULT_BUDGETS, type BudgetSettings } from './types.js';

// Local-clock timestamps, so the calendar windows are the same whatever the test machine's zone.
const at = (h: number, m = 0, day = 21) => new Date(2026, 10, day, h, m).getTime();

let t = at(14, 10);
const clock = { now: () => t };
let alerts: BudgetAlert[] = [];

function tracker(settings: Partial<BudgetSettings> = {}): BudgetTracker {
  return new BudgetTracker({ ...DEFAULT_BUDGETS, ...settings }, { clock, emit: (a) => alerts.push(a), cheapest: () => 'ollama,qwen3-coder' });
}
const summary = () => alerts.map((a) => `${a.window}@${a.threshold}`);

beforeEach(() => {
  t = at(14, 10);
  alerts = [];
});

describe('BudgetTracker alerts', () => {
  it('fires each threshold once per window, 80 % then 100 %, both when one cost crosses both', () => {
    const b = tracker({ hourlyUsd: 10, dailyUsd: 100 });
    b.add(7.9);
    expect(alerts).toEqual([]);
    b.add(0.2); // 8.1: 80 %
    expect(summary()).toEqual(['hour@0.8']);
    b.add(0.5);
    b.add(0.5);
    expect(summary()).toEqual(['hour@0.8']);
    b.add(1.0); // 10.1: 100 %
    b.add(3);
    expect(summary()).toEqual(['hour@0.8', 'hour@1']);
    const full = alerts[1];
    expect(full).toMatchObject({ type: 'budget', window: 'hour', threshold: 1, limitUsd: 10, action: 'alert', resetsAt: at(15), at: t });
    expect(full.spentUsd).toBeCloseTo(10.1, 9);
    expect(full.reason).toBe('hourly budget reached: $10.10 of $10.00 spent this hour; requests continue (alert only)');
    expect(alerts[0].reason).toBe('80 % of the hourly budget used: $8.10 of $10.00 spent this hour (resets at 15:00)');

    const c = tracker({ hourlyUsd: 1, dailyUsd: null });
    c.add(5);
    expect(summary().slice(2)).toEqual(['hour@0.8', 'hour@1']);
  });

  it('re-arms when a new hour starts; the day keeps counting', () => {
    const b = tracker({ hourlyUsd: 1, dailyUsd: 3 });
    b.add(1.2);
    expect(summary()).toEqual(['hour@0.8', 'hour@1']);
    t = at(15, 0); // the next hour
    b.add(0.5);
    expect(b.status().windows[0]).toMatchObject({ window: 'hour', spentUsd: 0.5, state: 'ok', startedAt: at(15), resetsAt: at(16) });
    b.add(0.4); // hour 0.9 → 80 % again; day 2.1 → none yet
    expect(summary()).toEqual(['hour@0.8', 'hour@1', 'hour@0.8']);
    b.add(0.35); // hour 1.25 → 100 %; day 2.45 → 80 %
    expect(summary()).toEqual(['hour@0.8', 'hour@1', 'hour@0.8', 'hour@1', 'day@0.8']);
    t = at(0, 5, 22); // next day: both windows start over
    b.add(2.5);
    expect(summary().slice(5)).toEqual(['hour@0.8', 'hour@1', 'day@0.8']);
    expect(b.status().windows[1]).toMatchObject({ window: 'day', spentUsd: 2.5, startedAt: at(0, 0, 22), resetsAt: at(0, 0, 23) });
  });

  it('says at 80 % what will happen at 100 %, and at 100 % what is being done and until when', () => {
    const b = tracker({ hourlyUsd: 10, action: 'block' });
    b.add(8);
    expect(alerts[0].reason).toBe('80 % of the hourly budget used: $8.00 of $10.00 spent this hour (resets at 15:00); at 100 % requests are blocked');
    expect(alerts[0].action).toBe('alert');
    b.add(2);
    expect(alerts[1]).toMatchObject({ threshold: 1, action: 'block' });
    expect(alerts[1].reason).toBe('hourly budget reached: $10.00 of $10.00 spent this hour; requests are blocked until it resets at 15:00 (in 50 min)');

    const d = tracker({ dailyUsd: 1, hourlyUsd: null, action: 'downgrade', downgradeTo: 'cheapest' });
    d.add(1);
    expect(alerts.at(-1)).toMatchObject({ window: 'day', threshold: 1, action: 'downgrade', downgradeTo: 'cheapest' });
    expect(alerts.at(-1)!.reason).toMatch(/^daily budget reached: \$1\.00 of \$1\.00 spent today; all requests go to the cheapest target, ollama,qwen3-coder until it resets at 00:00 \(in 9 h 50 min\)$/);
  });

  it('counts no spend for unknown prices and free models, but counts unpriced requests', () => {
    const b = tracker({ hourlyUsd: 1 });
    b.record({ costUsd: null, inputTokens: 1000, outputTokens: 10 });
    b.record({ costUsd: 0, inputTokens: 1000, outputTokens: 10 });
    b.record({ costUsd: null, inputTokens: null, outputTokens: null }); // a failed request: nothing to count
    b.record({ costUsd: 0.25, inputTokens: 1000, outputTokens: 10 });
    expect(b.status().windows[0]).toMatchObject({ spentUsd: 0.25, unpricedRequests: 1, percent: 25, state: 'ok' });
  });

  it('a disabled window never alerts but still shows its spend', () => {
    const b = tracker({ hourlyUsd: null, dailyUsd: null });
    b.add(500);
    expect(alerts).toEqual([]);
    expect(b.active).toBe(false);
    expect(b.status().windows.map((w) => [w.window, w.state, w.percent, w.spentUsd])).toEqual([
      ['hour', 'off', null, 500],
      ['day', 'off', null, 500],
    ]);
  });
});

describe('BudgetTracker actions', () => {
  it('enforces only at 100 % and only with block or downgrade', () => {
    const alertOnly = tracker({ hourlyUsd: 1 });
    alertOnly.add(2);
    expect(alertOnly.enforcing).toBe(false);
    expect(alertOnly.decide()).toEqual({ kind: 'pass' });

    const b = tracker({ hourlyUsd: 1, action: 'block' });
    b.add(0.99);
    expect(b.enforcing).toBe(false);
    b.add(0.01);
    expect(b.enforcing).toBe(true);
    const d = b.decide();
    expect(d.kind).toBe('block');
    if (d.kind !== 'block') return;
    expect(d.error.status).toBe(402);
    expect(d.error.type).toBe('billing_error');
    expect(d.error.retryable).toBe(false);
    expect(d.error.message).toBe(
      'Switchboard hourly budget used up: $1.00 spent of $1.00 this hour, so requests are blocked until it resets at 15:00 (in 50 min). ' +
        'To change it, set budgets.hourlyUsd (or $HOURLY_COST_ALERT_THRESHOLD) in the Switchboard config, or use the admin API: PUT /api/budget on the router port with {"hourlyUsd": <USD>} or {"action": "alert"}.',
    );
    expect(b.status().inForce).toBe('block');
  });

  it('lifts the action when the window resets, without waiting for a new cost', () => {
    const b = tracker({ hourlyUsd: 1, action: 'downgrade' });
    b.add(1.5);
    expect(b.decide()).toEqual({ kind: 'downgrade', to: 'haiku', window: 'hour', reason: 'hourly budget reached' });
    t = at(14, 59, 21) + 59_999;
    expect(b.decide().kind).toBe('downgrade');
    t = at(15);
    expect(b.decide()).toEqual({ kind: 'pass' });
    expect(b.enforcing).toBe(false);
  });

  it('names the window that resets last when both are used up', () => {
    const b = tracker({ hourlyUsd: 1, dailyUsd: 2, action: 'block' });
    b.add(2);
    const d = b.decide();
    expect(d.kind === 'block' && d.error.message).toMatch(/^Switchboard daily budget used up: \$2\.00 spent of \$2\.00 today, .* resets at 00:00 \(in 9 h 50 min\)\. To change it, set budgets\.dailyUsd \(or \$DAILY_COST_ALERT_THRESHOLD\)/);
  });

  it('runtime changes re-arm thresholds above the spend, alert for ones already reached, and are reported', () => {
    const changes: unknown[] = [];
    const b = tracker({ hourlyUsd: 10, action: 'block' });
    b.onChange = (c) => changes.push(c);
    b.add(9); // 80 %
    b.configure({ hourlyUsd: 20 }); // now 45 %: the 80 % alert is re-armed
    expect(summary()).toEqual(['hour@0.8']);
    b.add(7); // 16 of 20: 80 % again
    expect(summary()).toEqual(['hour@0.8', 'hour@0.8']);
    b.configure({ hourlyUsd: 12 }); // 16 of 12: 100 % reached by the change
    expect(summary()).toEqual(['hour@0.8', 'hour@0.8', 'hour@1']);
    expect(alerts.at(-1)!.reason).toContain('(after a budget change)');
    expect(b.enforcing).toBe(true);
    b.configure({ action: 'alert' });
    expect(b.enforcing).toBe(false);
    b.configure({ hourlyUsd: 0 }); // 0 turns it off
    expect(b.settings.hourlyUsd).toBeNull();
    expect(changes).toEqual([{ hourlyUsd: 20 }, { hourlyUsd: 12 }, { action: 'alert' }, { hourlyUsd: 0 }]);
  });

  it('seeds spend so far and alerts once for thresholds already crossed', () => {
    const b = tracker({ hourlyUsd: 10, dailyUsd: 50, action: 'block' });
    const asked: number[] = [];
    b.seed((from) => {
      asked.push(from);
      return from === at(14) ? { spentUsd: 8.5, unpriced: 2 } : { spentUsd: 51, unpriced: 3 };
    });
    expect(asked).toEqual([at(14), at(0)]);
    expect(summary()).toEqual(['hour@0.8', 'day@0.8', 'day@1']);
    expect(alerts[0].reason).toContain('(counted from the usage ledger at start)');
    expect(b.enforcing).toBe(true);
    expect(b.status().windows.map((w) => w.unpricedRequests)).toEqual([2, 3]);
    b.add(0.1);
    expect(alerts).toHaveLength(3);
  });
});

describe('BudgetTracker and the usage recorder', () => {
  it('subscribes only while a window has a limit, so a gateway with everything off builds no rows', () => {
    const rec = new UsageRecorder();
    const b = tracker({ hourlyUsd: null, dailyUsd: null });
    b.attach(rec);
    expect(rec.active).toBe(false);
    b.configure({ dailyUsd: 5 });
    expect(rec.active).toBe(true);
    rec.record({ ts: t, port: 1, requestedModel: 'm', attempts: 1, status: 200, stream: false, costUsd: 4.5, inputTokens: 1, outputTokens: 1 }, null);
    expect(summary()).toEqual(['day@0.8']);
    b.configure({ dailyUsd: null });
    expect(rec.active).toBe(false);
  });
});

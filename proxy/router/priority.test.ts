import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../config/resolve.js';
import { priorityProblem, reconcilePriority } from './priority.js';
import { RouterRuntime, type RoutingChange } from './runtime.js';

describe('priority order', () => {
  it('accepts enabled providers, each once, and names the first bad entry', () => {
    expect(priorityProblem(['b', 'a'], ['a', 'b', 'c'])).toBeNull();
    expect(priorityProblem(['c'], ['a', 'b', 'c'])).toBeNull();
    expect(priorityProblem([], ['a'])).toBe('priority: needs at least one provider');
    expect(priorityProblem(['a', 'x'], ['a', 'b'])).toBe('priority[1]: unknown provider "x" (enabled providers: a, b)');
    expect(priorityProblem(['a', 'b', 'a'], ['a', 'b'])).toBe('priority[2]: "a" is listed twice');
  });

  it('a saved order drops providers no longer enabled and appends ones enabled since', () => {
    const enabled = new Set(['a', 'b', 'c']);
    expect(reconcilePriority(['b', 'gone', 'a'], ['a', 'b', 'gone'], enabled, ['a', 'b', 'c'])).toEqual(['b', 'a', 'c']);
    // Left out on purpose when saved (it was enabled then): stays out.
    expect(reconcilePriority(['b'], ['a', 'b', 'c'], enabled, ['a', 'b', 'c'])).toEqual(['b']);
    expect(reconcilePriority(['gone'], ['gone'], new Set(), [])).toBeNull();
  });
});

describe('RouterRuntime priority and status', () => {
  const settings = () =>
    resolveSettings(
      {
        providers: { a: { type: 'openai-compatible', baseUrl: 'http://a.test' }, b: { type: 'openai-compatible', baseUrl: 'http://b.test' }, c: { type: 'openai-compatible', baseUrl: 'http://c.test' } },
        ports: [{ port: 8080, use: 'router' }, { port: 8101, use: 'a' }],
        router: { order: ['a', 'b'] },
      },
      {},
    );

  it('starts from router.order, validates changes, and reports them once', () => {
    const rt = new RouterRuntime(settings());
    const changes: RoutingChange[] = [];
    rt.onRoutingChange = (c) => changes.push(c);
    expect(rt.priority).toEqual(['a', 'b']);
    expect(() => rt.setPriority(['a', 'zz'])).toThrow(/priority\[1\]: unknown provider "zz"/);
    rt.setPriority(['a', 'b']); // unchanged
    rt.setPriority(['c', 'a']);
    rt.setStrategy('cost');
    expect(rt.priority).toEqual(['c', 'a']);
    expect(changes).toEqual([{ priority: ['c', 'a'] }, { strategy: 'cost' }]);
    expect(rt.events.recent().map((e) => e.type)).toEqual(['priority', 'strategy']);
  });

  it('status() lists every enabled provider with its ports and place in the order', () => {
    const rt = new RouterRuntime(settings());
    rt.recordSuccess('a', 200, {}, 120, 40, null);
    const ports = [{ port: 8080, use: 'router' }, { port: 8101, use: 'a' }];
    const status = rt.status(ports);
    expect(status.map((s) => [s.id, s.priorityIndex, s.ports.map((p) => p.port)])).toEqual([
      ['a', 0, [8080, 8101]],
      ['b', 1, [8080]],
      ['c', null, []],
    ]);
    expect(status[0]).toMatchObject({ health: 'healthy', circuit: 'closed', successRate: 1, samples: 1, latency: { p50Ms: 120, p99Ms: 120, ttftEwmaMs: 40 } });
    expect(status[1]).toMatchObject({ health: 'unknown', successRate: null, limits: [], probe: null });
    rt.recordProbe('c', { ok: false, latencyMs: 5, error: 'connection refused' });
    expect(rt.status(ports)[2]).toMatchObject({ health: 'degraded', probe: { ok: false, error: 'connection refused', at: expect.any(Number) } });
  });
});

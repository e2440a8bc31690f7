import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../config/resolve.js';
import { ConfigSchema, type ConfigFile } from '../config/schema.js';
import { RouterRuntime } from './runtime.js';

const settings = (providers: string[]) =>
  resolveSettings(ConfigSchema.parse({ providers: Object.fromEntries(providers.map((id) => [id, { type: 'openai-compatible', baseUrl: `http://127.0.0.1:1/${id}` }])) } satisfies ConfigFile), {});

describe('RouterRuntime.updateSettings (providers changed while running)', () => {
  it('keeps the user order, drops removed providers, appends new ones, and saves nothing', () => {
    const rt = new RouterRuntime(settings(['a', 'b']));
    rt.setPriority(['b', 'a']);
    const saved: unknown[] = [];
    rt.onRoutingChange = (c) => saved.push(c);
    rt.recordFailure('a', { kind: 'connect', status: 0 });
    rt.recordFailure('b', { kind: 'connect', status: 0 });

    rt.updateSettings(settings(['a', 'b', 'c']), ['c'], 'provider c added');
    expect(rt.priority).toEqual(['b', 'a', 'c']);
    expect(rt.events.recent().at(-1)).toMatchObject({ type: 'priority', priority: ['b', 'a', 'c'], reason: 'provider c added' });

    rt.updateSettings(settings(['b', 'c']), ['a'], 'provider a removed');
    expect(rt.priority).toEqual(['b', 'c']);
    // An unchanged provider keeps what the router learned; a changed one starts clean.
    expect(rt.runtime('b').breaker.snapshot().consecutiveFailures).toBe(1);
    rt.updateSettings(settings(['b', 'c']), ['b'], 'provider b changed');
    expect(rt.runtime('b').breaker.snapshot().consecutiveFailures).toBe(0);
    expect(saved).toEqual([]);
    // The new settings are the ones checked against.
    expect(() => rt.setPriority(['a'])).toThrow('priority[0]: unknown provider "a" (enabled providers: b, c)');
  });
});

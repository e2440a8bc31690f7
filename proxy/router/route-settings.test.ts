import { describe, expect, it } from 'vitest';
import { resolveSettings, type Settings } from '../config/resolve.js';
import { ConfigSchema, type ConfigFile } from '../config/schema.js';
import { describeRouteChange, effectiveRoutes, emptyOverrides } from './route-settings.js';
import { RouterRuntime, type RoutingChange } from './runtime.js';

const settings = (providers: string[], router: ConfigFile['router'] = {}): Settings =>
  resolveSettings(ConfigSchema.parse({ providers: Object.fromEntries(providers.map((id) => [id, { type: 'openai-compatible', baseUrl: `http://127.0.0.1:1/${id}` }])), router } satisfies ConfigFile), {});

describe('effective scenario routes and thresholds', () => {
  it('the config file, with the defaults, when nothing was changed', () => {
    const r = effectiveRoutes(settings(['a', 'b'], { scenarios: { think: 'b,b-think' } }), emptyOverrides());
    expect(r).toEqual({ scenarios: { think: [{ provider: 'b', model: 'b-think' }] }, thresholds: { rateLimitThreshold: 0.2, longContextThreshold: 60_000 } });
    expect(Object.isFrozen(r.scenarios.think![0])).toBe(true); // shared with requests in flight: never mutated
  });

  it('overrides win per scenario and per threshold; [] removes a route; gone providers drop out', () => {
    const s = settings(['a', 'b'], { scenarios: { think: 'b,b-think', background: 'a,a-small' }, rateLimitThreshold: 0.3 });
    const r = effectiveRoutes(s, { scenarios: { think: [], image: [{ provider: 'gone', model: 'x' }, { provider: 'a' }] }, thresholds: { longContextThreshold: 5_000 } });
    expect(r.scenarios).toEqual({ background: [{ provider: 'a', model: 'a-small' }], image: [{ provider: 'a' }] });
    expect(r.thresholds).toEqual({ rateLimitThreshold: 0.3, longContextThreshold: 5_000 });
  });

  it('words a change in plain words and names its fields', () => {
    const s = settings(['a', 'b'], { scenarios: { think: 'b,b-think' } });
    const before = effectiveRoutes(s, emptyOverrides());
    const after = effectiveRoutes(s, { scenarios: { think: [], background: [{ provider: 'a', model: 'a-small' }, { provider: 'b' }] }, thresholds: { rateLimitThreshold: 0.1, longContextThreshold: 100_000 } });
    expect(describeRouteChange(before, after)).toEqual({
      fields: ['scenarios.background', 'scenarios.think', 'thresholds.rateLimitThreshold', 'thresholds.longContextThreshold'],
      parts: ['background → a,a-small, then b', 'think scenario route removed (the strategy decides)', 'rate-limit threshold 20 % → 10 % of the limit remaining', 'long-context threshold 60,000 → 100,000 tokens'],
    });
    expect(describeRouteChange(before, effectiveRoutes(s, emptyOverrides()))).toEqual({ fields: [], parts: [] });
  });
});

describe('RouterRuntime.setRoutes', () => {
  it('swaps the routes object, emits one routing event, and hands every override to the saver', () => {
    const rt = new RouterRuntime(settings(['a', 'b']));
    const saved: RoutingChange[] = [];
    rt.onRoutingChange = (c) => saved.push(c);
    const before = rt.routes;
    rt.setRoutes({ scenarios: { think: [{ provider: 'b', model: 'b-think' }] } }, 'changed through the admin API');
    expect(rt.routes).not.toBe(before);
    expect(before.scenarios).toEqual({}); // a request holding the old object keeps a consistent view
    rt.setRoutes({ thresholds: { longContextThreshold: 1_000 } });
    expect(rt.routes).toEqual({ scenarios: { think: [{ provider: 'b', model: 'b-think' }] }, thresholds: { rateLimitThreshold: 0.2, longContextThreshold: 1_000 } });
    expect(rt.events.recent().map((e) => [e.type, e.reason])).toEqual([
      ['routing', 'think → b,b-think (changed through the admin API)'],
      ['routing', 'long-context threshold 60,000 → 1,000 tokens (changed by the user)'],
    ]);
    expect(saved).toEqual([
      { scenarios: { think: ['b,b-think'] }, thresholds: {} },
      { scenarios: { think: ['b,b-think'] }, thresholds: { longContextThreshold: 1_000 } },
    ]);
    // The same values again: no event, nothing saved.
    rt.setRoutes({ thresholds: { longContextThreshold: 1_000 } });
    expect(saved).toHaveLength(2);
  });

  it('the rate-limit threshold decides when a provider counts as low on headroom', () => {
    const rt = new RouterRuntime(settings(['a']));
    rt.recordSuccess('a', 200, { 'x-ratelimit-limit-requests': '100', 'x-ratelimit-remaining-requests': '15' }, 100, 50, null);
    expect(rt.snapshot('a').rateLimit.low).toBe(true); // 15 % left, below the default 20 %
    rt.setRoutes({ thresholds: { rateLimitThreshold: 0.1 } });
    expect(rt.snapshot('a').rateLimit.low).toBe(false);
  });

  it('providers changing while running keep the user\'s routes over the config\'s', () => {
    const rt = new RouterRuntime(settings(['a', 'b'], { scenarios: { background: 'a,a-small' } }));
    rt.setRoutes({ scenarios: { think: [{ provider: 'b' }] } });
    rt.updateSettings(settings(['a', 'b', 'c'], { scenarios: { background: 'c,c-small' } }), ['c']);
    expect(rt.routes.scenarios).toEqual({ background: [{ provider: 'c', model: 'c-small' }], think: [{ provider: 'b' }] });
    rt.updateSettings(settings(['a', 'c']), ['b']);
    expect(rt.routes.scenarios).toEqual({}); // b is gone, and the config has no routes now
  });
});

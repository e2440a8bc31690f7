import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../config/resolve.js';
import { ConfigSchema, type ConfigFile } from '../../config/schema.js';
import { RouterRuntime } from '../../router/runtime.js';
import { applyRouting, parseBody, routing, RoutingBody } from './routing.js';
import { restoredRoutes } from './setup.js';

const settings = (providers: string[], router: ConfigFile['router'] = {}) =>
  resolveSettings(ConfigSchema.parse({ providers: Object.fromEntries(providers.map((id) => [id, { type: 'openai-compatible', baseUrl: `http://127.0.0.1:1/${id}` }])), router } satisfies ConfigFile), {});
const body = (v: unknown) => Buffer.from(JSON.stringify(v));

describe('PUT /api/routing: scenarios and thresholds', () => {
  it('GET shape: every routed scenario, targets as strings, and both thresholds', () => {
    const rt = new RouterRuntime(settings(['a', 'b'], { scenarios: { think: ['b,b-think', 'a'] }, order: ['a', 'b'] }));
    expect(routing(rt)).toEqual({
      strategy: 'intelligent',
      priority: ['a', 'b'],
      scenarios: { background: [], think: ['b,b-think', 'a'], longContext: [], webSearch: [], image: [] },
      thresholds: { rateLimitThreshold: 0.2, longContextThreshold: 60_000 },
    });
  });

  it('applies a valid change: targets in order, [] removes, thresholds', () => {
    const rt = new RouterRuntime(settings(['a', 'b'], { scenarios: { think: 'b,b-think' } }));
    applyRouting(rt, ['a', 'b'], parseBody(RoutingBody, body({ scenarios: { think: [], background: ['b,b-small', 'a'] }, thresholds: { rateLimitThreshold: 0.05, longContextThreshold: 120_000 } })));
    expect(routing(rt).scenarios).toMatchObject({ think: [], background: ['b,b-small', 'a'] });
    expect(rt.routes.thresholds).toEqual({ rateLimitThreshold: 0.05, longContextThreshold: 120_000 });
    expect(rt.events.recent().at(-1)?.reason).toBe(
      'background → b,b-small, then a; think scenario route removed (the strategy decides); rate-limit threshold 20 % → 5 % of the limit remaining; long-context threshold 60,000 → 120,000 tokens (changed through the admin API)',
    );
  });

  it.each([
    [{ scenarios: { thinking: ['a'] } }, 'scenarios: unknown field "thinking"'],
    [{ scenarios: { think: 'a,x' } }, 'scenarios.think: must be a list of "provider" or "provider,model" strings ([] removes the route)'],
    [{ scenarios: { think: ['a,x', 'nope,m'] } }, 'scenarios.think[1]: provider "nope" is not enabled (enabled providers: a, b)'],
    [{ scenarios: { image: ['a,'] } }, 'scenarios.image[0]: "a," is not "provider" or "provider,model"'],
    [{ scenarios: { image: ['a', 'b', ' a'] } }, 'scenarios.image[2]: "a" is listed twice'],
    [{ thresholds: { rateLimitThreshold: 1.5 } }, 'thresholds.rateLimitThreshold: must be a number from 0 to 1 (0.2 means: avoid a provider below 20 % of its limit left)'],
    [{ thresholds: { rateLimitThreshold: '0.1' } }, 'thresholds.rateLimitThreshold: must be a number from 0 to 1'],
    [{ thresholds: { longContextThreshold: 0 } }, 'thresholds.longContextThreshold: must be at least 1 token'],
    [{ thresholds: { longContextThreshold: 1000.5 } }, 'thresholds.longContextThreshold: must be a whole number of tokens'],
    [{ thresholds: { tokens: 1 } }, 'thresholds: unknown field "tokens"'],
  ])('refuses %j with a 400 naming the field, and changes nothing', (change, message) => {
    const rt = new RouterRuntime(settings(['a', 'b']));
    const before = rt.routes;
    let err: unknown;
    try {
      applyRouting(rt, ['a', 'b'], parseBody(RoutingBody, body({ strategy: 'cost', ...change })));
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ status: 400, message });
    expect(rt.routes).toBe(before);
    expect(rt.strategy).toBe('intelligent'); // the valid strategy in the same body was not applied either
  });
});

describe('restoring saved routes at start', () => {
  it('drops targets of providers no longer enabled; a scenario left with none follows the config again', () => {
    const warnings: string[] = [];
    const change = restoredRoutes(
      { scenarios: { think: ['gone,x', 'a'], background: ['gone'], image: [] }, thresholds: { longContextThreshold: 9_000 } },
      new Set(['a', 'b']),
      (m) => warnings.push(m),
    );
    expect(change).toEqual({ scenarios: { think: [{ provider: 'a' }], image: [] }, thresholds: { longContextThreshold: 9_000 } });
    expect(warnings).toEqual(['saved background scenario target "gone" is not an enabled provider now; leaving it out', 'saved think scenario target "gone,x" is not an enabled provider now; leaving it out']);
    expect(restoredRoutes({ strategy: 'cost' }, new Set(['a']), () => undefined)).toBeNull();
  });
});

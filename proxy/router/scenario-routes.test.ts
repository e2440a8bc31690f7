import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/errors.js';
import { parseConfig } from '../config/load.js';
import { resolveSettings, type Settings } from '../config/resolve.js';
import { ConfigSchema, type ConfigFile } from '../config/schema.js';
import type { Target } from '../dialects/types.js';
import { applyScenarioRoute, resolveScenarioRoutes, ROUTED_SCENARIOS, scenarioReason, type ScenarioRoutes } from './scenario-routes.js';

function settingsFor(router: ConfigFile['router'] = {}): Settings {
  return resolveSettings(
    ConfigSchema.parse({
      providers: {
        a: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9001/v1' },
        b: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9002/v1' },
        c: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9003/v1' },
        off: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9004/v1', enabled: false },
      },
      ports: [{ port: 0, use: 'router' }],
      router,
    }),
    {},
  );
}

const show = (ts: Target[]) => ts.map((t) => `${t.provider.id},${t.model}`);

describe('applyScenarioRoute', () => {
  const s = settingsFor();
  const ordered: Target[] = ['c', 'a', 'b'].map((id) => ({ provider: s.providers.get(id)!, model: `${id}-sonnet` }));

  it.each(ROUTED_SCENARIOS)('%s: the mapped target first with its explicit model, then the strategy order', (scenario) => {
    const routes: ScenarioRoutes = { [scenario]: [{ provider: 'b', model: `b-${scenario}` }] };
    const plan = applyScenarioRoute(routes, s.providers, scenario, ordered, 'claude-sonnet-5-5');
    expect(show(plan.targets)).toEqual([`b,b-${scenario}`, 'c,c-sonnet', 'a,a-sonnet', 'b,b-sonnet']);
    expect(plan.mapped).toBe(1);
  });

  it('leaves the plan alone for the default scenario and for unmapped scenarios', () => {
    const routes: ScenarioRoutes = { think: [{ provider: 'b', model: 'b-think' }] };
    for (const scenario of ['default', 'background', 'image'] as const) {
      const plan = applyScenarioRoute(routes, s.providers, scenario, ordered, 'claude-sonnet-5-5');
      expect(show(plan.targets)).toEqual(['c,c-sonnet', 'a,a-sonnet', 'b,b-sonnet']);
      expect(plan.mapped).toBe(0);
    }
  });

  it('arrays keep config order; exact duplicates are skipped, another model on a mapped provider stays', () => {
    const routes: ScenarioRoutes = {
      longContext: [
        { provider: 'a', model: 'a-sonnet' },
        { provider: 'c', model: 'c-1m' },
        { provider: 'a', model: 'a-sonnet' },
      ],
    };
    const plan = applyScenarioRoute(routes, s.providers, 'longContext', ordered, 'claude-sonnet-5-5');
    expect(show(plan.targets)).toEqual(['a,a-sonnet', 'c,c-1m', 'c,c-sonnet', 'b,b-sonnet']);
    expect(plan.mapped).toBe(2);
  });

  it('skips a mapped provider that is no longer enabled', () => {
    const routes: ScenarioRoutes = { think: [{ provider: 'gone', model: 'x' }, { provider: 'a', model: 'a-think' }] };
    const plan = applyScenarioRoute(routes, s.providers, 'think', ordered, 'claude-sonnet-5-5');
    expect(show(plan.targets)).toEqual(['a,a-think', 'c,c-sonnet', 'a,a-sonnet', 'b,b-sonnet']);
    expect(plan.mapped).toBe(1);
  });

  it('a bare provider target takes that provider\'s own model for the request (its tier mapping)', () => {
    const mapped = settingsFor();
    const withTiers = { ...mapped.providers.get('b')!, tiers: { haiku: 'b-mini', sonnet: 'b-sonnet' } };
    const providers = new Map(mapped.providers).set('b', withTiers);
    const plan = applyScenarioRoute({ background: [{ provider: 'b' }] }, providers, 'background', ordered, 'claude-haiku-5-5');
    expect(show(plan.targets).slice(0, 2)).toEqual(['b,b-mini', 'c,c-sonnet']);
    expect(plan.mapped).toBe(1);
  });

  it('words the route reason', () => {
    expect(scenarioReason('think', { provider: s.providers.get('b')!, model: 'deepseek-v4-pro' })).toBe('think → b,deepseek-v4-pro (scenario route)');
  });
});

describe('router.scenarios in the config', () => {
  it('resolves strings and arrays into targets, in config order', () => {
    const s = settingsFor({ scenarios: { think: 'b,b-think', background: ['c,c-small', 'a, a-mini', 'b'], image: 'a,vendor/vision:latest' } });
    expect(s.scenarioRoutes).toEqual({
      background: [
        { provider: 'c', model: 'c-small' },
        { provider: 'a', model: 'a-mini' },
        { provider: 'b' },
      ],
      think: [{ provider: 'b', model: 'b-think' }],
      image: [{ provider: 'a', model: 'vendor/vision:latest' }],
    });
    expect(settingsFor().scenarioRoutes).toEqual({});
  });

  it.each<[string, NonNullable<ConfigFile['router']>['scenarios'], string]>([
    ['an unknown provider', { think: 'nope,m' }, 'router.scenarios.think: provider "nope" is not a configured provider (enabled: a, b, c)'],
    ['a disabled provider in an array', { think: ['a,x', 'off,y'] }, 'router.scenarios.think[1]: provider "off" is disabled or has no API key'],
    ['no model', { webSearch: 'a,' }, 'router.scenarios.webSearch: "a," is not "provider" or "provider,model"'],
    ['a name with a space', { longContext: ['a,x', 'b,y', 'just a model'] }, 'router.scenarios.longContext[2]: "just a model" is not "provider" or "provider,model"'],
    ['a model name alone', { longContext: ['a,x', 'gpt-5'] }, 'router.scenarios.longContext[1]: provider "gpt-5" is not a configured provider'],
  ])('names the field for %s', (_what, scenarios, message) => {
    expect(() => settingsFor({ scenarios })).toThrow(ConfigError);
    expect(() => settingsFor({ scenarios })).toThrow(message);
  });

  it('rejects unknown scenarios, empty arrays and bad thresholds at parse time', () => {
    expect(ConfigSchema.safeParse({ router: { scenarios: { thinking: 'a,b' } } }).success).toBe(false);
    expect(ConfigSchema.safeParse({ router: { scenarios: { think: [] } } }).success).toBe(false);
    expect(ConfigSchema.safeParse({ router: { longContextThreshold: 0 } }).success).toBe(false);
    expect(ConfigSchema.safeParse({ router: { longContextThreshold: 1000 } }).success).toBe(true);
  });

  it('reads the threshold and the probe interval, with their defaults', () => {
    expect(settingsFor()).toMatchObject({ longContextThreshold: 60_000, healthCheckIntervalS: 30 });
    expect(settingsFor({ longContextThreshold: 100_000, healthCheckIntervalS: 0 })).toMatchObject({ longContextThreshold: 100_000, healthCheckIntervalS: 0 });
    expect(() => resolveScenarioRoutes({ image: 'x,y' }, new Map(), undefined)).toThrow('router.scenarios.image: provider "x" is not a configured provider (enabled: none)');
  });

  it('router.healthCheckIntervalS is 0 or at least 5, and errors name the field', () => {
    const err = (v: unknown) => () => parseConfig(JSON.stringify({ router: { healthCheckIntervalS: v } }), 'test.json');
    expect(err(3)).toThrow('test.json is not a valid Switchboard config: router.healthCheckIntervalS: must be 0 (probes off) or at least 5 seconds');
    expect(err(-1)).toThrow(/router\.healthCheckIntervalS: /);
    expect(err(7.5)).toThrow(/router\.healthCheckIntervalS: /);
    for (const ok of [0, 5, 30]) expect(err(ok)).not.toThrow();
    expect(() => parseConfig('{"router":{"scenarios":{"think":7}}}', 'test.json')).toThrow(/router\.scenarios\.think: /);
  });
});

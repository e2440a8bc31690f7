import { describe, expect, it } from 'vitest';
import { actionPhrase, formatUsd, limitingWindow, reachedThresholds, windowState } from './policy.js';

describe('budget rules', () => {
  it('states and thresholds: 80 % warns, 100 % is exceeded, no limit is off', () => {
    expect(windowState(7.99, 10)).toBe('ok');
    expect(windowState(8, 10)).toBe('warning');
    expect(windowState(10, 10)).toBe('exceeded');
    expect(windowState(1e9, null)).toBe('off');
    expect(reachedThresholds(7.99, 10)).toEqual([]);
    expect(reachedThresholds(8, 10)).toEqual([0.8]);
    expect(reachedThresholds(12, 10)).toEqual([0.8, 1]);
    expect(reachedThresholds(12, null)).toEqual([]);
  });

  it('the limiting window is the exceeded one that resets last', () => {
    const hour = { kind: 'hour' as const, limitUsd: 1, spentUsd: 2, end: 100 };
    const day = { kind: 'day' as const, limitUsd: 5, spentUsd: 2, end: 1000 };
    expect(limitingWindow([hour, day])).toBe(hour);
    expect(limitingWindow([hour, { ...day, spentUsd: 5 }])?.kind).toBe('day');
    expect(limitingWindow([{ ...hour, spentUsd: 0.5 }, day])).toBeNull();
  });

  it('words', () => {
    expect(formatUsd(12.345)).toBe('$12.35');
    expect(formatUsd(0.0123)).toBe('$0.0123');
    expect(actionPhrase('block', 'haiku', null)).toBe('requests are blocked');
    expect(actionPhrase('downgrade', 'haiku', null)).toBe('opus- and sonnet-tier requests are sent as haiku-tier requests');
    expect(actionPhrase('downgrade', 'cheapest', 'ollama,qwen3-coder')).toBe('all requests go to the cheapest target, ollama,qwen3-coder');
    expect(actionPhrase('downgrade', 'cheapest', null)).toMatch(/^no target has a known price/);
  });
});

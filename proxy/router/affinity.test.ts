import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MessagesRequest } from '../protocol/anthropic/types.js';
import { applyAffinity, DEFAULT_AFFINITY, SessionAffinity, sessionIdOf } from './affinity.js';
import type { Clock } from './state.js';
import { cand, facts, ids, NOW } from '../test/router-candidates.js';

class FakeClock implements Clock {
  constructor(public t = NOW) {}
  now(): number {
    return this.t;
  }
}

describe('SessionAffinity', () => {
  it('defaults: 1 h, 10 000 sessions', () => {
    expect(DEFAULT_AFFINITY).toEqual({ ttlMs: 3_600_000, maxSessions: 10_000 });
  });

  it('remembers until the TTL after the last set; get does not extend it', () => {
    const clock = new FakeClock();
    const a = new SessionAffinity(clock, { ttlMs: 1_000 });
    expect(a.get('s')).toBeNull();
    a.set('s', 'vertex');
    clock.t += 999;
    expect(a.get('s')).toBe('vertex');
    clock.t += 1; // exactly ttl after the set
    expect(a.get('s')).toBeNull();
    expect(a.size).toBe(0); // expired entries are dropped when seen
  });

  it('set restarts the TTL and can move a session to another provider', () => {
    const clock = new FakeClock();
    const a = new SessionAffinity(clock, { ttlMs: 1_000 });
    a.set('s', 'vertex');
    clock.t += 800;
    a.set('s', 'openrouter');
    clock.t += 800;
    expect(a.get('s')).toBe('openrouter');
  });

  it('forgets the least recently used beyond maxSessions (get counts as use)', () => {
    const a = new SessionAffinity(new FakeClock(), { maxSessions: 3 });
    a.set('a', 'p');
    a.set('b', 'p');
    a.set('c', 'p');
    a.get('a');
    a.set('d', 'p');
    expect(a.size).toBe(3);
    expect(['a', 'b', 'c', 'd'].map((s) => a.get(s))).toEqual(['p', null, 'p', 'p']);
  });

  it('forget(provider) drops only that provider’s sessions', () => {
    const a = new SessionAffinity(new FakeClock());
    a.set('s1', 'vertex');
    a.set('s2', 'github');
    a.set('s3', 'vertex');
    a.forget('vertex');
    expect([a.get('s1'), a.get('s2'), a.get('s3')]).toEqual([null, 'github', null]);
  });
});

describe('sessionIdOf', () => {
  const body = (user_id?: string): MessagesRequest => ({ model: 'm', max_tokens: 1, messages: [], ...(user_id === undefined ? {} : { metadata: { user_id } }) });
  const uuid = '4235ce3a-8a18-4901-86ee-edfd06130fbb';

  it('the x-claude-code-session-id header first (string or repeated)', () => {
    expect(sessionIdOf({ 'x-claude-code-session-id': 'hdr' }, body(`user_x_account__session_${uuid}`))).toBe('hdr');
    expect(sessionIdOf({ 'x-claude-code-session-id': ['one', 'two'] }, body())).toBe('one');
    expect(sessionIdOf({ 'x-claude-code-session-id': '  ' }, body(`user_x_account__session_${uuid}`))).toBe(uuid);
  });

  it('metadata.user_id as JSON (the real Claude Code body)', () => {
    const fixture = JSON.parse(readFileSync(new URL('../test/fixtures/claude-code-turn1.json', import.meta.url), 'utf8')) as MessagesRequest;
    expect(sessionIdOf({}, fixture)).toBe(uuid);
    expect(sessionIdOf({}, body('{"device_id":"d"}'))).toBeNull();
    expect(sessionIdOf({}, body('{"session_id":42}'))).toBeNull();
  });

  it('the older user_<hash>_account_<uuid?>_session_<uuid> string', () => {
    const hash = 'ab'.repeat(32);
    expect(sessionIdOf({}, body(`user_${hash}_account__session_${uuid}`))).toBe(uuid);
    expect(sessionIdOf({}, body(`user_${hash}_account_0b9c1f6e-1111-2222-3333-444455556666_session_${uuid}`))).toBe(uuid);
  });

  it('nothing usable → null', () => {
    expect(sessionIdOf({}, body())).toBeNull();
    expect(sessionIdOf({}, body(''))).toBeNull();
    expect(sessionIdOf({}, body('some-user'))).toBeNull();
    expect(sessionIdOf({}, body('{not json'))).toBeNull();
    expect(sessionIdOf({ 'x-claude-code-session-id': 'x'.repeat(201) }, body())).toBeNull();
  });
});

describe('applyAffinity', () => {
  const order = () => [cand('a'), cand('b'), cand('c')];

  it('moves the session’s provider first when it is healthy, keeping the rest in order', () => {
    expect(ids(applyAffinity(order(), 'c', NOW))).toEqual(['c', 'a', 'b']);
    expect(ids(applyAffinity(order(), 'a', NOW))).toEqual(['a', 'b', 'c']);
  });

  it('no session, or a provider not among the candidates → unchanged', () => {
    expect(ids(applyAffinity(order(), null, NOW))).toEqual(['a', 'b', 'c']);
    expect(ids(applyAffinity(order(), 'zzz', NOW))).toEqual(['a', 'b', 'c']);
  });

  it('not while open, half-open, cooling down or rate-limit blocked; again once the block passes', () => {
    for (const sick of [{ circuit: 'open' as const }, { circuit: 'half-open' as const }, { cooldownUntil: NOW + 1 }, { rateLimit: { blockedUntil: NOW + 1 } }]) {
      const cs = [cand('a'), cand('b', sick)];
      expect(ids(applyAffinity(cs, 'b', NOW))).toEqual(['a', 'b']);
    }
    const blocked = [cand('a'), cand('b', { rateLimit: { blockedUntil: NOW + 1 } })];
    expect(ids(applyAffinity(blocked, 'b', NOW + 1))).toEqual(['b', 'a']);
  });

  it('not when the request no longer fits its context window (when facts are given)', () => {
    const cs = [cand('a'), cand('b', { contextWindow: 32_000 })];
    expect(ids(applyAffinity(cs, 'b', NOW, facts({ estimatedInputTokens: 40_000 })))).toEqual(['a', 'b']);
    expect(ids(applyAffinity(cs, 'b', NOW, facts({ estimatedInputTokens: 20_000 })))).toEqual(['b', 'a']);
  });

  it('does not mutate its input', () => {
    const cs = order();
    applyAffinity(cs, 'c', NOW);
    expect(ids(cs)).toEqual(['a', 'b', 'c']);
  });
});

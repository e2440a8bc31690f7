import { describe, expect, it } from 'vitest';
import { cand, facts, ids, NOW } from '../../test/router-candidates.js';
import { headroomScore, intelligent, intelligentScores, W_COST, W_HEADROOM, W_HEALTH, W_LATENCY, W_PRIORITY } from './intelligent.js';

// score = 0.40·health + 0.25·headroom + 0.10·latency + 0.10·cost + 0.15·priority
const f = facts(); // 10 000 input tokens, max_tokens 32 000 → 2 000 expected output

function scoreOf(cs: Parameters<typeof intelligentScores>[0], id: string): number {
  const s = intelligentScores(cs, f, NOW).find((x) => x.candidate.snapshot.id === id);
  if (!s) throw new Error(`${id} not scored`);
  return s.score;
}

describe('intelligent score', () => {
  it('weights sum to 1', () => {
    expect(W_HEALTH + W_HEADROOM + W_LATENCY + W_COST + W_PRIORITY).toBeCloseTo(1, 12);
  });

  it('headroom: unknown or stale = 1, ≥ 30 % = 1, 20-30 % linear, below 20 % a cliff to ≤ 0.1', () => {
    const rl = (headroom: number | null, resetAt: number | null = NOW + 60_000) => ({ headroom, resetAt, blockedUntil: null });
    expect(headroomScore(rl(null), NOW)).toBe(1);
    expect(headroomScore(rl(0.05, NOW), NOW)).toBe(1); // reset has passed: stale
    expect(headroomScore(rl(0.6), NOW)).toBe(1);
    expect(headroomScore(rl(0.25), NOW)).toBeCloseTo(0.8333, 4);
    expect(headroomScore(rl(0.2), NOW)).toBeCloseTo(0.6667, 4);
    expect(headroomScore(rl(0.19), NOW)).toBeCloseTo(0.095, 10);
    expect(headroomScore(rl(0), NOW)).toBe(0);
  });

  // Worked example A, everything healthy (success 100/100 → health 104.5/105 = 0.9952):
  //                 price $/M   request $   TTFT   health  headroom latency cost   priority  score
  //  vertex-claude  3 / 15      0.0600      1500   0.9952  1        0.5333  0.5492 1         0.9063
  //  vertex-gemini  1.25 / 10   0.0325       800   0.9952  1        1       1      0.5       0.9231
  //  github         unknown     (= 0.0600)  1200   0.9952  1        0.6667  0.5492 0.3333    0.8197
  //  openrouter     3 / 15      0.0600      2000   0.9857  1        0.4     0.5492 0.25      0.7767
  // (cost = (0.0325 + 0.001) / (0.06 + 0.001) = 0.5492; latency = 800 / TTFT)
  const exampleA = () => [
    cand('vertex-claude', { price: [3, 15], latency: { ttftEwmaMs: 1_500 }, successRate: 1, samples: 100 }),
    cand('vertex-gemini', { price: [1.25, 10], latency: { ttftEwmaMs: 800 }, successRate: 1, samples: 100 }),
    cand('github', { latency: { ttftEwmaMs: 1_200 }, successRate: 1, samples: 100 }),
    cand('openrouter', { price: [3, 15], latency: { ttftEwmaMs: 2_000 }, successRate: 0.99, samples: 100 }),
  ];

  it('example A: claude 0.9063, gemini 0.9231, github 0.8197, openrouter 0.7767 → gemini (2× faster, ~2× cheaper) overtakes the first choice', () => {
    const cs = exampleA();
    const parts = intelligentScores(cs, f, NOW)[0].parts;
    expect(parts.health).toBeCloseTo(0.99524, 5);
    expect(parts.latency).toBeCloseTo(0.53333, 5);
    expect(parts.cost).toBeCloseTo(0.54918, 5);
    expect(scoreOf(cs, 'vertex-claude')).toBeCloseTo(0.90635, 4);
    expect(scoreOf(cs, 'vertex-gemini')).toBeCloseTo(0.92310, 4);
    expect(scoreOf(cs, 'github')).toBeCloseTo(0.81968, 4);
    expect(scoreOf(cs, 'openrouter')).toBeCloseTo(0.77670, 4);
    expect(ids(intelligent(cs, f, NOW))).toEqual(['vertex-gemini', 'vertex-claude', 'github', 'openrouter']);
  });

  it('example A′: gemini only a bit better (TTFT 1300, $2.5/$12 → $0.049) → claude 0.9601 keeps first place over gemini 0.9154', () => {
    const cs = exampleA();
    cs[1] = cand('vertex-gemini', { price: [2.5, 12], latency: { ttftEwmaMs: 1_300 }, successRate: 1, samples: 100 });
    // github (1200) is now the fastest. claude: latency 1200/1500 = 0.8, cost 0.050/0.061 = 0.8197
    // → 0.3981 + 0.25 + 0.08 + 0.0820 + 0.15 = 0.9601; gemini: latency 1200/1300 = 0.9231, cost 1
    // → 0.3981 + 0.25 + 0.0923 + 0.1 + 0.075 = 0.9154
    expect(scoreOf(cs, 'vertex-claude')).toBeCloseTo(0.96006, 4);
    expect(scoreOf(cs, 'vertex-gemini')).toBeCloseTo(0.91540, 4);
    expect(ids(intelligent(cs, f, NOW)).slice(0, 2)).toEqual(['vertex-claude', 'vertex-gemini']);
  });

  it('example B: first choice at 10 % headroom scores 0.7225 (headroom 0.05) vs 0.885 → second goes first; at 25 % it stays (0.9183)', () => {
    const second = cand('b'); // no data: health 0.9 (prior), headroom 1, latency 1, cost 1, priority 0.5 → 0.885
    const low = [cand('a', { rateLimit: { headroom: 0.1, resetAt: NOW + 60_000 } }), second];
    expect(scoreOf(low, 'a')).toBeCloseTo(0.7225, 10);
    expect(scoreOf(low, 'b')).toBeCloseTo(0.885, 10);
    expect(ids(intelligent(low, f, NOW))).toEqual(['b', 'a']);
    const ok = [cand('a', { rateLimit: { headroom: 0.25, resetAt: NOW + 60_000 } }), second];
    expect(scoreOf(ok, 'a')).toBeCloseTo(0.91833, 4);
    expect(ids(intelligent(ok, f, NOW))).toEqual(['a', 'b']);
    // The fake clock passes the reset: the low reading is stale, a scores 0.96 again.
    expect(intelligentScores(low, f, NOW + 60_000)[0].score).toBeCloseTo(0.96, 10);
  });

  it('example C: half-open halves health (0.45) → 0.78 < 0.885', () => {
    const cs = [cand('a', { circuit: 'half-open' }), cand('b')];
    expect(scoreOf(cs, 'a')).toBeCloseTo(0.78, 10);
    expect(ids(intelligent(cs, f, NOW))).toEqual(['b', 'a']);
  });

  it('example D: 80 % success (health 0.8048 → 0.9219) loses to a clean second (0.9231); 85 % (0.8524 → 0.9410) does not', () => {
    const clean = cand('b', { successRate: 1, samples: 100 });
    const at80 = [cand('a', { successRate: 0.8, samples: 100 }), clean];
    expect(scoreOf(at80, 'a')).toBeCloseTo(0.92190, 4);
    expect(scoreOf(at80, 'b')).toBeCloseTo(0.92310, 4);
    expect(ids(intelligent(at80, f, NOW))).toEqual(['b', 'a']);
    const at85 = [cand('a', { successRate: 0.85, samples: 100 }), clean];
    expect(scoreOf(at85, 'a')).toBeCloseTo(0.94095, 4);
    expect(ids(intelligent(at85, f, NOW))).toEqual(['a', 'b']);
  });

  it('priority is the position among candidates that can serve: with the first down, the second gets the full share', () => {
    const cs = [cand('a', { circuit: 'open' }), cand('b'), cand('c')];
    const scores = intelligentScores(cs, f, NOW);
    expect(scores.map((s) => [s.candidate.snapshot.id, s.parts.priority])).toEqual([['b', 1], ['c', 0.5]]);
    expect(ids(intelligent(cs, f, NOW))).toEqual(['b', 'c', 'a']);
  });

  it('free vs paid: the cost floor keeps a free model from zeroing the others ($0.001 / $0.061 = 0.0164)', () => {
    const cs = [cand('paid', { price: [3, 15] }), cand('free', { price: [0, 0] })];
    const [paid, free] = intelligentScores(cs, f, NOW);
    expect(paid.parts.cost).toBeCloseTo(0.001 / 0.061, 10);
    expect(free.parts.cost).toBe(1);
  });

  it('every score is in 0..1, with parts in 0..1', () => {
    const cs = [
      cand('worst', { circuit: 'half-open', successRate: 0, samples: 1_000, rateLimit: { headroom: 0, resetAt: NOW + 1 }, latency: { ttftEwmaMs: 1e6 }, price: [100, 100] }),
      cand('best', { successRate: 1, samples: 1_000, latency: { ttftEwmaMs: 0 }, price: [0, 0] }),
    ];
    for (const s of intelligentScores(cs, f, NOW)) {
      expect(s.score).toBeGreaterThanOrEqual(0);
      expect(s.score).toBeLessThanOrEqual(1);
      for (const v of Object.values(s.parts)) expect(v >= 0 && v <= 1).toBe(true);
    }
  });
});

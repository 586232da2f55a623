import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateScores, kendallTauB, pearson, top1Regret, weightedTau, weightedTauByDefinition } from '../../../src/core/etran/correlation.js';

interface Case {
  name: string;
  x: Array<number | null>;
  y: Array<number | null>;
  weightedtau: number | null;
  weightedtau_swapped: number | null;
  kendalltau: number | null;
  pearson: number | null;
}
const golden = JSON.parse(readFileSync(new URL('../../golden/etran_cli_golden.json', import.meta.url), 'utf8')) as { correlation: Case[] };
const arr = (v: Array<number | null>) => Float64Array.from(v, (e) => (e === null ? NaN : e));

function close(actual: number | null, expected: number | null, tol: number): void {
  if (expected === null) expect(actual).toBeNull();
  else {
    expect(actual).not.toBeNull();
    expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(tol);
  }
}

describe('weighted τ = scipy.stats.weightedtau (goldens from test/golden/etran_cli_golden.py)', () => {
  for (const c of golden.correlation) {
    it(c.name, () => {
      close(weightedTau(arr(c.x), arr(c.y)), c.weightedtau, 1e-12);
      close(weightedTau(arr(c.y), arr(c.x)), c.weightedtau_swapped, 1e-12);
    });
  }
  it('the golden set really exercises ties and NaN', () => {
    const withTies = golden.correlation.filter((c) => new Set(c.x).size < c.x.length && new Set(c.y).size < c.y.length);
    expect(withTies.length).toBeGreaterThanOrEqual(5);
    expect(golden.correlation.some((c) => c.x.includes(null) || c.y.includes(null))).toBe(true);
  });
});

describe('weighted τ: the O(n log n) algorithm equals the O(n²) definition', () => {
  it('on every golden case (ties and NaN included)', () => {
    for (const c of golden.correlation) {
      const fast = weightedTau(arr(c.x), arr(c.y));
      const slow = weightedTauByDefinition(arr(c.x), arr(c.y));
      if (fast === null) expect(slow).toBeNull();
      else expect(Math.abs(fast - slow!)).toBeLessThan(1e-12);
    }
  });
  it('on seeded random inputs with heavy ties', () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let trial = 0; trial < 200; trial++) {
      const n = 2 + Math.floor(rnd() * 30);
      const levels = 1 + Math.floor(rnd() * 6);
      const x = Float64Array.from({ length: n }, () => Math.floor(rnd() * levels));
      const y = Float64Array.from({ length: n }, () => (rnd() < 0.1 ? NaN : Math.floor(rnd() * 5)));
      const fast = weightedTau(x, y);
      const slow = weightedTauByDefinition(x, y);
      if (fast === null || slow === null) expect(fast).toBe(slow);
      else expect(Math.abs(fast - slow)).toBeLessThan(1e-12);
    }
  });
  it('hand-computed: three items, one swap at the bottom', () => {
    // Ranks by x: c (r=0), b (r=1), a (r=2); y swaps a and b.
    // Pairs: (c,b) w=1+1/2 concordant; (c,a) w=1+1/3 concordant; (b,a) w=1/2+1/3 discordant. Symmetric in both directions.
    const x = [1, 2, 3];
    const y = [2, 1, 3];
    const wcb = 1 + 1 / 2;
    const wca = 1 + 1 / 3;
    const wba = 1 / 2 + 1 / 3;
    // Direction y: ranks c(0), a(1), b(2): (c,a) 1+1/2 conc, (c,b) 1+1/3 conc, (a,b) 1/2+1/3 disc — same weights.
    const tau = (wcb + wca - wba) / (wcb + wca + wba);
    expect(weightedTau(x, y)).toBeCloseTo(tau, 15);
  });
});

describe('Kendall τ-b and Pearson match scipy', () => {
  for (const c of golden.correlation) {
    it(c.name, () => {
      close(kendallTauB(arr(c.x), arr(c.y)), c.kendalltau, 1e-12);
      close(pearson(arr(c.x), arr(c.y)), c.pearson, 1e-12);
    });
  }
});

describe('top-1 regret and evaluateScores', () => {
  it('regret is in the truth units, zero when the best model is picked', () => {
    expect(top1Regret([0.1, 0.9, 0.5], [80, 90, 85])).toBe(0);
    expect(top1Regret([0.9, 0.1, 0.5], [80, 90, 85])).toBe(10);
  });
  it('a tie at the top takes the worse model; NaN scores never win', () => {
    expect(top1Regret([0.9, 0.9, 0.5], [80, 90, 85])).toBe(10);
    expect(top1Regret([NaN, 0.1, 0.2], [99, 90, 85])).toBe(14);
  });
  it('drops models present in one map only and needs two in common', () => {
    const r = evaluateScores({ a: 1, b: 2, c: 3, x: 5 }, { a: 10, b: 20, c: 30, y: 1 });
    expect(r.n).toBe(3);
    expect(r.dropped.sort()).toEqual(['x', 'y']);
    expect(r.weighted_tau).toBeCloseTo(1, 15);
    expect(r.kendall_tau).toBeCloseTo(1, 15);
    expect(r.top1_regret).toBe(0);
    expect(() => evaluateScores({ a: 1, b: 2 }, { a: 1, c: 2 })).toThrow(/at least 2/);
  });
});

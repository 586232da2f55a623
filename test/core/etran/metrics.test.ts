/**
 * Hand-computed cases and properties of the transferability metrics (the
 * agreement with the published scores is in metrics-golden.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { energy } from '../../../src/core/etran/energy.js';
import { lda, ldaEigenRoute } from '../../../src/core/etran/lda.js';
import { etranCombine, etranCombineDetailed } from '../../../src/core/etran/etran.js';
import { logme } from '../../../src/core/etran/logme.js';
import { hscore } from '../../../src/core/etran/hscore.js';
import { regularizedHscore } from '../../../src/core/etran/regularized_hscore.js';
import { sfda } from '../../../src/core/etran/sfda.js';
import { transrate } from '../../../src/core/etran/transrate.js';
import { gbc } from '../../../src/core/etran/gbc.js';
import { regression } from '../../../src/core/etran/regression.js';
import type { Labels, Matrix } from '../../../src/core/etran/types.js';
import { synthClasses } from './score-fixtures.js';

const mat = (rows: number[][]): Matrix => ({ rows: rows.length, cols: rows[0]!.length, data: Float64Array.from(rows.flat()) });
const labels = (ids: number[]): Labels => {
  const c = Math.max(...ids) + 1;
  return { ids: Int32Array.from(ids), numClasses: c, names: Array.from({ length: c }, (_, i) => String(i)) };
};

const synth = synthClasses;

/** Same samples, class ids renamed by `perm` (class k becomes perm[k]). */
function renamed(y: Labels, perm: number[]): Labels {
  return { ...y, ids: Int32Array.from(y.ids, (k) => perm[k]!) };
}

/** Rows reordered by `order`, labels along. */
function reordered(X: Matrix, y: Labels, order: number[]): { X: Matrix; y: Labels } {
  const d = X.cols;
  const data = new Float64Array(X.data.length);
  order.forEach((src, dst) => data.set(X.data.subarray(src * d, src * d + d), dst * d));
  return { X: { ...X, data }, y: { ...y, ids: Int32Array.from(order, (i) => y.ids[i]!) } };
}

const near = (a: number, b: number, tol = 1e-12): void => {
  expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));
};

describe('energy', () => {
  it('is the logsumexp of the lowest-energy sample when N < 200, with a warning', () => {
    const r = energy(mat([[0, 0], [1, 1], [5, 0]]));
    near(r.value, Math.fround(Math.log(2)), 1e-7);
    expect(r.warnings[0]).toMatch(/too small/);
  });
  it('averages the floor(5N/1000) lowest energies', () => {
    // 400 rows: k = 2. Energies are i + ln 2 for rows [i, i].
    const rows = Array.from({ length: 400 }, (_, i) => [i / 10, i / 10]);
    const r = energy(mat(rows));
    near(r.value, (Math.log(2) + (0.1 + Math.log(2))) / 2, 1e-6);
    expect(r.warnings).toEqual([]);
  });
  it('shifts by c when every feature does', () => {
    const { X } = synth(300, 8, 3, 1);
    const shifted = { ...X, data: X.data.map((v) => v + 3.25) };
    near(energy(shifted).value, energy(X).value + 3.25, 1e-6);
  });
});

describe('lda (S_cls)', () => {
  it('two classes × two dims by hand: σ(1)', () => {
    // μ0 = (1,0), μ1 = (0,1), priors ½: logits ±½, so p(y|x) = 1/(1 + e^{-1}) for both samples.
    const r = lda(mat([[1, 0], [0, 1]]), labels([0, 1]));
    near(r.value, 1 / (1 + Math.exp(-1)));
  });
  it('lies in [0, 1], is invariant to renaming classes and to sample order', () => {
    const { X, y } = synth(120, 6, 4, 2, 0.7);
    const v = lda(X, y).value;
    expect(v).toBeGreaterThan(0);
    expect(v).toBeLessThanOrEqual(1);
    near(lda(X, renamed(y, [2, 0, 3, 1])).value, v);
    const order = Array.from({ length: 120 }, (_, i) => (i * 37) % 120);
    const r = reordered(X, y, order);
    near(lda(r.X, r.y).value, v);
  });
  it('the closed form equals the official route eigh(inv(Sw\')·Sb), coef = μVVᵀ', () => {
    for (const seed of [3, 4, 5]) {
      const { X, y } = synth(90, 7, 3, seed, 0.8);
      const route = ldaEigenRoute(X, y);
      near(lda(X, y).value, route.value, 1e-10);
    }
  });
  it('saturates on high-norm features; the remedies are scale-free (pooled-variance) or bounded (l2)', () => {
    const { X, y } = synth(200, 128, 5, 6, 0.6);
    const big = { ...X, data: X.data.map((v) => v * 100) };
    expect(lda(big, y).value).toBeGreaterThan(1 - 1e-9);
    expect(lda(big, y).warnings.join(' ')).toMatch(/saturated/);
    near(lda(big, y, { normalize: 'pooled-variance' }).value, lda(X, y, { normalize: 'pooled-variance' }).value, 1e-9);
    near(lda(big, y, { normalize: 'l2' }).value, lda(X, y, { normalize: 'l2' }).value, 1e-9);
    expect(lda(big, y, { normalize: 'l2' }).value).toBeLessThan(0.99);
  });
  it('rejects unknown options and mismatched labels', () => {
    const X = mat([[1, 0], [0, 1]]);
    expect(() => lda(X, labels([0, 1]), { variant: 'x' as never })).toThrow(/unknown variant/);
    expect(() => lda(X, labels([0, 1, 1]))).toThrow(/labels/);
    expect(() => lda(X, labels([0, 0]))).toThrow(/2 classes/);
  });
});

describe('etranCombine', () => {
  it('0.15·minmax(energy) + 0.85·minmax(lda), by hand', () => {
    const v = etranCombine([{ energy: 1, lda: 0.5 }, { energy: 2, lda: 0.7 }, { energy: 3, lda: 0.6 }]);
    near(v[0]!, 0);
    near(v[1]!, 0.075 + 0.85);
    near(v[2]!, 0.15 + 0.425);
  });
  it('a constant component contributes 0; one model gives null with a reason', () => {
    const r = etranCombineDetailed([{ energy: 1, lda: 0.9 }, { energy: 1, lda: 0.8 }]);
    expect(r.values).toEqual([0.85, 0]);
    expect(r.warnings.join(' ')).toMatch(/energy is equal/);
    const one = etranCombineDetailed([{ energy: 1, lda: 0.9 }]);
    expect(one.values).toEqual([null]);
    expect(one.warnings[0]).toMatch(/at least 2 models/);
  });
  it('detection sums three min-maxes with settable weights', () => {
    const comps = [{ energy: 0, lda: 0, regression: -2 }, { energy: 1, lda: 1, regression: -1 }];
    expect(etranCombine(comps)).toEqual([0, 3]);
    expect(etranCombine(comps, { weights: { regression: 0.5 } })).toEqual([0, 2.5]);
    expect(() => etranCombine([{ energy: 0, lda: 0, regression: 1 }, { energy: 1, lda: 1 }])).toThrow(/regression/);
  });
  it('a model with a non-finite component gets null, the others are ranked among themselves', () => {
    const r = etranCombineDetailed([{ energy: 0, lda: 0 }, { energy: NaN, lda: 1 }, { energy: 1, lda: 1 }]);
    expect(r.values).toEqual([0, null, 1]);
  });
});

describe('hscore and regularized hscore', () => {
  // One dimension: x = [0, 2, 4, 6], classes [0, 0, 1, 1]. Cov(x) = 20/3, Cov(g) = 16/3: H = 0.8.
  const X = mat([[0], [2], [4], [6]]);
  const y = labels([0, 0, 1, 1]);
  it('hand case: 0.8', () => near(hscore(X, y).value, 0.8));
  it('regularised: one feature has nothing to shrink (α* = 0); Σ = S/N = 5, so (16/3)/5', () => {
    const r = regularizedHscore(X, y);
    expect(r.shrinkage).toBe(0);
    near(r.value, 16 / 15);
  });
  it('is invariant to renaming classes', () => {
    const { X: X2, y: y2 } = synth(150, 5, 4, 7, 0.6);
    near(hscore(X2, renamed(y2, [3, 1, 0, 2])).value, hscore(X2, y2).value, 1e-10);
    near(regularizedHscore(X2, renamed(y2, [3, 1, 0, 2])).value, regularizedHscore(X2, y2).value, 1e-10);
  });
  it('a constant column falls back to the pseudo-inverse with a warning', () => {
    const { X: X2, y: y2 } = synth(100, 4, 3, 8, 0.6);
    for (let i = 0; i < 100; i++) X2.data[i * 4 + 1] = 2.5;
    const r = hscore(X2, y2);
    expect(Number.isFinite(r.value)).toBe(true);
    expect(r.warnings.join(' ')).toMatch(/singular/);
    // Same as the score on the other three columns.
    const sub = { rows: 100, cols: 3, data: Float64Array.from({ length: 300 }, (_, k) => X2.data[Math.floor(k / 3) * 4 + [0, 2, 3][k % 3]!]!) };
    near(r.value, hscore(sub, y2).value, 1e-9);
  });
});

describe('logme', () => {
  it('is invariant to sample order and to renaming classes', () => {
    const { X, y } = synth(150, 10, 4, 9, 0.7);
    const v = logme(X, y).value;
    const order = Array.from({ length: 150 }, (_, i) => (i * 53) % 150);
    const r = reordered(X, y, order);
    near(logme(r.X, r.y).value, v, 1e-10);
    near(logme(X, renamed(y, [1, 3, 2, 0])).value, v, 1e-10);
  });
  it('N ≤ D: warns that upstream omits the zero singular values; corrected is lower by ½(D−N)·log α terms', () => {
    const { X, y } = synth(20, 30, 3, 10, 0.7);
    const up = logme(X, y);
    expect(up.warnings.join(' ')).toMatch(/corrected/);
    expect(logme(X, y, { corrected: true }).value).not.toBeCloseTo(up.value, 6);
  });
  it('better separated classes score higher', () => {
    const lo = synth(200, 8, 3, 11, 0.2);
    const hi = synth(200, 8, 3, 11, 2);
    expect(logme(hi.X, hi.y).value).toBeGreaterThan(logme(lo.X, lo.y).value);
  });
});

describe('sfda', () => {
  it('lies in [0, 1] and is invariant to renaming classes', () => {
    const { X, y } = synth(120, 6, 3, 12, 0.5);
    const r = sfda(X, y);
    expect(r.value).toBeGreaterThan(0);
    expect(r.value).toBeLessThanOrEqual(1);
    expect(r.shrinkage).toBeGreaterThanOrEqual(1e-10);
    near(sfda(X, renamed(y, [2, 0, 1])).value, r.value, 1e-10);
  });
  it('does not modify its input (upstream mixes X in place)', () => {
    const { X, y } = synth(60, 4, 3, 13, 0.5);
    const copy = Float64Array.from(X.data);
    sfda(X, y);
    expect(X.data).toEqual(copy);
  });
});

describe('transrate', () => {
  it('one dimension by hand: ½log(1 + Σxc²/(Nε)) − mean_c ½log(1 + Σ_c xc²/(n_c ε))', () => {
    const X = mat([[0], [2], [4], [6]]);
    const y = labels([0, 0, 1, 1]);
    const eps = 1e-4;
    // centred: −3, −1, 1, 3
    const want = 0.5 * Math.log(1 + 20 / (4 * eps)) - (0.5 * Math.log(1 + 10 / (2 * eps)) + 0.5 * Math.log(1 + 10 / (2 * eps))) / 2;
    near(transrate(X, y).value, want, 1e-12);
  });
  it('is invariant to renaming classes', () => {
    const { X, y } = synth(90, 5, 3, 14, 0.5);
    near(transrate(X, renamed(y, [1, 2, 0])).value, transrate(X, y).value, 1e-10);
  });
});

describe('gbc', () => {
  it('two classes, one dim by hand: −2·e^{−2}', () => {
    // class 0: {0, 2} μ 1 var 1; class 1: {4, 6} μ 5 var 1 → D_B = 16/8 = 2 each way.
    near(gbc(mat([[0], [2], [4], [6]]), labels([0, 0, 1, 1])).value, -2 * Math.exp(-2));
  });
  it('clamps variances at 1e−4', () => {
    // Point classes: variance 0 → 1e−4. D_B = (1)²/1e−4/8.
    near(gbc(mat([[0], [0], [0.01], [0.01]]), labels([0, 0, 1, 1])).value, -2 * Math.exp(-(1e-4 / 1e-4) / 8));
  });
});

describe('regression', () => {
  it('one feature by hand: w = 31/14, S_reg = −5/42', () => {
    near(regression(mat([[1], [2], [3]]), mat([[2], [4], [7]])).value, -5 / 42);
  });
  it('N ≤ D fits exactly (0) and says so; energyShare truncates', () => {
    const { X } = synth(10, 20, 2, 15);
    const T = synth(10, 2, 2, 16).X;
    const r = regression(X, T);
    expect(Math.abs(r.value)).toBeLessThan(1e-12);
    expect(r.warnings.join(' ')).toMatch(/exact/);
    const t = regression(X, T, { energyShare: 0.5 });
    expect(t.value).toBeLessThan(-1e-3);
    expect(t.rank).toBeLessThan(10);
  });
});

/**
 * NCTI: parity with test/golden/ncti_golden.py (our numpy/scikit-learn script
 * following the official routine; inputs rebuilt here from the same seeded
 * stream), hand-computed one-dimensional cases for both LDA solvers, the
 * invariances the method has, the cross-model combination, and the edges.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nctiCombine, nctiTerms, nuclearNorm, type NctiTerms } from '../../../src/core/etran/ncti.js';
import { matmulABt } from '../../../src/core/linalg/gram.js';
import { identity } from '../../../src/core/linalg/matrix.js';
import { symEig } from '../../../src/core/linalg/symmetric-eigen.js';
import type { Labels, Matrix } from '../../../src/core/etran/types.js';
import { InputError } from '../../../src/core/errors.js';
import { seededRandom } from '../../../src/core/random.js';

interface GoldenSpec {
  name: string; seed: number; sizes: number[]; d: number; scale: number; sep: number; const_cols?: number[];
}
interface GoldenCase extends GoldenSpec {
  terms: NctiTerms; solver: 'eigen' | 'svd'; shrinkage: number | null; k: number;
}
const golden = JSON.parse(readFileSync(new URL('../../golden/ncti_golden.json', import.meta.url), 'utf8')) as {
  cases: GoldenCase[]; combo: { models: GoldenCase[]; values: number[] };
};

/** The golden script's generator: X[i, j] = scale·(sep·centre[y_i, j] + (u − ½)·(1 + j mod 5)). */
function makeGolden(s: GoldenSpec): { X: Matrix; y: Labels } {
  const rnd = seededRandom(s.seed);
  const C = s.sizes.length, d = s.d;
  const n = s.sizes.reduce((a, b) => a + b, 0);
  const ids = new Int32Array(n);
  let o = 0;
  s.sizes.forEach((sz, c) => { for (let t = 0; t < sz; t++) ids[o++] = c; });
  const centre: number[][] = [];
  for (let c = 0; c < C; c++) {
    const row: number[] = [];
    for (let j = 0; j < d; j++) row.push(rnd() - 0.5);
    centre.push(row);
  }
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const row = centre[ids[i]!]!;
    for (let j = 0; j < d; j++) data[i * d + j] = s.scale * (s.sep * row[j]! + (rnd() - 0.5) * (1 + (j % 5)));
  }
  for (const j of s.const_cols ?? []) for (let i = 0; i < n; i++) data[i * d + j] = 0.75;
  return { X: { rows: n, cols: d, data }, y: { ids, numClasses: C, names: s.sizes.map((_, c) => String(c)) } };
}

function rel(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

const TOL = 1e-8;

describe('ncti: parity with the golden script', () => {
  it.each(golden.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { X, y } = makeGolden(c);
    const r = nctiTerms(X, y);
    expect(r.solver).toBe(c.solver);
    expect(r.pcaDims).toBe(c.k);
    if (c.shrinkage === null) expect(r.shrinkage).toBeNull();
    else expect(rel(r.shrinkage!, c.shrinkage)).toBeLessThan(1e-12);
    for (const key of ['seli', 'ncc', 'vc'] as const) {
      expect(rel(r.terms[key], c.terms[key]), `${key}: ${r.terms[key]} vs ${c.terms[key]}`).toBeLessThan(TOL);
    }
  });

  it('combination across five models (mixed solvers)', () => {
    const terms = golden.combo.models.map((m) => {
      const { X, y } = makeGolden(m);
      const r = nctiTerms(X, y);
      expect(r.solver).toBe(m.solver);
      for (const key of ['seli', 'ncc', 'vc'] as const) expect(rel(r.terms[key], m.terms[key])).toBeLessThan(TOL);
      return r.terms;
    });
    const { values, warnings } = nctiCombine(terms);
    expect(warnings).toEqual([]);
    values.forEach((v, i) => expect(Math.abs(v! - golden.combo.values[i]!)).toBeLessThan(TOL * Math.max(1, Math.abs(golden.combo.values[i]!))));
  });
});

// ---------------------------------------------------------------- hand-computed

const logistic = (t: number): number => 1 / (1 + Math.exp(-t));
/** Nuclear norm of a 2×2 matrix: √(‖A‖_F² + 2|det A|). */
const nuc2 = (a: number, b: number, c: number, d: number): number => Math.sqrt(a * a + b * b + c * c + d * d + 2 * Math.abs(a * d - b * c));

describe('ncti: hand-computed one-dimensional cases', () => {
  // x = 0, 1 (class 0) and 3, 4 (class 1): class means 0.5, 3.5, within variance w = 0.25 (population).
  const y: Labels = { ids: Int32Array.from([0, 0, 1, 1]), numClasses: 2, names: ['a', 'b'] };

  it("small scale: solver 'eigen', posterior with the population within variance", () => {
    const X: Matrix = { rows: 4, cols: 1, data: Float64Array.from([0, 1, 3, 4]) };
    // PCA variance (4+1+1+4)/3 = 10/3 → α = e^{−10/3} > 1e−10: 'eigen'; shrinking a 1×1 covariance changes nothing.
    const r = nctiTerms(X, y);
    expect(r.solver).toBe('eigen');
    expect(r.shrinkage).toBeCloseTo(Math.exp(-10 / 3), 15);
    // logit_c(x) = (μ_c·x − μ_c²/2)/w + log ½: gaps 24 (x = 0) and 12 (x = 1), symmetric for class 1.
    const p0 = logistic(24), p1 = logistic(12);
    expect(rel(r.terms.ncc, (p0 + p1) / 2)).toBeLessThan(1e-14);
    // transform v = 1/√w = 2: F = 2·(x − 2), ‖F‖_* = 2·√10.
    expect(rel(r.terms.seli, 2 * Math.sqrt(10))).toBeLessThan(1e-13);
    // both classes' 2×2 posterior blocks have the same nuclear norm by symmetry
    const one = nuc2(p0, 1 - p0, p1, 1 - p1);
    expect(rel(r.terms.vc, Math.log(2 * one))).toBeLessThan(1e-12);
  });

  it("large scale: solver 'svd', within variance with N − C in the denominator", () => {
    const X: Matrix = { rows: 4, cols: 1, data: Float64Array.from([0, 10, 30, 40]) };
    // PCA variance 1000/3 → α = 1e−10: 'svd'. w = 25, w' = N·w/(N − C) = 50, means 5 and 35.
    const r = nctiTerms(X, y);
    expect(r.solver).toBe('svd');
    expect(r.shrinkage).toBeNull();
    // gaps: x = 0: (−12.5 + 612.5)/50 = 12; x = 10: (37.5 + 262.5)/50 = 6.
    const p0 = logistic(12), p1 = logistic(6);
    expect(rel(r.terms.ncc, (p0 + p1) / 2)).toBeLessThan(1e-14);
    // F = (x − 20)/√50: Σ F² = 1000/50 = 20.
    expect(rel(r.terms.seli, Math.sqrt(20))).toBeLessThan(1e-13);
    expect(rel(r.terms.vc, Math.log(2 * nuc2(p0, 1 - p0, p1, 1 - p1)))).toBeLessThan(1e-12);
  });
});

// ---------------------------------------------------------------- properties

function orthogonal(d: number, seed: number): Float64Array {
  const rnd = seededRandom(seed);
  const M = new Float64Array(d * d).map(() => rnd() - 0.5);
  return symEig(matmulABt(M, d, M, d, d), d, identity(d), d).vtb!;
}

function mapRows(X: Matrix, f: (row: Float64Array) => Float64Array): Matrix {
  const out = new Float64Array(X.data.length);
  for (let i = 0; i < X.rows; i++) out.set(f(X.data.subarray(i * X.cols, (i + 1) * X.cols)), i * X.cols);
  return { rows: X.rows, cols: X.cols, data: out };
}

function expectSameTerms(a: NctiTerms, b: NctiTerms, tol = 1e-9): void {
  for (const key of ['seli', 'ncc', 'vc'] as const) expect(rel(b[key], a[key]), key).toBeLessThan(tol);
}

describe('ncti: invariances', () => {
  const eigenCase = golden.cases.find((c) => c.name === 'eigen-light-shrinkage')!;
  const svdCase = golden.cases.find((c) => c.name === 'singleton-svd')!;

  it.each([['eigen', eigenCase], ['svd', svdCase]] as const)('%s: rotation and translation of the features', (_s, c) => {
    const { X, y } = makeGolden(c);
    const base = nctiTerms(X, y).terms;
    const R = orthogonal(X.cols, 3);
    const moved = mapRows(X, (r) => {
      const out = matmulABt(r, 1, R, X.cols, X.cols);
      for (let j = 0; j < out.length; j++) out[j]! += 10 + j;
      return out;
    });
    expectSameTerms(base, nctiTerms(moved, y).terms);
  });

  it('order of the samples and names of the classes do not matter', () => {
    const { X, y } = makeGolden(svdCase);
    const base = nctiTerms(X, y).terms;
    const n = X.rows, d = X.cols, C = y.numClasses;
    const perm = Array.from({ length: n }, (_, i) => (i * 37) % n); // 37 coprime with n = 61
    const data = new Float64Array(n * d);
    perm.forEach((src, i) => data.set(X.data.subarray(src * d, (src + 1) * d), i * d));
    const ids = Int32Array.from(perm, (src) => C - 1 - y.ids[src]!); // classes renumbered in reverse
    expectSameTerms(base, nctiTerms({ rows: n, cols: d, data }, { ids, numClasses: C, names: y.names }).terms);
  });

  it("scale: invariant while the 'svd' solver is picked, not in the shrinkage regime", () => {
    const { X, y } = makeGolden(svdCase);
    const scaled = mapRows(X, (r) => r.map((v) => v * 7));
    const a = nctiTerms(X, y), b = nctiTerms(scaled, y);
    expect([a.solver, b.solver]).toEqual(['svd', 'svd']);
    expectSameTerms(a.terms, b.terms);
    // eigen regime: the shrinkage α = e^{−Σλ} depends on the scale, and so do the terms.
    const e = makeGolden(eigenCase);
    const e2 = nctiTerms(mapRows(e.X, (r) => r.map((v) => v * 0.5)), e.y);
    const e1 = nctiTerms(e.X, e.y);
    expect(e2.solver).toBe('eigen');
    expect(e2.shrinkage).not.toBeCloseTo(e1.shrinkage!, 3);
    expect(rel(e2.terms.seli, e1.terms.seli)).toBeGreaterThan(1e-3);
  });
});

// ---------------------------------------------------------------- combination

describe('nctiCombine', () => {
  it('minmax(seli) + minmax(ncc) − minmax(vc)', () => {
    const terms = [
      { seli: 10, ncc: 0.5, vc: 2 },
      { seli: 20, ncc: 0.9, vc: 3 },
      { seli: 15, ncc: 0.7, vc: 4 },
    ];
    const { values, warnings } = nctiCombine(terms);
    expect(warnings).toEqual([]);
    expect(values[0]).toBeCloseTo(0 + 0 - 0, 15);
    expect(values[1]).toBeCloseTo(1 + 1 - 0.5, 15);
    expect(values[2]).toBeCloseTo(0.5 + 0.5 - 1, 15);
  });

  it('a term equal for every model contributes 0; one model gives null; non-finite gives null', () => {
    const eq = nctiCombine([{ seli: 1, ncc: 0.5, vc: 2 }, { seli: 3, ncc: 0.5, vc: 2 }]);
    expect(eq.values).toEqual([0, 1]);
    expect(eq.warnings.join(' ')).toMatch(/ncc is equal for every model/);
    const one = nctiCombine([{ seli: 1, ncc: 0.5, vc: 2 }]);
    expect(one.values).toEqual([null]);
    expect(one.warnings.join(' ')).toMatch(/at least 2 models/);
    expect(nctiCombine([]).values).toEqual([]);
    const bad = nctiCombine([{ seli: NaN, ncc: 0.5, vc: 2 }, { seli: 1, ncc: 0.4, vc: 2 }, { seli: 2, ncc: 0.6, vc: 1 }]);
    expect(bad.values[0]).toBeNull();
    expect(bad.values[1]).toBeCloseTo(0 + 0 - 1, 15);
    expect(bad.values[2]).toBeCloseTo(1 + 1 - 0, 15);
    expect(bad.warnings.join(' ')).toMatch(/non-finite/);
  });
});

// ---------------------------------------------------------------- nuclear norm

describe('nuclearNorm', () => {
  it('sums the singular values of U·diag(σ)·Vᵀ, wide and tall, including tiny ones', () => {
    const sig = [5, 1, 1e-3, 1e-9, 3e-13, 0];
    const r = 6, c = 9;
    const U = orthogonal(r, 1), V = orthogonal(c, 2); // rows orthonormal
    const A = new Float64Array(r * c);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) {
      let s = 0;
      for (let t = 0; t < r; t++) s += U[t * r + i]! * sig[t]! * V[t * c + j]!;
      A[i * c + j] = s;
    }
    const want = sig.reduce((a, b) => a + b, 0);
    expect(Math.abs(nuclearNorm(A, r, c) - want)).toBeLessThan(1e-14 * 5);
    const At = new Float64Array(c * r);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) At[j * r + i] = A[i * c + j]!;
    expect(Math.abs(nuclearNorm(At, c, r) - want)).toBeLessThan(1e-14 * 5);
  });

  it('saturated posteriors (rows ≈ one-hot, entries down to 1e−300) stay finite and exact', () => {
    const n = 50, C = 10;
    const P = new Float64Array(n * C);
    for (let i = 0; i < n; i++) {
      P[i * C + 3] = 1;
      P[i * C + (i % C)] += i % 3 === 0 ? 10 ** (-20 - 5 * (i % 50)) : 0;
    }
    // every row is e_3 except for entries far below ε: one singular value √n up to rounding
    expect(Math.abs(nuclearNorm(P, n, C) - Math.sqrt(n))).toBeLessThan(1e-14);
    expect(Math.abs(nuclearNorm(P.subarray(0, 5 * C), 5, C) - Math.sqrt(5))).toBeLessThan(1e-14);
    expect(nuclearNorm(new Float64Array(12), 3, 4)).toBe(0);
    expect(nuclearNorm(Float64Array.from([3, 4]), 1, 2)).toBe(5);
  });
});

// ---------------------------------------------------------------- edges

describe('ncti: edges', () => {
  it('N < 64: PCA clamped to N − 1 with a warning', () => {
    const c = golden.cases.find((g) => g.name === 'n<64-eigen')!;
    const { X, y } = makeGolden(c);
    const r = nctiTerms(X, y);
    expect(r.pcaDims).toBe(29);
    expect(r.warnings.join(' ')).toMatch(/PCA to 29 dimensions instead of 64/);
  });

  it('constant columns and rank deficiency cut the PCA to the rank, with a warning', () => {
    const c = golden.cases.find((g) => g.name === 'rank-deficient')!;
    const r = nctiTerms(makeGolden(c).X, makeGolden(c).y);
    expect(r.pcaDims).toBe(6);
    expect(r.warnings.join(' ')).toMatch(/rank 6/);
  });

  it('class ids without samples are left out', () => {
    const { X, y } = makeGolden(golden.cases.find((g) => g.name === 'binary-eigen')!);
    const base = nctiTerms(X, y);
    const ids = y.ids.map((c) => (c === 0 ? 0 : 2)); // ids 0 and 2, class 1 empty
    const r = nctiTerms(X, { ids, numClasses: 3, names: ['a', 'b', 'c'] });
    expect(r.warnings.join(' ')).toMatch(/1 class id\(s\) have no sample/);
    expectSameTerms(base.terms, r.terms, 1e-14);
  });

  it('errors: N ≤ C, constant features, no within-class variation, bad option', () => {
    const y3: Labels = { ids: Int32Array.from([0, 1, 2]), numClasses: 3, names: ['a', 'b', 'c'] };
    expect(() => nctiTerms({ rows: 3, cols: 2, data: Float64Array.from([1, 2, 3, 4, 5, 7]) }, y3)).toThrow(/more samples/);
    const y4: Labels = { ids: Int32Array.from([0, 0, 1, 1]), numClasses: 2, names: ['a', 'b'] };
    expect(() => nctiTerms({ rows: 4, cols: 2, data: new Float64Array(8).fill(3) }, y4)).toThrow(/constant/);
    const dup = { rows: 4, cols: 2, data: Float64Array.from([1, 2, 1, 2, 5, 1, 5, 1]) };
    expect(() => nctiTerms(dup, y4)).toThrow(InputError);
    expect(() => nctiTerms(dup, y4)).toThrow(/within-class variation/);
    expect(() => nctiTerms(dup, y4, { pcaDims: 0 })).toThrow(/pcaDims/);
  });

  it('C = 1000 classes, two or three samples each', () => {
    const sizes = Array.from({ length: 1000 }, (_, c) => (c < 100 ? 3 : 2));
    const { X, y } = makeGolden({ name: 'c1000', seed: 99, sizes, d: 24, scale: 1, sep: 2 });
    const r = nctiTerms(X, y);
    expect(r.solver).toBe('svd');
    for (const key of ['seli', 'ncc', 'vc'] as const) expect(Number.isFinite(r.terms[key])).toBe(true);
    expect(r.terms.ncc).toBeGreaterThan(0);
    expect(r.terms.ncc).toBeLessThanOrEqual(1);
  });
});

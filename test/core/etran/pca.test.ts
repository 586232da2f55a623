import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { componentsForShare, pca } from '../../../src/core/etran/pca.js';
import { matmulABt } from '../../../src/core/linalg/gram.js';
import { identity } from '../../../src/core/linalg/matrix.js';
import { symEig } from '../../../src/core/linalg/symmetric-eigen.js';
import { symEigTop } from '../../../src/core/linalg/top-eigenvectors.js';
import type { Matrix } from '../../../src/core/etran/types.js';
import { seededRandom } from '../../../src/core/random.js';
import { InputError } from '../../../src/core/errors.js';

function mat(rows: number[][]): Matrix {
  const r = rows.length, c = rows[0]!.length;
  return { rows: r, cols: c, data: Float64Array.from(rows.flat()) };
}

function randomMatrix(n: number, d: number, seed: number, scales?: (j: number) => number): Matrix {
  const rnd = seededRandom(seed);
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = (rnd() - 0.5) * (scales ? scales(j) : 1) + 3;
  return { rows: n, cols: d, data };
}

function col(m: Matrix, j: number): number[] {
  return Array.from({ length: m.rows }, (_, i) => m.data[i * m.cols + j]!);
}

describe('pca: hand-computed cases', () => {
  it('points on a line: one component carries all the variance', () => {
    // x = t·(1, 1), t = 0, 1, 3: mean 4/3; scores (t − 4/3)·√2; variance Σ/(N−1) = 14/3.
    const r = pca(mat([[0, 0], [1, 1], [3, 3]]), { components: 2 });
    expect(r.k).toBe(2);
    const s = Math.SQRT2;
    // u-based svd_flip: the largest-magnitude score (5/3·√2) is positive.
    col(r.projected, 0).forEach((v, i) => expect(v).toBeCloseTo([-4 / 3, -1 / 3, 5 / 3][i]! * s, 12));
    col(r.projected, 1).forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-12));
    expect(r.explainedVariance[0]).toBeCloseTo(14 / 3, 12);
    expect(r.explainedVariance[1]).toBeCloseTo(0, 12);
    expect(r.totalVariance).toBeCloseTo(14 / 3, 12);
    expect(r.warnings.join(' ')).toMatch(/zero variance/);
  });

  it('axis-aligned data: components are the axes ordered by variance', () => {
    // column 0 variance 1, column 1 variance 16 (values ±4), column 2 variance 4.
    const X = mat([[1, 4, 2], [-1, 4, -2], [1, -4, -2], [-1, -4, 2]]);
    const r = pca(X, { components: 3 });
    const vars = [16, 4, 1].map((v) => (v * 4) / 3);
    r.explainedVariance.forEach((v, j) => expect(v).toBeCloseTo(vars[j]!, 12));
    expect(r.totalVariance).toBeCloseTo(28, 12);
    // first score column is ±(column 1): entries ±4
    col(r.projected, 0).forEach((v) => expect(Math.abs(v)).toBeCloseTo(4, 12));
  });

  it('varianceShare follows sklearn: searchsorted(cumsum(ratio), share, right) + 1', () => {
    // ratios .4 .3 .2 .1 → cumsum .4 .7 .9 1
    expect(componentsForShare([4, 3, 2, 1], 0.5)).toBe(2);
    expect(componentsForShare([4, 3, 2, 1], 0.39)).toBe(1);
    expect(componentsForShare([4, 3, 2, 1], 0.8)).toBe(3);
    expect(componentsForShare([4, 3, 2, 1], 0.95)).toBe(4);
    // a zero-variance tail never gets picked
    expect(componentsForShare([1, 0], 0.999)).toBe(1);
    // independent columns with variances ∝ 4, 3, 2, 1 (±√v each, balanced)
    const rows: number[][] = [];
    for (const a of [-1, 1]) for (const b of [-1, 1]) for (const c of [-1, 1]) for (const e of [-1, 1]) rows.push([2 * a, Math.sqrt(3) * b, Math.SQRT2 * c, e]);
    expect(pca(mat(rows), { varianceShare: 0.5 }).k).toBe(2);
    expect(pca(mat(rows), { varianceShare: 0.8 }).k).toBe(3);
  });
});

describe('pca: properties', () => {
  it('scores are uncorrelated, centred, with the reported variances (both routes)', () => {
    for (const [n, d] of [[80, 12], [10, 40]] as const) {
      const X = randomMatrix(n, d, n + d, (j) => 1 + j);
      const k = 6;
      const r = pca(X, { components: k });
      const P = r.projected;
      for (let a = 0; a < k; a++) {
        const ca = col(P, a);
        expect(Math.abs(ca.reduce((s, v) => s + v, 0))).toBeLessThan(1e-9);
        for (let b = 0; b <= a; b++) {
          const cb = col(P, b);
          const cov = ca.reduce((s, v, i) => s + v * cb[i]!, 0) / (n - 1);
          if (a === b) expect(cov / r.explainedVariance[a]!).toBeCloseTo(1, 10);
          else expect(Math.abs(cov) / r.explainedVariance[0]!).toBeLessThan(1e-12);
        }
      }
      // total variance = trace of the covariance
      let tv = 0;
      for (let j = 0; j < d; j++) {
        const c = col(X, j);
        const m = c.reduce((s, v) => s + v, 0) / n;
        tv += c.reduce((s, v) => s + (v - m) ** 2, 0) / (n - 1);
      }
      expect(r.totalVariance / tv).toBeCloseTo(1, 12);
      // variances match the eigenvalues of the covariance computed the slow way
      const Xc = new Float64Array(n * d);
      for (let j = 0; j < d; j++) {
        const c = col(X, j);
        const m = c.reduce((s, v) => s + v, 0) / n;
        c.forEach((v, i) => (Xc[i * d + j] = v - m));
      }
      const XcT = new Float64Array(d * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) XcT[j * n + i] = Xc[i * d + j]!;
      const ev = symEig(matmulABt(XcT, d, XcT, d, n), d).values;
      for (let j = 0; j < k; j++) expect(r.explainedVariance[j]! / (ev[d - 1 - j]! / (n - 1))).toBeCloseTo(1, 10);
    }
  });

  it('the N < D (Gram) route and the N ≥ D (scatter) route agree', () => {
    // Constant columns change nothing; appending 20 of them moves N = 25 from N ≥ D to N < D.
    const n = 25;
    const X = randomMatrix(n, 20, 7, (j) => 1 + 0.3 * j); // N ≥ D: scatter
    const wide: Matrix = { rows: n, cols: 40, data: new Float64Array(n * 40) };
    for (let i = 0; i < n; i++) for (let j = 0; j < 40; j++) wide.data[i * 40 + j] = j < 20 ? X.data[i * 20 + j]! : 5;
    const a = pca(X, { components: 8 });
    const b = pca(wide, { components: 8 }); // N < D: Gram
    for (let j = 0; j < 8; j++) expect(b.explainedVariance[j]! / a.explainedVariance[j]!).toBeCloseTo(1, 10);
    for (let i = 0; i < a.projected.data.length; i++) expect(b.projected.data[i]!).toBeCloseTo(a.projected.data[i]!, 9);
  });

  it('invariant to translation and to a rotation of the features (up to sign convention)', () => {
    const n = 60, d = 5;
    const X = randomMatrix(n, d, 11, (j) => 2 ** j);
    const rnd = seededRandom(5);
    const M = new Float64Array(d * d).map(() => rnd() - 0.5);
    const R = symEig(matmulABt(M, d, M, d, d), d, identity(d), d).vtb!; // orthogonal
    const Y: Matrix = { rows: n, cols: d, data: new Float64Array(n * d) };
    const XR = matmulABt(X.data, n, R, d, d);
    for (let i = 0; i < n * d; i++) Y.data[i] = XR[i]! - 100;
    const a = pca(X, { components: 3 });
    const b = pca(Y, { components: 3 });
    for (let i = 0; i < a.projected.data.length; i++) expect(b.projected.data[i]!).toBeCloseTo(a.projected.data[i]!, 9);
  });

  it('sign convention: each score column has its largest-magnitude entry positive', () => {
    const r = pca(randomMatrix(40, 9, 3), { components: 9 });
    for (let j = 0; j < 9; j++) {
      const c = col(r.projected, j);
      const big = c.reduce((m, v) => (Math.abs(v) > Math.abs(m) ? v : m), 0);
      expect(big).toBeGreaterThan(0);
    }
  });
});

// ---------------------------------------------------------------- parity with sklearn PCA(svd_solver='full')

interface PcaGolden {
  name: string; seed: number; sizes: number[]; d: number; scale: number; sep: number;
  components?: number; share?: number; k: number; explained_variance: number[]; total_variance: number; projected: number[];
}
const golden = JSON.parse(readFileSync(new URL('../../golden/ncti_golden.json', import.meta.url), 'utf8')) as { pca: PcaGolden[] };

/** test/golden/ncti_golden.py's generator (same seeded stream, same arithmetic). */
function makeGolden(s: PcaGolden): Matrix {
  const rnd = seededRandom(s.seed);
  const C = s.sizes.length, d = s.d;
  const ids: number[] = s.sizes.flatMap((sz, c) => Array<number>(sz).fill(c));
  const centre: number[][] = [];
  for (let c = 0; c < C; c++) centre.push(Array.from({ length: d }, () => rnd() - 0.5));
  const data = new Float64Array(ids.length * d);
  ids.forEach((c, i) => {
    for (let j = 0; j < d; j++) data[i * d + j] = s.scale * (s.sep * centre[c]![j]! + (rnd() - 0.5) * (1 + (j % 5)));
  });
  return { rows: ids.length, cols: d, data };
}

describe('pca: parity with scikit-learn (test/golden/ncti_golden.py)', () => {
  it.each(golden.pca.map((g) => [g.name, g] as const))('%s', (_n, g) => {
    const X = makeGolden(g);
    const r = pca(X, g.components !== undefined ? { components: g.components } : { varianceShare: g.share! });
    expect(r.k).toBe(g.k);
    g.explained_variance.forEach((v, j) => expect(Math.abs(r.explainedVariance[j]! - v) / v).toBeLessThan(1e-12));
    expect(Math.abs(r.totalVariance - g.total_variance) / g.total_variance).toBeLessThan(1e-12);
    // same svd_flip convention (sklearn 1.2, u-based): scores compare entry by entry
    const scale = Math.sqrt(g.explained_variance[0]!);
    g.projected.forEach((v, i) => expect(Math.abs(r.projected.data[i]! - v)).toBeLessThan(1e-11 * scale));
  });
});

describe('pca: edges and errors', () => {
  it('clamps components to min(N, D) with a warning', () => {
    const r = pca(randomMatrix(5, 3, 1), { components: 10 });
    expect(r.k).toBe(3);
    expect(r.warnings.join(' ')).toMatch(/min\(N, D\) = 3/);
    const w = pca(randomMatrix(4, 30, 1), { components: 10 });
    expect(w.k).toBe(4);
    expect(w.warnings.join(' ')).toMatch(/zero variance/); // 4 centred rows have rank 3
  });

  it('constant features: zero scores and a warning', () => {
    const X = mat([[1, 2], [1, 2], [1, 2]]);
    const r = pca(X, { components: 1 });
    expect(Array.from(r.projected.data)).toEqual([0, 0, 0]);
    expect(r.totalVariance).toBe(0);
    expect(r.warnings.join(' ')).toMatch(/constant/);
    expect(pca(X, { varianceShare: 0.5 }).k).toBe(1);
  });

  it('a constant column is simply a zero-variance direction', () => {
    const X = randomMatrix(30, 4, 9);
    for (let i = 0; i < 30; i++) X.data[i * 4 + 2] = 7;
    const r = pca(X, { components: 4 });
    expect(r.explainedVariance[3]).toBeLessThan(1e-12);
    expect(r.explainedVariance[2]).toBeGreaterThan(1e-3);
  });

  it('rejects bad options', () => {
    const X = randomMatrix(5, 3, 1);
    expect(() => pca(X, {})).toThrow(InputError);
    expect(() => pca(X, { components: 2, varianceShare: 0.5 })).toThrow(/exactly one/);
    expect(() => pca(X, { components: 0 })).toThrow(/integer/);
    expect(() => pca(X, { components: 1.5 })).toThrow(/integer/);
    expect(() => pca(X, { varianceShare: 1 })).toThrow(/\(0, 1\)/);
    expect(() => pca(randomMatrix(1, 3, 1), { components: 1 })).toThrow(/at least 2 samples/);
  });
});

describe('symEigTop (the kernel under pca)', () => {
  it('matches symEig on a matrix with clustered and repeated eigenvalues', () => {
    const n = 90;
    const rnd = seededRandom(2);
    const M = new Float64Array(n * n).map(() => rnd() - 0.5);
    const Q = symEig(matmulABt(M, n, M, n, n), n, identity(n), n).vtb!;
    const lam = Array.from({ length: n }, (_, i) => (i < 4 ? 10 : i < 9 ? 10 + 1e-11 * i : i < 15 ? 2 : 1e-3 * rnd()));
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let q = 0; q < n; q++) s += Q[q * n + i]! * lam[q]! * Q[q * n + j]!;
      A[i * n + j] = s;
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) A[j * n + i] = A[i * n + j]!;
    const k = 20;
    const top = symEigTop(A, n, k);
    for (let j = 0; j < k; j++) {
      const v = top.vectors.subarray(j * n, (j + 1) * n);
      const l = top.values[n - 1 - j]!;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let q = 0; q < n; q++) s += A[i * n + q]! * v[q]!;
        expect(Math.abs(s - l * v[i]!)).toBeLessThan(1e-13);
      }
      for (let q = 0; q <= j; q++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += v[i]! * top.vectors[q * n + i]!;
        expect(Math.abs(s - (q === j ? 1 : 0))).toBeLessThan(1e-13);
      }
    }
  });
});

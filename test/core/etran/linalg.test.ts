/**
 * The dense kernels behind the metrics, against naive definitions.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  cholesky, choleskyLogDet, choleskySolveInPlace, gramRows, gramT, identity, matmulABt, pinvQuadratic, symEig,
} from '../../../src/core/etran/linalg.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}
const randomMatrix = (r: number, c: number, seed: number): Float64Array => Float64Array.from({ length: r * c }, rng(seed));
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};
function naiveAtA(X: Float64Array, n: number, d: number, center: Float64Array | null): Float64Array {
  const G = new Float64Array(d * d);
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) {
    G[a * d + b]! += (X[i * d + a]! - (center?.[a] ?? 0)) * (X[i * d + b]! - (center?.[b] ?? 0));
  }
  return G;
}

const savedThreads = process.env.ETRAN_THREADS;
afterEach(() => {
  if (savedThreads === undefined) delete process.env.ETRAN_THREADS;
  else process.env.ETRAN_THREADS = savedThreads;
});

describe('Gram matrices and products', () => {
  it.each([[1, 1], [3, 5], [7, 9], [33, 13], [300, 21], [515, 6]])('XᵀX and centred scatter, N=%i D=%i', (n, d) => {
    const X = randomMatrix(n, d, n * 31 + d);
    const center = Float64Array.from({ length: d }, (_, j) => 0.01 * j);
    expect(maxAbs(gramT({ rows: n, cols: d, data: X }), naiveAtA(X, n, d, null))).toBeLessThan(1e-12);
    expect(maxAbs(gramT({ rows: n, cols: d, data: X }, center), naiveAtA(X, n, d, center))).toBeLessThan(1e-12);
  });
  it('row-weighted Gram', () => {
    const n = 40, d = 6;
    const X = randomMatrix(n, d, 5);
    const w = Float64Array.from({ length: n }, (_, i) => 0.5 + i / n);
    const Xw = X.map((v, k) => v * w[Math.floor(k / d)]!);
    expect(maxAbs(gramT({ rows: n, cols: d, data: X }, null, w), naiveAtA(Xw, n, d, null))).toBeLessThan(1e-12);
  });
  it('XXᵀ and A·Bᵀ', () => {
    const A = randomMatrix(23, 11, 1);
    const B = randomMatrix(7, 11, 2);
    const P = matmulABt(A, 23, B, 7, 11);
    for (let i = 0; i < 23; i++) for (let j = 0; j < 7; j++) {
      let s = 0;
      for (let t = 0; t < 11; t++) s += A[i * 11 + t]! * B[j * 11 + t]!;
      expect(P[i * 7 + j]).toBeCloseTo(s, 12);
    }
    const K = gramRows({ rows: 23, cols: 11, data: A });
    expect(maxAbs(K, matmulABt(A, 23, A, 23, 11))).toBeLessThan(1e-12);
    for (let i = 0; i < 23; i++) for (let j = 0; j < 23; j++) expect(K[i * 23 + j]).toBe(K[j * 23 + i]);
  });
  it('worker threads give bit-identical results to one thread', () => {
    // Big enough to cross the parallel threshold (2·10⁸ multiply-adds for XᵀX).
    const n = 1600, d = 360;
    const X = randomMatrix(n, d, 9);
    const M = randomMatrix(120, d, 10);
    process.env.ETRAN_THREADS = '2';
    const G2 = gramT({ rows: n, cols: d, data: X });
    const P2 = matmulABt(X, n, M, 120, d);
    process.env.ETRAN_THREADS = '1';
    const G1 = gramT({ rows: n, cols: d, data: X });
    const P1 = matmulABt(X, n, M, 120, d);
    expect(maxAbs(G2, G1)).toBe(0);
    expect(maxAbs(P2, P1)).toBe(0);
  });
});

describe('symmetric eigen-decomposition', () => {
  // n ≥ 128 runs the blocked (SIMD) reduction.
  it.each([1, 2, 3, 4, 17, 60, 150])('reconstructs A = V Λ Vᵀ with orthonormal V, n=%i', (n) => {
    const R = randomMatrix(n, n, n);
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = R[i * n + j]! + R[j * n + i]!;
    const { values, vtb } = symEig(A, n, identity(n), n);
    for (let k = 1; k < n; k++) expect(values[k]!).toBeGreaterThanOrEqual(values[k - 1]!);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0, o = 0;
      for (let k = 0; k < n; k++) {
        s += vtb![k * n + i]! * values[k]! * vtb![k * n + j]!;
        o += vtb![i * n + k]! * vtb![j * n + k]!;
      }
      expect(Math.abs(s - A[i * n + j]!)).toBeLessThan(1e-12);
      expect(Math.abs(o - (i === j ? 1 : 0))).toBeLessThan(1e-12);
    }
  });
  it('diagonal matrices (every reflection skipped), unblocked and blocked', () => {
    const A = Float64Array.from([3, 0, 0, 0, 1, 0, 0, 0, 2]);
    expect(Array.from(symEig(A, 3).values)).toEqual([1, 2, 3]);
    const n = 140;
    const D = new Float64Array(n * n);
    for (let i = 0; i < n; i++) D[i * n + i] = (i * 37) % n;
    expect(Array.from(symEig(D, n).values)).toEqual(Array.from({ length: n }, (_, i) => i));
  });
  it.each([12, 90])('VᵀB equals Vᵀ·B (n=%i; ≥ 64 applies the reflectors in SIMD)', (n) => {
    const m = 3;
    const R = randomMatrix(n, n, 4);
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = R[i * n + j]! + R[j * n + i]!;
    const B = randomMatrix(n, m, 5);
    const full = symEig(A, n, identity(n), n).vtb!;
    const vtb = symEig(A, n, B, m).vtb!;
    for (let k = 0; k < n; k++) for (let c = 0; c < m; c++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += full[k * n + j]! * B[j * m + c]!;
      expect(Math.abs(vtb[k * m + c]! - s)).toBeLessThan(1e-12);
    }
  });
});

describe('Cholesky', () => {
  const n = 37;
  const X = randomMatrix(60, n, 6);
  const A = gramT({ rows: 60, cols: n, data: X });
  it('factorises, solves and gives log det', () => {
    const L = cholesky(A, n)!;
    const B = randomMatrix(n, 4, 7);
    const Xs = Float64Array.from(B);
    choleskySolveInPlace(L, n, Xs, 4);
    // A·Xs = B
    for (let i = 0; i < n; i++) for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += A[i * n + j]! * Xs[j * 4 + c]!;
      expect(Math.abs(s - B[i * 4 + c]!)).toBeLessThan(1e-10);
    }
    const eig = symEig(A, n).values;
    expect(choleskyLogDet(L, n)).toBeCloseTo(eig.reduce((s, v) => s + Math.log(v), 0), 9);
  });
  it('blocked path (n ≥ 192): LLᵀ = A, and rank deficiency is refused', () => {
    const m = 230;
    const A2 = gramT({ rows: 300, cols: m, data: randomMatrix(300, m, 11) });
    const L = cholesky(A2, m)!;
    let err = 0;
    for (let i = 0; i < m; i++) for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let t = 0; t <= j; t++) s += L[i * m + t]! * L[j * m + t]!;
      err = Math.max(err, Math.abs(s - A2[i * m + j]!));
    }
    expect(err).toBeLessThan(1e-11);
    for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) expect(L[i * m + j]).toBe(0);
    // SIMD solve path (n ≥ 64), odd number of right-hand sides.
    const B = randomMatrix(m, 5, 13);
    const Xs = Float64Array.from(B);
    choleskySolveInPlace(L, m, Xs, 5);
    let res = 0;
    for (let i = 0; i < m; i++) for (let c = 0; c < 5; c++) {
      let s = 0;
      for (let j = 0; j < m; j++) s += A2[i * m + j]! * Xs[j * 5 + c]!;
      res = Math.max(res, Math.abs(s - B[i * 5 + c]!));
    }
    expect(res).toBeLessThan(1e-9);
    expect(cholesky(gramT({ rows: 150, cols: m, data: randomMatrix(150, m, 12) }), m)).toBeNull();
  });
  it('refuses singular and indefinite matrices', () => {
    expect(cholesky(Float64Array.from([1, 1, 1, 1]), 2)).toBeNull();
    expect(cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toBeNull();
  });
  it('pinvQuadratic drops directions below rcond like numpy.linalg.pinv', () => {
    // A = diag(2, 1e−20): pinv keeps only the first direction at rcond 1e−15.
    const { Q, dropped } = pinvQuadratic(Float64Array.from([2, 0, 0, 1e-20]), 2, Float64Array.from([1, 1]), 1, 1e-15);
    expect(dropped).toBe(1);
    expect(Q[0]).toBeCloseTo(0.5, 15);
  });
});

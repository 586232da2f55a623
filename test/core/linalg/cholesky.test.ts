/**
 * Cholesky factorisation, solves and log det (src/core/linalg/cholesky.ts), on
 * the tiled path and the blocked SIMD path.
 */
import { describe, expect, it } from 'vitest';
import { cholesky, choleskyLogDet, choleskySolveInPlace } from '../../../src/core/linalg/cholesky.js';
import { gramT } from '../../../src/core/linalg/gram.js';
import { symEig } from '../../../src/core/linalg/symmetric-eigen.js';
import { randomMatrix } from './fixtures.js';

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
});

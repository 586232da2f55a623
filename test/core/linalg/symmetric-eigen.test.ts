/**
 * The symmetric eigen-decomposition (src/core/linalg/symmetric-eigen.ts, over
 * tridiagonal.ts): A = V Λ Vᵀ with orthonormal V, and VᵀB without forming V.
 */
import { describe, expect, it } from 'vitest';
import { identity } from '../../../src/core/linalg/matrix.js';
import { symEig } from '../../../src/core/linalg/symmetric-eigen.js';
import { randomMatrix, randomSymmetric } from './fixtures.js';

describe('symmetric eigen-decomposition', () => {
  // n ≥ 128 runs the blocked (SIMD) reduction.
  it.each([1, 2, 3, 4, 17, 60, 150])('reconstructs A = V Λ Vᵀ with orthonormal V, n=%i', (n) => {
    const A = randomSymmetric(n, n);
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
    const A = randomSymmetric(n, 4);
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

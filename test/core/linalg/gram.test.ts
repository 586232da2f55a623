/**
 * Gram matrices and A·Bᵀ (src/core/linalg/gram.ts) against naive definitions,
 * and the worker-thread split against one thread.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { gramRows, gramT, matmulABt } from '../../../src/core/linalg/gram.js';
import { maxAbs, randomMatrix } from './fixtures.js';

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

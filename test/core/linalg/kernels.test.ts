/**
 * The scalar kernels (src/core/linalg/kernels.ts): the row-range drivers against
 * naive sums, and the `.toString()` rule — rebuilt from their source text alone,
 * as parallel.ts ships them to worker threads, they still run and agree.
 */
import { describe, expect, it } from 'vitest';
import { abtRowsScalar, dotBlock, gramRowsScalar, packPanel } from '../../../src/core/linalg/kernels.js';
import { maxAbs, randomMatrix } from './fixtures.js';

function naiveGramLower(X: Float64Array, n: number, d: number, center: Float64Array, w: Float64Array, i0: number, i1: number): Float64Array {
  const G = new Float64Array(d * d);
  for (let i = i0; i < i1; i++) for (let j = 0; j <= i; j++) {
    let s = 0;
    for (let r = 0; r < n; r++) s += (X[r * d + i]! - center[i]!) * w[r]! * (X[r * d + j]! - center[j]!) * w[r]!;
    G[i * d + j] = s;
  }
  return G;
}

describe('scalar kernels', () => {
  const n = 37, d = 11;
  const X = randomMatrix(n, d, 21);
  const center = Float64Array.from({ length: d }, (_, j) => 0.02 * j);
  const w = Float64Array.from({ length: n }, (_, i) => 0.5 + i / n);

  it('gramRowsScalar fills rows [i0, i1) of the lower triangle, whatever the panel width', () => {
    for (const panelRows of [4, 16, 256]) {
      const G = new Float64Array(d * d);
      gramRowsScalar(X, n, d, center, w, 4, 9, G, panelRows);
      // Diagonal 4×4 blocks are computed whole; the lower triangle is what counts.
      for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) G[i * d + j] = 0;
      expect(maxAbs(G, naiveGramLower(X, n, d, center, w, 4, 9))).toBeLessThan(1e-12);
    }
  });

  it('abtRowsScalar computes rows [r0, r1) of A·Bᵀ', () => {
    const B = randomMatrix(5, d, 22);
    const out = new Float64Array(n * 5);
    abtRowsScalar(X, B, 5, d, 3, 30, out, 8);
    for (let i = 0; i < n; i++) for (let j = 0; j < 5; j++) {
      let s = 0;
      if (i >= 3 && i < 30) for (let t = 0; t < d; t++) s += X[i * d + t]! * B[j * d + t]!;
      expect(Math.abs(out[i * 5 + j]! - s)).toBeLessThan(1e-12);
    }
  });

  it('the shipped kernels need nothing but each other (the .toString() rule)', () => {
    const build = new Function(`
      const dotBlock = ${dotBlock.toString()};
      const packPanel = ${packPanel.toString()};
      const gramRowsScalar = ${gramRowsScalar.toString()};
      const abtRowsScalar = ${abtRowsScalar.toString()};
      return { gramRowsScalar, abtRowsScalar };
    `) as () => { gramRowsScalar: typeof gramRowsScalar; abtRowsScalar: typeof abtRowsScalar };
    const shipped = build();
    const G1 = new Float64Array(d * d);
    const G2 = new Float64Array(d * d);
    gramRowsScalar(X, n, d, center, w, 0, d, G1, 8);
    shipped.gramRowsScalar(X, n, d, center, w, 0, d, G2, 8);
    expect(maxAbs(G1, G2)).toBe(0);
    const B = randomMatrix(6, d, 23);
    const P1 = new Float64Array(n * 6);
    const P2 = new Float64Array(n * 6);
    abtRowsScalar(X, B, 6, d, 0, n, P1, 16);
    shipped.abtRowsScalar(X, B, 6, d, 0, n, P2, 16);
    expect(maxAbs(P1, P2)).toBe(0);
  });
});

/**
 * The symmetric eigen-decomposition A = V Λ Vᵀ: Householder tridiagonalisation
 * (tridiagonal.ts), then the implicit QL iteration with Wilkinson shifts on the
 * tridiagonal (EISPACK's tql2 scheme). It returns VᵀB for a few right-hand sides
 * B instead of V, which is all LogME and a pseudo-inverse need and saves the
 * O(n³) accumulation of V.
 */
import { householderTridiagonal, qTransposeTimes } from './tridiagonal.js';

export interface SymEig {
  /** Eigenvalues in ascending order. */
  values: Float64Array;
  /** VᵀB (n×m, row k = eigenvector k · B) when B was given, rows in the order of `values`. */
  vtb: Float64Array | null;
}

/**
 * Eigen-decomposition of a symmetric n×n matrix (only its lower triangle is read).
 *
 * Householder reduction to tridiagonal form T = QᵀAQ on the lower triangle
 * (row-wise, so every inner loop walks contiguous memory), then the implicit
 * QL iteration with Wilkinson shifts (tql2). The eigenvectors are V = Q·Z; rather
 * than accumulating them (O(n³) more work), the reflectors and the QL rotations
 * are applied to B, giving VᵀB directly. Pass the identity as B to get Vᵀ.
 */
export function symEig(A: Float64Array, n: number, B: Float64Array | null = null, m = 0): SymEig {
  const { a, d, e, betas } = householderTridiagonal(A, n);
  // W = QᵀB = H_{n-3} ... H_0 B.
  let W: Float64Array | null = null;
  if (B) W = qTransposeTimes(a, n, betas, B, m);
  tql2(d, e, n, W, m);

  // Ascending order, eigenvalues and the rows of VᵀB together.
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => d[i]! - d[j]!);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = d[order[i]!]!;
  let vtb: Float64Array | null = null;
  if (W) {
    vtb = new Float64Array(n * m);
    for (let i = 0; i < n; i++) vtb.set(W.subarray(order[i]! * m, order[i]! * m + m), i * m);
  }
  return { values, vtb };
}


/**
 * Implicit QL with shifts on the symmetric tridiagonal (d, e), e[i] coupling
 * i and i+1 (JAMA/EISPACK tql2). Rotations are applied to the rows of W (n×m).
 */
export function tql2(d: Float64Array, e: Float64Array, n: number, W: Float64Array | null, m: number): void {
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let mm = l;
    while (mm < n) {
      if (Math.abs(e[mm]!) <= eps * tst1) break;
      mm++;
    }
    if (mm > l) {
      let iter = 0;
      do {
        if (++iter > 60) break; // never seen in practice; keeps a pathological input from looping
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.sqrt(p * p + 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i]! -= h;
        f += h;
        p = d[mm]!;
        let c = 1, c2 = c, c3 = c;
        const el1 = e[l + 1]!;
        let s = 0, s2 = 0;
        for (let i = mm - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.sqrt(p * p + e[i]! * e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          if (W) {
            const oi = i * m, o1 = oi + m;
            for (let k = 0; k < m; k++) {
              const wi = W[oi + k]!, w1 = W[o1 + k]!;
              W[o1 + k] = s * wi + c * w1;
              W[oi + k] = c * wi - s * w1;
            }
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > eps * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
}

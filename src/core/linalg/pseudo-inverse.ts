/**
 * Quadratic forms through the pseudo-inverse of a symmetric matrix, with
 * numpy's `pinv` cut-off, for scores whose covariance may be singular (H-score).
 */
import { symEig } from './symmetric-eigen.js';

/**
 * Σ_c wᵀ_c pinv(A) w_c-style quadratic forms: returns Bᵀ pinv(A) B (m×m) for a
 * symmetric n×n A and B (n×m), with numpy's pinv cut-off: singular values
 * (|eigenvalues|) ≤ rcond · max kept out.
 */
export function pinvQuadratic(A: Float64Array, n: number, B: Float64Array, m: number, rcond: number): { Q: Float64Array; dropped: number } {
  const { values, vtb } = symEig(A, n, B, m);
  let maxAbs = 0;
  for (let i = 0; i < n; i++) maxAbs = Math.max(maxAbs, Math.abs(values[i]!));
  const cut = rcond * maxAbs;
  const Q = new Float64Array(m * m);
  let dropped = 0;
  for (let k = 0; k < n; k++) {
    const lam = values[k]!;
    if (!(Math.abs(lam) > cut)) {
      dropped++;
      continue;
    }
    const inv = 1 / lam;
    const row = k * m;
    for (let a = 0; a < m; a++) {
      const fa = vtb![row + a]! * inv;
      if (fa === 0) continue;
      for (let b = 0; b < m; b++) Q[a * m + b]! += fa * vtb![row + b]!;
    }
  }
  return { Q, dropped };
}

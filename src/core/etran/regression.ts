/**
 * ETran's regression score S_reg for detection: how well the features predict
 * the box targets T (N×m, e.g. normalised cx, cy, w, h) by linear least squares
 * without intercept.
 *
 * Default = the official (unused) `_solve_eigen2`: the minimum-norm fit
 * W = V S⁻¹ Uᵀ T from the thin SVD of X, S_reg = −mean((XW − T)²), here in Float64
 * (upstream casts X to float32 first, which moves S_reg by ~1e−6).
 * XW = U Uᵀ T, so the residual is ‖T‖² − ‖UᵀT‖², computed from the
 * eigen-decomposition of the smaller Gram matrix (XᵀX when N > D, else XXᵀ).
 * Singular values below 1e−7·σ_max are treated as zero: the Gram route cannot
 * resolve them, and upstream's inv(diag(S)) only amplifies rounding there.
 *
 * When N ≤ D the fit is exact and S_reg = 0 for every model. Option energyShare
 * keeps only the leading singular values that carry that share of Σσ² (the
 * smallest such count), which restores a meaningful residual.
 */
import { InputError } from '../errors.js';
import { gramRows, gramT } from '../linalg/gram.js';
import { symEig } from '../linalg/symmetric-eigen.js';
import type { Matrix } from './types.js';

export interface RegressionOptions {
  /** Keep the leading singular values carrying this share of the energy Σσ² (0 < share ≤ 1). */
  energyShare?: number;
}

export function regression(X: Matrix, T: Matrix, opts: RegressionOptions = {}): { value: number; warnings: string[]; rank: number } {
  const { rows: n, cols: d, data } = X;
  return regressionFrom(n, d, T, opts, {
    crossProducts: () => {
      const m = T.cols;
      const B = new Float64Array(d * m); // XᵀT
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) {
        const x = data[i * d + j]!;
        for (let c = 0; c < m; c++) B[j * m + c]! += x * T.data[i * m + c]!;
      }
      return { G: gramT(X), B };
    },
    rowGram: () => gramRows(X),
  });
}

/** Where the fit's Gram matrix comes from: XᵀX and XᵀT when N > D, else XXᵀ (each asked for only on its side). */
export interface RegressionSources {
  crossProducts(): { G: Float64Array; B: Float64Array };
  rowGram(): Float64Array;
}

/** S_reg from the Gram matrices of X (shared by the in-memory and streamed paths). */
export function regressionFrom(n: number, d: number, T: Matrix, opts: RegressionOptions, from: RegressionSources): { value: number; warnings: string[]; rank: number } {
  const m = T.cols;
  if (T.rows !== n) throw new InputError(null, `regression: ${n} feature rows but ${T.rows} target rows`);
  if (m === 0) throw new InputError(null, 'regression: no target columns');
  const share = opts.energyShare;
  if (share !== undefined && !(share > 0 && share <= 1)) throw new InputError(null, `regression: energyShare must be in (0, 1], got ${share}`);
  const warnings: string[] = [];
  let tt = 0;
  for (let i = 0; i < n * m; i++) tt += T.data[i]! ** 2;

  // Eigen-decomposition of the smaller Gram with B such that (VᵀB)²/λ or (VᵀB)² gives ‖u_kᵀT‖².
  let values: Float64Array;
  let proj: Float64Array;
  const tall = n > d;
  if (tall) {
    const { G, B } = from.crossProducts();
    ({ values, vtb: proj } = symEig(G, d, B, m) as { values: Float64Array; vtb: Float64Array });
  } else {
    ({ values, vtb: proj } = symEig(from.rowGram(), n, T.data, m) as { values: Float64Array; vtb: Float64Array });
  }
  const k = values.length;
  const lamMax = Math.max(0, values[k - 1]!);
  const floor = lamMax * 1e-14; // (1e−7·σ_max)²
  let energyTotal = 0;
  for (let r = 0; r < k; r++) if (values[r]! > floor) energyTotal += values[r]!;
  let explained = 0;
  let rank = 0;
  let acc = 0;
  for (let r = k - 1; r >= 0; r--) {
    const lam = values[r]!;
    if (!(lam > floor)) break;
    if (share !== undefined && acc >= share * energyTotal * (1 - 1e-12)) break;
    acc += lam;
    rank++;
    for (let c = 0; c < m; c++) {
      const p = proj[r * m + c]!;
      explained += tall ? (p * p) / lam : p * p;
    }
  }
  const residual = Math.max(0, tt - explained);
  if (n <= d && share === undefined) warnings.push(`regression: N = ${n} ≤ D = ${d}, so the least-squares fit is exact and the score is 0 for any features; use energyShare`);
  return { value: -residual / (n * m), warnings, rank };
}

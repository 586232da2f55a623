/**
 * TransRate (Huang et al., ICML 2022) as TLlib's `transrate` computes it:
 * centre X by its column means, R(Z) = ½·logdet(I + ZᵀZ/(n·ε)) with n the rows
 * of Z, TrR = R(X) − (1/C)·Σ_c R(X_c), classes not re-centred.
 *
 * log-determinants from Cholesky factors (the matrices are I + PSD, so positive
 * definite); a class with n_c < D uses the n_c×n_c form logdet(I + Z Zᵀ/(n_c ε))
 * (Sylvester's identity), which is the same number for less work. R(X) takes its
 * Gram matrix from the shared centred scatter.
 */
import { InputError } from '../errors.js';
import { cholesky, choleskyLogDet } from '../linalg/cholesky.js';
import { gramRows, gramT } from '../linalg/gram.js';
import { centredScatter } from '../linalg/statistics.js';
import { symEig } from '../linalg/symmetric-eigen.js';
import { checkLabels } from './labels.js';
import type { Labels, Matrix } from './types.js';

export interface TransrateOptions {
  /** Distortion ε (default 1e−4, upstream's). */
  eps?: number;
}

/** ½·logdet(I + G/(n·eps)) for a PSD Gram matrix G (m×m). */
function halfLogDetIPlus(G: Float64Array, m: number, n: number, eps: number): number {
  const A = new Float64Array(m * m);
  const f = 1 / (n * eps);
  for (let i = 0; i < m * m; i++) A[i] = G[i]! * f;
  for (let i = 0; i < m; i++) A[i * m + i]! += 1;
  const L = cholesky(A, m, 0);
  if (L) return 0.5 * choleskyLogDet(L, m);
  // Only rounding can make I + PSD fail Cholesky; eigenvalues then.
  const { values } = symEig(A, m);
  let s = 0;
  for (const v of values) s += Math.log(Math.abs(v));
  return 0.5 * s;
}

export function transrate(X: Matrix, y: Labels, opts: TransrateOptions = {}): { value: number; warnings: string[] } {
  const eps = opts.eps ?? 1e-4;
  if (!(eps > 0)) throw new InputError(null, `transrate: eps must be > 0, got ${eps}`);
  checkLabels(X, y, 'transrate');
  const { rows: n, cols: d, data } = X;
  const C = y.numClasses;
  const { mean, scatter } = centredScatter(X);
  const rAll = halfLogDetIPlus(scatter, d, n, eps);
  // Rows of each class, centred by the global mean.
  const counts = new Int32Array(C);
  for (let i = 0; i < n; i++) counts[y.ids[i]!]!++;
  const offsets = new Int32Array(C + 1);
  for (let c = 0; c < C; c++) offsets[c + 1] = offsets[c]! + counts[c]!;
  const fill = offsets.slice(0, C);
  const sorted = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const r = fill[y.ids[i]!]!++;
    for (let j = 0; j < d; j++) sorted[r * d + j] = data[i * d + j]! - mean[j]!;
  }
  let rClasses = 0;
  for (let c = 0; c < C; c++) {
    const nc = counts[c]!;
    if (nc === 0) continue;
    const Z: Matrix = { rows: nc, cols: d, data: sorted.subarray(offsets[c]! * d, offsets[c + 1]! * d) };
    rClasses += nc < d ? halfLogDetIPlus(gramRows(Z), nc, nc, eps) : halfLogDetIPlus(gramT(Z), d, nc, eps);
  }
  return { value: rAll - rClasses / C, warnings: [] };
}

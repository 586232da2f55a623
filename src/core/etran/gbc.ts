/**
 * GBC, Gaussian Bhattacharyya Coefficient (Pándy et al., CVPR 2022), as
 * google-research `stable_transfer/transferability/gbc.py` computes it with
 * gaussian_type='spherical'.
 *
 * Per class: mean μ_c and population variance per dimension, each variance
 * clamped to ≥ 1e−4, σ_c = mean of those variances. For each ordered pair
 * c1 ≠ c2, σ̄ = (σ1+σ2)/2 and
 *   D_B = Σ_d (μ1−μ2)²/σ̄ / 8 + ½·[log σ̄ − ½ log σ1 − ½ log σ2];
 * GBC = −Σ_{c1≠c2} exp(−D_B).
 *
 * Runs on the raw features by default. Option pcaDims projects onto the top
 * principal components first (their experiment configs use 64), via the
 * eigenvectors of the covariance — O(D³), meant for moderate D.
 */
import { InputError } from '../errors.js';
import { identity } from '../linalg/matrix.js';
import { centredScatter } from '../linalg/statistics.js';
import { symEig } from '../linalg/symmetric-eigen.js';
import { checkLabels } from './labels.js';
import type { Labels, Matrix } from './types.js';

export interface GbcOptions {
  pcaDims?: number;
}

function project(X: Matrix, k: number): Matrix {
  const { rows: n, cols: d, data } = X;
  const { mean, scatter } = centredScatter(X);
  const { vtb } = symEig(scatter, d, identity(d), d); // ascending; last k rows = top components
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < k; r++) {
      const v = (d - 1 - r) * d;
      let s = 0;
      for (let j = 0; j < d; j++) s += (data[i * d + j]! - mean[j]!) * vtb![v + j]!;
      out[i * k + r] = s;
    }
  }
  return { rows: n, cols: k, data: out };
}

export function gbc(X: Matrix, y: Labels, opts: GbcOptions = {}): { value: number; warnings: string[] } {
  checkLabels(X, y, 'gbc');
  const warnings: string[] = [];
  let F = X;
  if (opts.pcaDims !== undefined) {
    const k = opts.pcaDims;
    if (!(Number.isInteger(k) && k >= 1)) throw new InputError(null, `gbc: pcaDims must be a positive integer, got ${k}`);
    if (k >= Math.min(X.rows, X.cols)) warnings.push(`gbc: pcaDims ${k} ≥ min(N, D) = ${Math.min(X.rows, X.cols)}; using the raw features`);
    else F = project(X, k);
  }
  const { rows: n, cols: d, data } = F;
  const C = y.numClasses;
  const mu = new Float64Array(C * d);
  const sq = new Float64Array(C * d);
  const cnt = new Float64Array(C);
  for (let i = 0; i < n; i++) {
    const c = y.ids[i]!;
    cnt[c]! += 1;
    for (let j = 0; j < d; j++) mu[c * d + j]! += data[i * d + j]!;
  }
  for (let c = 0; c < C; c++) for (let j = 0; j < d; j++) mu[c * d + j]! /= cnt[c]!;
  // Two-pass variance (as numpy/TF reduce_variance: mean of squared deviations).
  for (let i = 0; i < n; i++) {
    const c = y.ids[i]!;
    for (let j = 0; j < d; j++) sq[c * d + j]! += (data[i * d + j]! - mu[c * d + j]!) ** 2;
  }
  return { value: gbcFromMoments(mu, sq, cnt, C, d), warnings };
}

/** −Σ_{c1≠c2} exp(−D_B) from class means, per-class sums of squared deviations and counts (shared by the in-memory and streamed paths). */
export function gbcFromMoments(mu: Float64Array, sq: Float64Array, cnt: Float64Array, C: number, d: number): number {
  const sigma = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += Math.max(sq[c * d + j]! / cnt[c]!, 1e-4);
    sigma[c] = s / d;
  }
  let total = 0;
  for (let a = 0; a < C; a++) {
    for (let b = 0; b < C; b++) {
      if (a === b) continue;
      const avg = (sigma[a]! + sigma[b]!) / 2;
      let dist = 0;
      for (let j = 0; j < d; j++) dist += (mu[a * d + j]! - mu[b * d + j]!) ** 2 / avg;
      const db = dist / 8 + 0.5 * (Math.log(avg) - 0.5 * Math.log(sigma[a]!) - 0.5 * Math.log(sigma[b]!));
      total += Math.exp(-db);
    }
  }
  return -total;
}

/**
 * H-score (Bao et al., ICIP 2019) as TLlib's `h_score` computes it:
 *   tr( pinv(Cov(X), rcond=1e−15) · Cov(G) ),  G_i = μ_{y_i},
 * both covariances with N − 1.
 *
 * Cov(G) = Σ_c n_c d_c d_cᵀ/(N−1) with d_c = μ_c − μ, so the trace is
 * Σ_c n_c d_cᵀ Cov⁻¹ d_c / (N−1): one Cholesky factorisation and C solves
 * instead of an SVD-based pseudo-inverse. When Cov(X) is singular or nearly so
 * (constant columns, N ≤ D), the exact upstream pseudo-inverse is used instead
 * (eigen-decomposition, singular values ≤ 1e−15·max dropped), with a warning.
 */
import { cholesky, choleskySolveInPlace } from '../linalg/cholesky.js';
import { pinvQuadratic } from '../linalg/pseudo-inverse.js';
import { centredScatter, classStats } from '../linalg/statistics.js';
import { checkLabels } from './labels.js';
import type { Labels, Matrix } from './types.js';

/** Σ_c w_c d_cᵀ A⁺ d_c for symmetric A (D×D), D columns d_c in B (D×C, row-major). */
export function weightedQuadraticForms(
  A: Float64Array, d: number, B: Float64Array, C: number, w: Float64Array, rcond: number,
  warnings: string[], what: string, forceChol = false,
): number {
  // Cholesky unless a pivot falls below 1e−12 of the largest diagonal: there the
  // exact pseudo-inverse semantics (which drop directions) matter.
  const L = cholesky(A, d, forceChol ? 0 : 1e-12);
  let total = 0;
  if (L) {
    const Xs = Float64Array.from(B);
    choleskySolveInPlace(L, d, Xs, C);
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += B[j * C + c]! * Xs[j * C + c]!;
      total += w[c]! * s;
    }
    return total;
  }
  const { Q, dropped } = pinvQuadratic(A, d, B, C, rcond);
  warnings.push(`${what}: the feature covariance is singular (${dropped} of ${d} directions below rcond=${rcond}); used its pseudo-inverse as upstream does`);
  for (let c = 0; c < C; c++) total += w[c]! * Q[c * C + c]!;
  return total;
}

/** Class-mean offsets d_c = μ_c − μ as a D×C row-major matrix, and the counts. */
export function classOffsets(X: Matrix, y: Labels, mean: Float64Array): { B: Float64Array; counts: Float64Array } {
  const stats = classStats(X, y);
  return { B: offsetsFromMeans(stats.means, mean, y.numClasses, X.cols), counts: stats.counts };
}

/** d_c = μ_c − μ (D×C, row-major) from the C×D class means. */
export function offsetsFromMeans(means: Float64Array, mean: Float64Array, C: number, d: number): Float64Array {
  const B = new Float64Array(d * C);
  for (let c = 0; c < C; c++) for (let j = 0; j < d; j++) B[j * C + c] = means[c * d + j]! - mean[j]!;
  return B;
}

/** What the H-score is a function of: N, the column means, the centred scatter, the class means and counts. */
export interface HscoreStats {
  n: number;
  d: number;
  numClasses: number;
  mean: Float64Array;
  scatter: Float64Array;
  classMeans: Float64Array;
  counts: Float64Array;
}

export function hscore(X: Matrix, y: Labels): { value: number; warnings: string[] } {
  checkLabels(X, y, 'hscore');
  const { rows: n, cols: d } = X;
  if (n < 2) return { value: NaN, warnings: ['hscore: needs at least 2 samples'] };
  const { mean, scatter } = centredScatter(X);
  const stats = classStats(X, y);
  return hscoreFromStats({ n, d, numClasses: y.numClasses, mean, scatter, classMeans: stats.means, counts: stats.counts });
}

/** The H-score from its statistics (the in-memory and the streamed path share this). */
export function hscoreFromStats(s: HscoreStats): { value: number; warnings: string[] } {
  const warnings: string[] = [];
  const { n, d, numClasses: C } = s;
  if (n < 2) return { value: NaN, warnings: ['hscore: needs at least 2 samples'] };
  const cov = new Float64Array(d * d);
  for (let i = 0; i < d * d; i++) cov[i] = s.scatter[i]! / (n - 1);
  const B = offsetsFromMeans(s.classMeans, s.mean, C, d);
  const w = s.counts.map((c) => c / (n - 1));
  const value = weightedQuadraticForms(cov, d, B, C, w, 1e-15, warnings, 'hscore');
  if (n <= d) warnings.push(`hscore: N = ${n} ≤ D = ${d}: the covariance is rank-deficient and the score reflects that`);
  return { value, warnings };
}

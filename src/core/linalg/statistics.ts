/**
 * The column and class statistics the transferability metrics share: column
 * means, per-class means and priors, and the centred scatter matrix, which is
 * computed once per feature matrix and reused by every metric that needs it.
 */
import type { Labels, Matrix } from '../etran/types.js';
import { gramT } from './gram.js';

/** Column means of an N×D matrix. */
export function columnMeans(X: Matrix): Float64Array {
  const { rows: n, cols: d, data } = X;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) mean[j]! += data[o + j]!;
  }
  for (let j = 0; j < d; j++) mean[j]! /= n;
  return mean;
}

export interface ClassStats {
  /** C×D class means, row-major. */
  means: Float64Array;
  /** Samples per class. */
  counts: Float64Array;
  /** Priors n_c / N. */
  priors: Float64Array;
}

/** Per-class means and priors (labels must be contiguous 0..C−1). */
export function classStats(X: Matrix, y: Labels): ClassStats {
  const { rows: n, cols: d, data } = X;
  const c = y.numClasses;
  const means = new Float64Array(c * d);
  const counts = new Float64Array(c);
  for (let i = 0; i < n; i++) {
    const k = y.ids[i]!;
    counts[k]! += 1;
    const o = i * d;
    const m = k * d;
    for (let j = 0; j < d; j++) means[m + j]! += data[o + j]!;
  }
  const priors = new Float64Array(c);
  for (let k = 0; k < c; k++) {
    const inv = counts[k]! > 0 ? 1 / counts[k]! : 0;
    for (let j = 0; j < d; j++) means[k * d + j]! *= inv;
    priors[k] = counts[k]! / n;
  }
  return { means, counts, priors };
}

export interface CentredScatter {
  /** Column means μ. */
  mean: Float64Array;
  /** S = Σ_i (x_i − μ)(x_i − μ)ᵀ (D×D, not divided by anything). */
  scatter: Float64Array;
}

const scatterCache = new WeakMap<Float64Array, CentredScatter>();

/**
 * The centred scatter matrix of X, computed once per feature matrix and shared
 * by every metric that needs it (LogME's XᵀX = S + NμμᵀN, covariances, within-class
 * scatter). Keyed by the identity of X.data: the metrics never modify their input,
 * and callers must not modify a matrix after scoring it.
 */
export function centredScatter(X: Matrix): CentredScatter {
  const hit = scatterCache.get(X.data);
  if (hit) return hit;
  const mean = columnMeans(X);
  const scatter = gramT(X, mean);
  const out = { mean, scatter };
  scatterCache.set(X.data, out);
  return out;
}

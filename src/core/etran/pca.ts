/**
 * Principal component analysis, exact, as scikit-learn's `PCA(svd_solver='full')`.
 *
 * With X̃ = X − mean (N×D) and X̃ = U Σ Wᵀ its thin SVD, the scores are
 * projected = X̃ W_k = U_k Σ_k, explained variance λ_i = σ_i² / (N − 1) and
 * total variance tr(X̃ᵀX̃) / (N − 1). The spectrum comes from whichever Gram
 * matrix is smaller:
 *   N ≥ D: the D×D centred scatter X̃ᵀX̃ = W Σ² Wᵀ (shared with the other
 *          metrics through linalg.centredScatter), top-k eigenvectors W_k by
 *          linalg.symEigTop, then X̃ W_k;
 *   N < D: the N×N Gram X̃X̃ᵀ = U Σ² Uᵀ, projected = U_k Σ_k.
 *
 * Component count: `components` (clamped to min(N, D), with a warning) or
 * `varianceShare` s ∈ (0, 1): the smallest k whose cumulative explained-variance
 * ratio exceeds s, k = searchsorted(cumsum(λ/Σλ), s, side='right') + 1, as
 * sklearn's PCA(n_components=s).
 *
 * Signs: a component's sign is arbitrary. We follow sklearn ≤ 1.4's svd_flip
 * (u-based; the version our goldens run): each column of `projected` has its
 * entry of largest magnitude (first one on ties) positive. sklearn ≥ 1.5 flips
 * by the loadings W instead, which can give the opposite sign; results that
 * depend on signs should not be compared across those versions.
 */
import { InputError } from '../errors.js';
import { gramRows, largeArray, matmulABt } from '../linalg/gram.js';
import { centredScatter, columnMeans } from '../linalg/statistics.js';
import { symEigTop } from '../linalg/top-eigenvectors.js';
import type { Matrix } from './types.js';

export interface PcaOptions {
  /** Number of components (integer ≥ 1; clamped to min(N, D)). */
  components?: number;
  /** Keep the fewest components whose cumulative explained-variance ratio exceeds this share, in (0, 1). */
  varianceShare?: number;
}

export interface PcaResult {
  /** N×k: centred data times the top-k principal directions. */
  projected: Matrix;
  k: number;
  /** Top k eigenvalues of the covariance, divided by N − 1 (sklearn's explained_variance_), descending. */
  explainedVariance: Float64Array;
  /** Sum of all variances, tr(X̃ᵀX̃)/(N − 1). */
  totalVariance: number;
  warnings: string[];
}

/** k for a variance share, as sklearn: searchsorted(cumsum(ratio), share, 'right') + 1. */
export function componentsForShare(valuesDescending: ArrayLike<number>, share: number): number {
  let total = 0;
  for (let i = 0; i < valuesDescending.length; i++) total += Math.max(0, valuesDescending[i]!);
  let cum = 0;
  let idx = 0;
  for (let i = 0; i < valuesDescending.length; i++) {
    cum += Math.max(0, valuesDescending[i]!) / total;
    if (cum <= share) idx = i + 1;
    else break;
  }
  return Math.min(idx + 1, valuesDescending.length);
}

export function pca(X: Matrix, opts: PcaOptions): PcaResult {
  const { rows: n, cols: d } = X;
  const warnings: string[] = [];
  const hasK = opts.components !== undefined;
  const hasShare = opts.varianceShare !== undefined;
  if (hasK === hasShare) throw new InputError(null, 'pca: give exactly one of components and varianceShare');
  if (hasK && !(Number.isInteger(opts.components) && opts.components! >= 1)) {
    throw new InputError(null, `pca: components must be an integer ≥ 1, got ${opts.components}`);
  }
  if (hasShare && !(opts.varianceShare! > 0 && opts.varianceShare! < 1)) {
    throw new InputError(null, `pca: varianceShare must be in (0, 1), got ${opts.varianceShare}`);
  }
  if (n < 2) throw new InputError(null, `pca: needs at least 2 samples, got ${n}`);
  if (d < 1) throw new InputError(null, 'pca: needs at least 1 feature column');
  const maxK = Math.min(n, d);
  let kWanted = maxK;
  if (hasK) {
    kWanted = opts.components!;
    if (kWanted > maxK) {
      warnings.push(`pca: ${kWanted} components asked for but min(N, D) = ${maxK}; using ${maxK}`);
      kWanted = maxK;
    }
  }

  let totalScatter = 0;
  let zeroTotal = false;
  const pick = (asc: Float64Array): number => {
    if (!hasShare) return kWanted;
    const desc = Array.from(asc).reverse().slice(0, maxK);
    if (!(desc.reduce((s, v) => s + Math.max(0, v), 0) > 0)) return 1;
    return componentsForShare(desc, opts.varianceShare!);
  };

  let projected: Float64Array;
  let values: Float64Array; // ascending
  let k: number;
  if (n >= d) {
    const { mean, scatter } = centredScatter(X);
    for (let i = 0; i < d; i++) totalScatter += scatter[i * d + i]!;
    zeroTotal = !(totalScatter > 0);
    const top = symEigTop(scatter, d, pick);
    values = top.values;
    k = top.k;
    projected = projectCentred(X, mean, top.vectors, k);
  } else {
    const mean = columnMeans(X);
    const K = gramRows(X, mean);
    for (let i = 0; i < n; i++) totalScatter += K[i * n + i]!;
    zeroTotal = !(totalScatter > 0);
    const top = symEigTop(K, n, pick);
    values = top.values;
    k = top.k;
    projected = new Float64Array(n * k);
    for (let j = 0; j < k; j++) {
      const s = Math.sqrt(Math.max(0, values[n - 1 - j]!));
      for (let i = 0; i < n; i++) projected[i * k + j] = top.vectors[j * n + i]! * s;
    }
  }
  const m = values.length;
  const explainedVariance = new Float64Array(k);
  for (let j = 0; j < k; j++) explainedVariance[j] = Math.max(0, values[m - 1 - j]!) / (n - 1);
  if (zeroTotal) {
    warnings.push('pca: every feature is constant (zero total variance); the projection is all zeros');
    projected.fill(0);
  } else {
    const top = explainedVariance[0]!;
    let nullCount = 0;
    for (let j = 0; j < k; j++) if (!(explainedVariance[j]! > top * m * 2 ** -52)) nullCount++;
    if (nullCount > 0) {
      warnings.push(`pca: ${nullCount} of the ${k} components have zero variance (the centred data have rank < ${k}); their scores are rounding noise`);
    }
  }
  flipSigns(projected, n, k);
  return { projected: { rows: n, cols: k, data: projected }, k, explainedVariance, totalVariance: totalScatter / (n - 1), warnings };
}

/** (X − mean)·Wᵀ for W k×D (rows = directions), centring a block of rows at a time. */
function projectCentred(X: Matrix, mean: Float64Array, W: Float64Array, k: number): Float64Array {
  const { rows: n, cols: d, data } = X;
  const out = new Float64Array(n * k);
  if (k === 0) return out;
  // Blocks of ~32 MB: large enough for matmulABt to use its worker threads.
  const block = Math.max(1, Math.min(n, Math.floor((1 << 22) / d)));
  const buf = largeArray(block * d);
  for (let r0 = 0; r0 < n; r0 += block) {
    const len = Math.min(block, n - r0);
    for (let i = 0; i < len; i++) {
      const o = (r0 + i) * d, p = i * d;
      for (let j = 0; j < d; j++) buf[p + j] = data[o + j]! - mean[j]!;
    }
    out.set(matmulABt(buf.subarray(0, len * d), len, W, k, d), r0 * k);
  }
  return out;
}

/** svd_flip, u-based: the largest-magnitude entry of each column positive. */
function flipSigns(P: Float64Array, n: number, k: number): void {
  for (let j = 0; j < k; j++) {
    let best = 0, arg = 0;
    for (let i = 0; i < n; i++) {
      const a = Math.abs(P[i * k + j]!);
      if (a > best) {
        best = a;
        arg = i;
      }
    }
    if (P[arg * k + j]! < 0) for (let i = 0; i < n; i++) P[i * k + j] = -P[i * k + j]!;
  }
}

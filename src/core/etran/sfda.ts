/**
 * SFDA, Self-challenging Fisher Discriminant Analysis (Shao et al., ECCV 2022),
 * as TencentARC/SFDA's `SFDA_Score` computes it.
 *
 * 1. Shrinkage LDA: Sw = Σ π_c Cov_c, α = max(e^{−5λ}, 1e−10) (λ from 3 power
 *    iterations), Sw' = (1−α)Sw + α·tr(Sw)/D·I. Upstream solves the generalised
 *    problem eigh(Sb, Sw') and projects coef = μ·V·Vᵀ; since VᵀSw'V = I that is
 *    μ·Sw'^{-1}, computed here with one Cholesky factorisation and C solves
 *    (scipy factorises Sw' the same way inside eigh). Intercept −½μ_c·coef_c + log π_c.
 * 2. p = softmax(logits), then softened again: p ← softmax(p).
 * 3. ConfMix: x_i ← p_{i,y_i}·x_i + (1 − p_{i,y_i})·m̄_{y_i}, m̄_c the unweighted mean
 *    of the other classes' means.
 * 4. Refit on the mixed features with the first fit's α; score = mean p(y_i | x_i).
 *
 * The refit needs the within-class scatter of the mixed features: one more
 * Gram matrix (linalg.gramT on the class-centred mixed rows). The mixed rows
 * themselves are never stored; their logits come from the centred rows plus a
 * per-class offset.
 */
import { InputError } from '../errors.js';
import { gramT, largeArray, matmulABt } from '../linalg/gram.js';
import { softmaxRowsInPlace } from '../linalg/softmax.js';
import { classStats } from '../linalg/statistics.js';
import { checkLabels } from './labels.js';
import { adaptiveShrinkage, meanTrueClassProbability, projectThroughInverse, shrink, withinClassScatter } from './lda.js';
import type { Labels, Matrix } from './types.js';

export interface SfdaOptions {
  /** Fixed shrinkage α instead of upstream's adaptive choice. */
  shrinkage?: number;
}

function interceptFor(means: Float64Array, coef: Float64Array, priors: Float64Array, C: number, d: number): Float64Array {
  const b = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += means[c * d + j]! * coef[c * d + j]!;
    b[c] = -0.5 * s + Math.log(priors[c]!);
  }
  return b;
}

export function sfda(X: Matrix, y: Labels, opts: SfdaOptions = {}): { value: number; warnings: string[]; shrinkage: number } {
  checkLabels(X, y, 'sfda');
  if (opts.shrinkage !== undefined && !(opts.shrinkage >= 0 && opts.shrinkage <= 1)) {
    throw new InputError(null, `sfda: shrinkage must be in [0, 1], got ${opts.shrinkage}`);
  }
  const warnings: string[] = [];
  const { rows: n, cols: d, data } = X;
  const C = y.numClasses;
  const ids = y.ids;

  // First fit.
  const stats = classStats(X, y);
  const Sw = withinClassScatter(X, stats);
  const alpha = opts.shrinkage ?? adaptiveShrinkage(Sw, d);
  const coef1 = projectThroughInverse(shrink(Sw, d, alpha), d, stats.means, C, warnings, 'sfda');
  const b1 = interceptFor(stats.means, coef1, stats.priors, C, d);
  const { probs } = meanTrueClassProbability(data, n, d, coef1, b1, y);
  // Soften: exp(p)/Σexp(p), upstream without max-shift (p ∈ [0, 1]).
  for (let i = 0; i < n * C; i++) probs[i] = Math.exp(probs[i]!);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < C; c++) s += probs[i * C + c]!;
    for (let c = 0; c < C; c++) probs[i * C + c]! /= s;
  }

  // Means of the other classes.
  const total = new Float64Array(d);
  for (let c = 0; c < C; c++) for (let j = 0; j < d; j++) total[j]! += stats.means[c * d + j]!;
  const others = new Float64Array(C * d);
  for (let c = 0; c < C; c++) for (let j = 0; j < d; j++) others[c * d + j] = (total[j]! - stats.means[c * d + j]!) / (C - 1);

  // ConfMix, x'_i = p_i·x_i + (1 − p_i)·m̄_{y_i}, never materialised: the refit needs
  // only the class means of x' and the class-centred rows x' − μ'_{y_i}.
  const pTrue = new Float64Array(n);
  for (let i = 0; i < n; i++) pTrue[i] = probs[i * C + ids[i]!]!;
  const means2 = new Float64Array(C * d);
  const pSum = new Float64Array(C);
  for (let i = 0; i < n; i++) {
    const c = ids[i]!;
    const p = pTrue[i]!;
    pSum[c]! += p;
    const o = i * d, m = c * d;
    for (let j = 0; j < d; j++) means2[m + j]! += p * data[o + j]!;
  }
  for (let c = 0; c < C; c++) {
    const nc = stats.counts[c]!;
    const rest = 1 - pSum[c]! / nc;
    for (let j = 0; j < d; j++) means2[c * d + j] = means2[c * d + j]! / nc + rest * others[c * d + j]!;
  }
  const centred = largeArray(n * d);
  for (let i = 0; i < n; i++) {
    const p = pTrue[i]!;
    const o = i * d;
    const c = ids[i]! * d;
    for (let j = 0; j < d; j++) centred[o + j] = p * data[o + j]! + (1 - p) * others[c + j]! - means2[c + j]!;
  }

  // Second fit with the same α: Sw of the mixed rows, coef = μ'·Sw'^{-1}.
  const Sw2 = gramT({ rows: n, cols: d, data: centred });
  for (let i = 0; i < d * d; i++) Sw2[i]! /= n;
  const coef2 = projectThroughInverse(shrink(Sw2, d, alpha), d, means2, C, warnings, 'sfda');
  const b2 = interceptFor(means2, coef2, stats.priors, C, d);
  // Logits of x' = (x' − μ'_y)·coefᵀ + μ'_y·coefᵀ + b.
  const offset = matmulABt(means2, C, coef2, C, d); // C×C: μ'_a·coef_b
  for (let a = 0; a < C; a++) for (let b = 0; b < C; b++) offset[a * C + b]! += b2[b]!;
  const Z = matmulABt(centred, n, coef2, C, d);
  for (let i = 0; i < n; i++) {
    const o = ids[i]! * C;
    for (let b = 0; b < C; b++) Z[i * C + b]! += offset[o + b]!;
  }
  softmaxRowsInPlace(Z, n, C);
  let acc = 0;
  for (let i = 0; i < n; i++) acc += Z[i * C + ids[i]!]!;
  const value = acc / n;
  return { value, warnings, shrinkage: alpha };
}


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
 * Gram matrix (linalg.gramT on the class-centred mixed rows).
 */
import { InputError } from '../errors.js';
import { classStats, gramT, largeArray } from './linalg.js';
import {
  adaptiveShrinkage, checkLabels, meanTrueClassProbability, projectThroughInverse, shrink, withinClassScatter,
} from './lda.js';
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

  // ConfMix.
  const mixed = largeArray(n * d);
  for (let i = 0; i < n; i++) {
    const c = ids[i]!;
    const p = probs[i * C + c]!;
    const o = i * d;
    const m = c * d;
    for (let j = 0; j < d; j++) mixed[o + j] = p * data[o + j]! + (1 - p) * others[m + j]!;
  }
  const M: Matrix = { rows: n, cols: d, data: mixed };

  // Second fit with the same α: within-class scatter of the mixed rows.
  const stats2 = classStats(M, y);
  const centred = largeArray(n * d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    const m = ids[i]! * d;
    for (let j = 0; j < d; j++) centred[o + j] = mixed[o + j]! - stats2.means[m + j]!;
  }
  const Sw2 = gramT({ rows: n, cols: d, data: centred });
  for (let i = 0; i < d * d; i++) Sw2[i]! /= n;
  const coef2 = projectThroughInverse(shrink(Sw2, d, alpha), d, stats2.means, C, warnings, 'sfda');
  const b2 = interceptFor(stats2.means, coef2, stats2.priors, C, d);
  const { value } = meanTrueClassProbability(mixed, n, d, coef2, b2, y);
  return { value, warnings, shrinkage: alpha };
}


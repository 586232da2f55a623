/**
 * Over 450 lines: one cross-validated probe with its three exact routes (primal, dual, per-class shrinkage) over the same fold statistics.
 *
 * `probe`: k-fold cross-validated accuracy of a regularised linear classifier
 * on standardised features — the "linear probe" that independent re-tests find
 * ranks models for fine-tuning better than closed-form scores (google-research
 * stable_transfer publishes linear-probe and fine-tune accuracies side by side;
 * see ../shared/specs/etran.md, "Beyond the paper").
 *
 *   folds   = stratifiedFolds(y, k, seed)                     (folds.ts; k = 5, seed = 0)
 *   for each fold f, with R = the other folds (training) and T = fold f (test):
 *     m, s  = column mean and population std of X_R; s_j := 1 where column j is
 *             constant on R (scikit-learn StandardScaler's rule), so the column
 *             is only centred;  z = (x − m) / s
 *     fit on {z_i : i ∈ R}, predict argmax_c of the decision function on T
 *   probe   = (1/N) Σ_i [ŷ_i = y_i],  correct[i] = [ŷ_i = y_i]
 *
 * Classifiers (fixed defaults, chosen on principle and never against any
 * benchmark's fine-tuning truth):
 * - 'lda' (default): shrinkage linear discriminant analysis with the
 *   Ledoit–Wolf shrinkage computed analytically on the training fold.
 *     μ_c  = class means of z on R, π_c = n_c / n (training counts)
 *     Sw   = (1/n) Σ_{i∈R} (z_i − μ_{y_i})(z_i − μ_{y_i})ᵀ    (= Σ_c π_c Cov_c)
 *     Σ    = (1 − δ)·Sw + δ·(tr Sw / D)·I
 *     w_c  = Σ⁻¹ μ_c,  b_c = −½ μ_cᵀ w_c + log π_c,  ŷ = argmax_c zᵀw_c + b_c
 *   δ = 'auto' (default): Ledoit & Wolf (2004) for the pooled class-centred rows
 *   r_i = z_i − μ_{y_i} taken as centred samples (scikit-learn's
 *   ledoit_wolf_shrinkage(r, assume_centered=True)):
 *     μ̄ = tr Sw / D,  β = (Σ_i ‖r_i‖⁴ / n − ‖Sw‖²_F) / (D·n),
 *     γ = (‖Sw‖²_F − D·μ̄²) / D,  δ = min(β, γ) / γ  (0 when β = 0).
 *   A number δ ∈ [0, 1] fixes it; with a fixed δ this is exactly scikit-learn's
 *   LinearDiscriminantAnalysis(solver='lsqr', shrinkage=δ) (shrinking each class
 *   covariance toward its own tr/D·I and averaging with the priors gives the
 *   formula above). scikit-learn's shrinkage='auto' is a different estimator:
 *   it standardises and Ledoit–Wolf-shrinks each class covariance separately
 *   (toward that class's diagonal); the pooled default follows LDA's shared-
 *   covariance model, estimates δ from all n training rows rather than from
 *   each class's few, and reuses the fold Grams. shrinkage 'auto-per-class'
 *   reproduces scikit-learn's rule exactly (fitPerClass; one n·D² Gram per fold,
 *   so about 4× the pooled default's Gram work at 5 folds). On the golden cases
 *   the two agree on 92–99 % of the predictions.
 * - 'ridge': one-vs-rest ridge regression on one-hot targets with an intercept,
 *     W = (Z_cᵀ Z_c + λ I)⁻¹ Z_cᵀ T  (Z_c = centred standardised training rows),
 *     b_c = n_c / n, ŷ = argmax_c zᵀ w_c + b_c;
 *   λ = `lambda` (default 1, scikit-learn RidgeClassifier's alpha default; its
 *   ±1 targets give the same argmax).
 *
 * Classes absent from a training fold cannot be predicted: a class with a single
 * sample never appears in the training side of its own fold, so that sample is
 * counted wrong (with a warning).
 *
 * Speed (N = 10,000, D = 2,048, C = 100): each fold's raw Gram G_f = X̃_fᵀX̃_f
 * (X̃ = X minus the full-data column mean, a numerical shift only) is computed
 * once with the parallel SIMD gramT; a training fold's within-class scatter is
 * Σ_{g≠f} G_g − Σ_c S_c S_cᵀ / n_c (S_c = class sums on R), and standardisation
 * is the diagonal congruence D_s⁻¹ · D_s⁻¹ applied to it. Σ‖r_i‖⁴ is one O(n·D)
 * pass. Σ is factorised by Cholesky and solved for the C class means; test rows
 * are predicted by one product X_T·Wᵀ. When n is small against D (fewer
 * multiply-adds, roughly n < 0.7·D; `cheaperRoute`) the n×n (dual) route is used
 * instead: Woodbury for LDA (Σ⁻¹ = (1/b)[I − Rᵀ(n b/a·I + R Rᵀ)⁻¹ R], a = 1−δ,
 * b = δ·tr Sw/D), the kernel form Z_cᵀ(Z_c Z_cᵀ + λI)⁻¹T for ridge.
 */
import { InputError } from '../errors.js';
import { checkFoldCount, foldMembers, stratifiedFolds } from './folds.js';
import { cholesky, choleskySolveInPlace } from '../linalg/cholesky.js';
import { gramRows, gramT, largeArray, matmulABt } from '../linalg/gram.js';
import { transpose } from '../linalg/matrix.js';
import { columnMeans } from '../linalg/statistics.js';
import { checkLabels } from './labels.js';
import { projectThroughInverse } from './lda.js';
import type { Labels, Matrix } from './types.js';

export type ProbeClassifier = 'lda' | 'ridge';
export type ProbeShrinkage = number | 'auto' | 'auto-per-class';
export const PROBE_CLASSIFIERS: readonly ProbeClassifier[] = ['lda', 'ridge'];

export interface ProbeOptions {
  /** Number of stratified folds (default 5). */
  folds?: number;
  /** Seed of the fold assignment (default 0). */
  seed?: number;
  /** 'lda' (default) or 'ridge'. */
  classifier?: ProbeClassifier;
  /**
   * LDA shrinkage δ: 'auto' (Ledoit–Wolf on the pooled class-centred rows, default),
   * 'auto-per-class' (scikit-learn's shrinkage='auto': Ledoit–Wolf per class; slower) or a number in [0, 1].
   */
  shrinkage?: ProbeShrinkage;
  /** Ridge penalty λ ≥ 0 on standardised features (default 1). */
  lambda?: number;
  /** Explicit fold id of each sample (0..k−1, every fold non-empty); overrides folds/seed. */
  foldIds?: Int32Array;
  /** Linear-algebra route: 'auto' (the one with fewer multiply-adds), 'primal' or 'dual'. Same result. */
  route?: 'auto' | 'primal' | 'dual';
}

export interface ProbeResult {
  value: number;
  warnings: string[];
  /** 1 where sample i's out-of-fold prediction is right. */
  correct: Uint8Array;
  /** Out-of-fold predicted class id of each sample. */
  predicted: Int32Array;
  /** Fold id of each sample. */
  folds: Int32Array;
  /** LDA: the shrinkage δ used in each fold (empty for ridge; 'auto-per-class': Σ_c π_c δ_c). */
  shrinkage: number[];
}

const EPS = 2 ** -52;

/**
 * Per-fold sufficient statistics. Class sums are over rows shifted by the
 * full-data mean (they feed the Gram algebra); the column mean and centred sum of
 * squares are over the raw values, so a column constant on a fold has M2 = 0
 * exactly, as in scikit-learn's StandardScaler.
 */
interface FoldStats {
  n: number;
  /** Column mean of the fold (raw values). */
  mean: Float64Array;
  /** Σ (x − mean)² per column. */
  m2: Float64Array;
  /** C×D class sums (shifted coordinates). */
  classSums: Float64Array;
  classCounts: Float64Array;
}

function resolveFolds(y: Labels, opts: ProbeOptions, metric: string): { fold: Int32Array; k: number } {
  const n = y.ids.length;
  if (opts.foldIds) {
    const f = opts.foldIds;
    if (f.length !== n) throw new InputError(null, `${metric}: foldIds has ${f.length} entries for ${n} samples`);
    let k = 0;
    for (let i = 0; i < n; i++) {
      if (!(Number.isInteger(f[i]) && f[i]! >= 0)) throw new InputError(null, `${metric}: foldIds[${i}] = ${f[i]} is not a fold id`);
      k = Math.max(k, f[i]! + 1);
    }
    checkFoldCount(k, n, metric);
    const seen = new Uint8Array(k);
    for (let i = 0; i < n; i++) seen[f[i]!] = 1;
    if (seen.includes(0)) throw new InputError(null, `${metric}: foldIds leaves fold ${seen.indexOf(0)} empty`);
    return { fold: f, k };
  }
  const k = opts.folds ?? 5;
  const seed = opts.seed ?? 0;
  if (!Number.isFinite(seed)) throw new InputError(null, `${metric}: seed must be a number, got ${seed}`);
  checkFoldCount(k, n, metric);
  return { fold: stratifiedFolds(y, k, seed), k };
}

/** Copies rows `idx` of X minus `shift` into out (row-major, |idx|×D). */
function gatherShifted(X: Matrix, idx: Int32Array, shift: Float64Array, out: Float64Array): void {
  const d = X.cols;
  for (let t = 0; t < idx.length; t++) {
    const o = idx[t]! * d, p = t * d;
    for (let j = 0; j < d; j++) out[p + j] = X.data[o + j]! - shift[j]!;
  }
}

function foldStats(X: Matrix, y: Labels, idx: Int32Array, shift: Float64Array): FoldStats {
  const d = X.cols, C = y.numClasses, n = idx.length;
  const mean = new Float64Array(d);
  const classSums = new Float64Array(C * d);
  const classCounts = new Float64Array(C);
  for (let t = 0; t < n; t++) {
    const i = idx[t]!, o = i * d, c = y.ids[i]!, q = c * d;
    classCounts[c]! += 1;
    for (let j = 0; j < d; j++) {
      const v = X.data[o + j]!;
      mean[j]! += v;
      classSums[q + j]! += v - shift[j]!;
    }
  }
  for (let j = 0; j < d; j++) mean[j]! /= n;
  const m2 = new Float64Array(d);
  for (let t = 0; t < n; t++) {
    const o = idx[t]! * d;
    for (let j = 0; j < d; j++) {
      const v = X.data[o + j]! - mean[j]!;
      m2[j]! += v * v;
    }
  }
  return { n, mean, m2, classSums, classCounts };
}

/** Training-side statistics of fold f: counts, class sums, mean and scale (std, 1 for constant columns). */
interface TrainStats {
  n: number;
  /** Present classes (n_c > 0), increasing. */
  classes: number[];
  counts: Float64Array;
  /** C'×D class means (shifted coordinates), rows in `classes` order. */
  means: Float64Array;
  /** Column mean of the training rows (shifted coordinates). */
  mean: Float64Array;
  scale: Float64Array;
  constant: number;
}

function trainStats(stats: FoldStats[], f: number, d: number, C: number, shift: Float64Array): TrainStats {
  let n = 0;
  const sums = new Float64Array(C * d);
  const counts = new Float64Array(C);
  for (let g = 0; g < stats.length; g++) {
    if (g === f) continue;
    const s = stats[g]!;
    n += s.n;
    for (let c = 0; c < C; c++) {
      if (s.classCounts[c] === 0) continue;
      counts[c]! += s.classCounts[c]!;
      const q = c * d;
      for (let j = 0; j < d; j++) sums[q + j]! += s.classSums[q + j]!;
    }
  }
  const mean = new Float64Array(d);
  for (let g = 0; g < stats.length; g++) {
    if (g === f) continue;
    const s = stats[g]!;
    for (let j = 0; j < d; j++) mean[j]! += s.n * s.mean[j]!;
  }
  for (let j = 0; j < d; j++) mean[j]! /= n;
  // Chan et al.'s pairwise combination of the folds' centred sums of squares.
  const m2 = new Float64Array(d);
  for (let g = 0; g < stats.length; g++) {
    if (g === f) continue;
    const s = stats[g]!;
    for (let j = 0; j < d; j++) {
      const dm = s.mean[j]! - mean[j]!;
      m2[j]! += s.m2[j]! + s.n * dm * dm;
    }
  }
  const scale = new Float64Array(d);
  let constant = 0;
  for (let j = 0; j < d; j++) {
    const v = m2[j]! / n;
    // scikit-learn's near-constant test (StandardScaler): var ≤ n·ε·var + (n·|mean|·ε)².
    const bound = n * EPS * v + (n * Math.abs(mean[j]!) * EPS) ** 2;
    if (v <= bound) {
      scale[j] = 1;
      constant++;
    } else scale[j] = Math.sqrt(v);
    mean[j]! -= shift[j]!; // to shifted coordinates
  }
  const classes: number[] = [];
  for (let c = 0; c < C; c++) if (counts[c]! > 0) classes.push(c);
  const means = new Float64Array(classes.length * d);
  classes.forEach((c, r) => {
    const inv = 1 / counts[c]!;
    for (let j = 0; j < d; j++) means[r * d + j] = sums[c * d + j]! * inv;
  });
  return { n, classes, counts, means, mean, scale, constant };
}

interface FitOptions {
  classifier: ProbeClassifier;
  lambda: number;
  shrinkage: ProbeShrinkage;
}

/** A fitted fold: logits = x̃·Wᵀ + b on shifted rows x̃ (W is C'×D). */
interface FoldModel {
  W: Float64Array;
  b: Float64Array;
  shrinkage: number | null;
}

/** Standardised class means M'_c = (μ_c − m)/s (C'×D). */
function standardisedMeans(ts: TrainStats, d: number): Float64Array {
  const Cp = ts.classes.length;
  const M = new Float64Array(Cp * d);
  for (let r = 0; r < Cp; r++) for (let j = 0; j < d; j++) M[r * d + j] = (ts.means[r * d + j]! - ts.mean[j]!) / ts.scale[j]!;
  return M;
}

/** Turns coefficients on z = (x̃ − m)/s into weights on x̃: W = coef/s, b = b_z − m·W. */
function toShifted(coef: Float64Array, bz: Float64Array, ts: TrainStats, d: number): { W: Float64Array; b: Float64Array } {
  const Cp = ts.classes.length;
  const W = new Float64Array(Cp * d);
  const b = new Float64Array(Cp);
  for (let r = 0; r < Cp; r++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const w = coef[r * d + j]! / ts.scale[j]!;
      W[r * d + j] = w;
      s += ts.mean[j]! * w;
    }
    b[r] = bz[r]! - s;
  }
  return { W, b };
}

/** LDA intercepts −½ μ'_cᵀ coef_c + log π_c. */
function ldaIntercepts(M: Float64Array, coef: Float64Array, ts: TrainStats, d: number): Float64Array {
  const Cp = ts.classes.length;
  const b = new Float64Array(Cp);
  for (let r = 0; r < Cp; r++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += M[r * d + j]! * coef[r * d + j]!;
    b[r] = -0.5 * s + Math.log(ts.counts[ts.classes[r]!]! / ts.n);
  }
  return b;
}

/** Ledoit–Wolf δ from tr Sw, ‖Sw‖²_F and Σ‖r_i‖⁴ (scikit-learn's ledoit_wolf_shrinkage, assume_centered). */
export function ledoitWolfShrinkage(traceS: number, frob2: number, sumNorm4: number, n: number, d: number): number {
  const mu = traceS / d;
  let beta = (sumNorm4 / n - frob2) / (d * n);
  const delta = (frob2 - 2 * mu * traceS + d * mu * mu) / d;
  beta = Math.min(beta, delta);
  if (beta === 0) return 0;
  const s = beta / delta;
  // Rounding can push the ratio a hair outside [0, 1] when Sw is (nearly) a multiple of I.
  return Number.isFinite(s) ? Math.min(1, Math.max(0, s)) : 0;
}

/** Σ_{i∈R} ‖(x̃_i − μ_{y_i})/s‖⁴ over the training rows: LW's fourth-moment term. */
function sumNorm4(X: Matrix, y: Labels, fold: Int32Array, f: number, shift: Float64Array, ts: TrainStats, C: number): number {
  const d = X.cols;
  const row = new Int32Array(C).fill(-1);
  ts.classes.forEach((c, r) => (row[c] = r));
  const inv2 = new Float64Array(d);
  for (let j = 0; j < d; j++) inv2[j] = 1 / (ts.scale[j]! * ts.scale[j]!);
  let total = 0;
  for (let i = 0; i < X.rows; i++) {
    if (fold[i] === f) continue;
    const o = i * d, q = row[y.ids[i]!]! * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = X.data[o + j]! - shift[j]! - ts.means[q + j]!;
      s += v * v * inv2[j]!;
    }
    total += s * s;
  }
  return total;
}

/**
 * Solves A·coef_cᵀ = rhs_c for the C' rows of rhs (A symmetric D×D): Cholesky,
 * else an eigen pseudo-inverse with a warning.
 */
function solveRows(A: Float64Array, d: number, rhs: Float64Array, Cp: number, warnings: Set<string>, what: string): Float64Array {
  const local: string[] = [];
  const coef = projectThroughInverse(A, d, rhs, Cp, local, 'probe');
  if (local.length > 0) warnings.add(`probe: ${what} is singular in some fold; solved with a pseudo-inverse`);
  return coef;
}

// ---------------------------------------------------------------- primal route (D×D, fold Grams)

function fitPrimal(
  G: Float64Array, ts: TrainStats, d: number, lw: () => number, opts: FitOptions, warnings: Set<string>,
): FoldModel {
  const Cp = ts.classes.length;
  const n = ts.n;
  const A = G; // overwritten in place: the caller hands a fresh sum
  if (opts.classifier === 'lda') {
    // Within-class scatter: A − Σ_c S_c S_cᵀ / n_c, S_c = n_c μ_c (shifted coordinates).
    const B = new Float64Array(Cp * d);
    for (let r = 0; r < Cp; r++) {
      const f = Math.sqrt(ts.counts[ts.classes[r]!]!);
      for (let j = 0; j < d; j++) B[r * d + j] = ts.means[r * d + j]! * f;
    }
    const MM = gramT({ rows: Cp, cols: d, data: B });
    for (let a = 0; a < d; a++) {
      const o = a * d, sa = ts.scale[a]! * n;
      for (let b = 0; b < d; b++) A[o + b] = (A[o + b]! - MM[o + b]!) / (sa * ts.scale[b]!);
    }
    let tr = 0, frob2 = 0;
    for (let a = 0; a < d; a++) tr += A[a * d + a]!;
    for (let t = 0; t < d * d; t++) frob2 += A[t]! * A[t]!;
    const delta = typeof opts.shrinkage === 'number' ? opts.shrinkage : ledoitWolfShrinkage(tr, frob2, lw(), n, d);
    const mu = tr / d;
    const M = standardisedMeans(ts, d);
    let coef: Float64Array;
    if (!(mu > 0)) {
      warnings.add('probe: the features have no within-class variance in some training fold; it predicts by the class priors alone');
      coef = new Float64Array(Cp * d);
    } else {
      for (let t = 0; t < d * d; t++) A[t]! *= 1 - delta;
      for (let a = 0; a < d; a++) A[a * d + a]! += delta * mu;
      coef = solveRows(A, d, M, Cp, warnings, 'the shrunk within-class covariance');
    }
    return { ...toShifted(coef, ldaIntercepts(M, coef, ts, d), ts, d), shrinkage: delta };
  }
  // Ridge: (Z_cᵀZ_c + λI) W = Z_cᵀT, Z_cᵀT's column c = n_c μ'_c; Z_cᵀZ_c = (A − n m mᵀ) / (s sᵀ).
  const lambda = opts.lambda;
  for (let a = 0; a < d; a++) {
    const o = a * d, ma = n * ts.mean[a]!, sa = ts.scale[a]!;
    for (let b = 0; b < d; b++) A[o + b] = (A[o + b]! - ma * ts.mean[b]!) / (sa * ts.scale[b]!);
    A[o + a]! += lambda;
  }
  const M = standardisedMeans(ts, d);
  for (let r = 0; r < Cp; r++) {
    const nc = ts.counts[ts.classes[r]!]!;
    for (let j = 0; j < d; j++) M[r * d + j]! *= nc;
  }
  const coef = solveRows(A, d, M, Cp, warnings, 'the ridge system');
  const bz = Float64Array.from(ts.classes, (c) => ts.counts[c]! / n);
  return { ...toShifted(coef, bz, ts, d), shrinkage: null };
}

// ---------------------------------------------------------------- dual route (n×n)

function fitDual(
  X: Matrix, y: Labels, trainIdx: Int32Array, shift: Float64Array, ts: TrainStats, Zbuf: Float64Array,
  opts: FitOptions, warnings: Set<string>,
): FoldModel {
  const d = X.cols, n = trainIdx.length, Cp = ts.classes.length;
  const row = new Int32Array(y.numClasses).fill(-1);
  ts.classes.forEach((c, r) => (row[c] = r));
  const lda = opts.classifier === 'lda';
  // Z: class-centred (LDA) or centred (ridge) standardised training rows.
  for (let t = 0; t < n; t++) {
    const i = trainIdx[t]!, o = i * d, p = t * d;
    const q = row[y.ids[i]!]! * d;
    if (lda) for (let j = 0; j < d; j++) Zbuf[p + j] = (X.data[o + j]! - shift[j]! - ts.means[q + j]!) / ts.scale[j]!;
    else for (let j = 0; j < d; j++) Zbuf[p + j] = (X.data[o + j]! - shift[j]! - ts.mean[j]!) / ts.scale[j]!;
  }
  const Z: Matrix = { rows: n, cols: d, data: Zbuf };
  const K = gramRows(Z);
  const M = standardisedMeans(ts, d);
  /** Rows of Yᵀ·Z (C'×D) for Y n×C'. */
  const ytz = (Y: Float64Array): Float64Array => {
    const Zt = transpose(Zbuf.subarray(0, n * d), n, d); // D×n
    return matmulABt(transpose(Y, n, Cp), Cp, Zt, d, n);
  };
  if (lda) {
    let tr = 0, frob2 = 0, q4 = 0;
    for (let i = 0; i < n; i++) {
      const kii = K[i * n + i]!;
      tr += kii;
      q4 += kii * kii;
    }
    for (let t = 0; t < n * n; t++) frob2 += K[t]! * K[t]!;
    tr /= n;
    frob2 /= n * n;
    const delta = typeof opts.shrinkage === 'number' ? opts.shrinkage : ledoitWolfShrinkage(tr, frob2, q4, n, d);
    const mu = tr / d;
    const a = 1 - delta, b = delta * mu;
    let coef: Float64Array;
    if (!(mu > 0)) {
      warnings.add('probe: the features have no within-class variance in some training fold; it predicts by the class priors alone');
      coef = new Float64Array(Cp * d);
    } else if (b > 0 && a === 0) {
      coef = M.map((v) => v / b);
    } else if (b > 0) {
      // Σ⁻¹ = (1/b)[I − Zᵀ (n b/a·I + Z Zᵀ)⁻¹ Z]
      const P = matmulABt(Zbuf, n, M, Cp, d); // n×C' = Z·M'ᵀ
      const H = Float64Array.from(K);
      const ridge = (n * b) / a;
      for (let i = 0; i < n; i++) H[i * n + i]! += ridge;
      const L = cholesky(H, n, 0);
      if (!L) throw new Error('probe: the dual LDA system is not positive definite (cannot happen with δ > 0)');
      choleskySolveInPlace(L, n, P, Cp);
      const U = ytz(P);
      coef = new Float64Array(Cp * d);
      for (let t = 0; t < Cp * d; t++) coef[t] = (M[t]! - U[t]!) / b;
    } else {
      // δ = 0: Woodbury does not apply (Sw is singular when n ≤ D); the primal solve, with a pseudo-inverse as lstsq would.
      const Sw = gramT(Z);
      for (let t = 0; t < d * d; t++) Sw[t]! /= n;
      coef = solveRows(Sw, d, M, Cp, warnings, 'the within-class covariance (no shrinkage)');
    }
    return { ...toShifted(coef, ldaIntercepts(M, coef, ts, d), ts, d), shrinkage: delta };
  }
  const lambda = opts.lambda;
  let coef: Float64Array;
  if (lambda > 0) {
    // W = Z_cᵀ (Z_c Z_cᵀ + λI)⁻¹ T, T one-hot over the present classes.
    const T = new Float64Array(n * Cp);
    for (let t = 0; t < n; t++) T[t * Cp + row[y.ids[trainIdx[t]!]!]!] = 1;
    const H = Float64Array.from(K);
    for (let i = 0; i < n; i++) H[i * n + i]! += lambda;
    const L = cholesky(H, n, 0);
    if (!L) throw new Error('probe: the dual ridge system is not positive definite (cannot happen with λ > 0)');
    choleskySolveInPlace(L, n, T, Cp);
    coef = ytz(T);
  } else {
    const S = gramT(Z);
    for (let r = 0; r < Cp; r++) {
      const nc = ts.counts[ts.classes[r]!]!;
      for (let j = 0; j < d; j++) M[r * d + j]! *= nc;
    }
    coef = solveRows(S, d, M, Cp, warnings, 'the ridge system (λ = 0)');
  }
  const bz = Float64Array.from(ts.classes, (c) => ts.counts[c]! / n);
  return { ...toShifted(coef, bz, ts, d), shrinkage: null };
}

// ---------------------------------------------------------------- scikit-learn's shrinkage='auto' (per class)

/**
 * LDA with scikit-learn's shrinkage='auto' covariance: each class's rows q
 * (class-centred z) are standardised by the class's own std τ_c^{1/2} (1 for a
 * column constant in the class), Ledoit–Wolf-shrunk (δ_c, μ_c = tr/D of the
 * standardised covariance), and scaled back:
 *   Σ = Σ_c π_c [(1 − δ_c)·Cov_c + δ_c·μ_c·diag(τ_c)]
 *     = (1/n) Σ_i (1 − δ_{y_i}) q_i q_iᵀ + diag(t),  t = Σ_c π_c δ_c μ_c τ_c.
 * Primal: one row-weighted Gram of the training rows per fold (n·D², unlike the
 * pooled default it cannot reuse fold Grams). Dual: with V = U·diag(t)^{-1/2},
 * U = rows √(1−δ) q_i: Σ⁻¹ = T^{-1/2}(I − Vᵀ(nI + VVᵀ)⁻¹V)T^{-1/2}.
 */
function fitPerClass(
  X: Matrix, y: Labels, trainIdx: Int32Array, shift: Float64Array, ts: TrainStats, Zbuf: Float64Array,
  route: 'primal' | 'dual', warnings: Set<string>,
): FoldModel {
  const d = X.cols, n = trainIdx.length, Cp = ts.classes.length;
  const row = new Int32Array(y.numClasses).fill(-1);
  ts.classes.forEach((c, r) => (row[c] = r));
  const M = standardisedMeans(ts, d);
  // Rows of each present class, in training order.
  const byClass: number[][] = ts.classes.map(() => []);
  for (let t = 0; t < n; t++) byClass[row[y.ids[trainIdx[t]!]!]!]!.push(t);
  // q_i = z_i − μ'_c into Zbuf.
  for (let t = 0; t < n; t++) {
    const i = trainIdx[t]!, o = i * d, p = t * d, q = row[y.ids[i]!]! * d;
    for (let j = 0; j < d; j++) Zbuf[p + j] = (X.data[o + j]! - shift[j]! - ts.mean[j]!) / ts.scale[j]! - M[q + j]!;
  }
  const diagT = new Float64Array(d);
  const w = new Float64Array(n); // √(1 − δ_c) per training row
  let deltaMean = 0;
  for (let r = 0; r < Cp; r++) {
    const rows = byClass[r]!, nc = rows.length;
    // Column variances of the class (population) and scikit-learn's near-constant rule.
    const tau = new Float64Array(d);
    for (const t of rows) for (let j = 0; j < d; j++) tau[j]! += Zbuf[t * d + j]! ** 2;
    const inv = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      const v = tau[j]! / nc;
      const bound = nc * EPS * v + (nc * Math.abs(M[r * d + j]!) * EPS) ** 2;
      tau[j] = v <= bound ? 1 : v; // StandardScaler's scale 1 for a (near-)constant column
      inv[j] = 1 / Math.sqrt(tau[j]!);
    }
    // Ledoit–Wolf on the class's standardised rows, through their nc×nc Gram.
    const R = new Float64Array(nc * d);
    rows.forEach((t, a) => { for (let j = 0; j < d; j++) R[a * d + j] = Zbuf[t * d + j]! * inv[j]!; });
    const K = matmulABt(R, nc, R, nc, d);
    let tr = 0, frob2 = 0, q4 = 0;
    for (let a = 0; a < nc; a++) {
      tr += K[a * nc + a]!;
      q4 += K[a * nc + a]! ** 2;
    }
    for (let t = 0; t < nc * nc; t++) frob2 += K[t]! * K[t]!;
    tr /= nc;
    frob2 /= nc * nc;
    const delta = d === 1 ? 0 : ledoitWolfShrinkage(tr, frob2, q4, nc, d);
    const mu = tr / d;
    const pi = nc / n;
    deltaMean += pi * delta;
    for (let j = 0; j < d; j++) diagT[j]! += pi * delta * mu * tau[j]!;
    const sw = Math.sqrt(1 - delta);
    for (const t of rows) w[t] = sw;
  }
  let tMin = Infinity;
  for (let j = 0; j < d; j++) tMin = Math.min(tMin, diagT[j]!);
  let coef: Float64Array;
  if (route === 'dual' && tMin > 0) {
    // V = rows w_i q_i / √t; Σ⁻¹M'ᵀ = T^{-1/2}(B − Vᵀ(nI + VVᵀ)⁻¹V B), B = T^{-1/2}M'ᵀ.
    const rt = diagT.map((v) => 1 / Math.sqrt(v));
    for (let t = 0; t < n; t++) for (let j = 0; j < d; j++) Zbuf[t * d + j] = Zbuf[t * d + j]! * w[t]! * rt[j]!;
    const B = new Float64Array(Cp * d);
    for (let r = 0; r < Cp; r++) for (let j = 0; j < d; j++) B[r * d + j] = M[r * d + j]! * rt[j]!;
    const H = gramRows({ rows: n, cols: d, data: Zbuf });
    for (let i = 0; i < n; i++) H[i * n + i]! += n;
    const P = matmulABt(Zbuf, n, B, Cp, d);
    const L = cholesky(H, n, 0);
    if (!L) throw new Error('probe: the dual per-class LDA system is not positive definite (cannot happen)');
    choleskySolveInPlace(L, n, P, Cp);
    const U = matmulABt(transpose(P, n, Cp), Cp, transpose(Zbuf.subarray(0, n * d), n, d), d, n);
    coef = new Float64Array(Cp * d);
    for (let r = 0; r < Cp; r++) for (let j = 0; j < d; j++) coef[r * d + j] = (B[r * d + j]! - U[r * d + j]!) * rt[j]!;
  } else {
    const S = gramT({ rows: n, cols: d, data: Zbuf }, null, w);
    for (let t = 0; t < d * d; t++) S[t]! /= n;
    for (let j = 0; j < d; j++) S[j * d + j]! += diagT[j]!;
    coef = solveRows(S, d, M, Cp, warnings, 'the per-class shrunk covariance');
  }
  return { ...toShifted(coef, ldaIntercepts(M, coef, ts, d), ts, d), shrinkage: deltaMean };
}

/**
 * The route with fewer multiply-adds (measured to track the run times within
 * ~20 % on both sides of the crossover, which sits near n ≈ 0.7·D):
 *   primal: the fold Grams N·D²/2 (per fold n·D²/2 for 'auto-per-class') +
 *           per fold Cholesky D³/3 + class-mean update and solves ≈ 2.5·C·D²;
 *   dual:   per fold n²·D + n³/3 + 2·n·D·C.
 */
function cheaperRoute(N: number, d: number, k: number, C: number, n: number, perClass: boolean): 'primal' | 'dual' {
  const grams = perClass ? k * n * d * d / 2 : N * d * d / 2;
  const primal = grams + k * (d * d * d / 3 + 2.5 * C * d * d);
  const dual = k * (n * n * d + n * n * n / 3 + 2 * n * d * C);
  return dual < primal ? 'dual' : 'primal';
}

function trainIdxOf(fold: Int32Array, f: number, size: number): Int32Array {
  const out = new Int32Array(size);
  let p = 0;
  for (let i = 0; i < fold.length; i++) if (fold[i] !== f) out[p++] = i;
  return out;
}

// ---------------------------------------------------------------- the score

export function probe(X: Matrix, y: Labels, opts: ProbeOptions = {}): ProbeResult {
  checkLabels(X, y, 'probe');
  const classifier = opts.classifier ?? 'lda';
  if (!PROBE_CLASSIFIERS.includes(classifier)) throw new InputError(null, `probe: unknown classifier '${String(classifier)}' (expected ${PROBE_CLASSIFIERS.join(', ')})`);
  const shrinkage = opts.shrinkage ?? 'auto';
  if (shrinkage !== 'auto' && shrinkage !== 'auto-per-class' && !(typeof shrinkage === 'number' && shrinkage >= 0 && shrinkage <= 1)) {
    throw new InputError(null, `probe: shrinkage must be 'auto', 'auto-per-class' or a number in [0, 1], got ${String(shrinkage)}`);
  }
  const lambda = opts.lambda ?? 1;
  if (!(Number.isFinite(lambda) && lambda >= 0)) throw new InputError(null, `probe: lambda must be a finite number ≥ 0, got ${lambda}`);
  const routeOpt = opts.route ?? 'auto';
  if (!['auto', 'primal', 'dual'].includes(routeOpt)) throw new InputError(null, `probe: unknown route '${String(routeOpt)}'`);
  const { rows: N, cols: d } = X;
  const C = y.numClasses;
  const { fold, k } = resolveFolds(y, opts, 'probe');
  const members = foldMembers(fold, k);
  const warnings = new Set<string>();

  const classCount = new Int32Array(C);
  for (let i = 0; i < N; i++) classCount[y.ids[i]!]! += 1;
  let singletons = 0;
  for (let c = 0; c < C; c++) if (classCount[c] === 1) singletons++;
  if (singletons > 0) {
    warnings.add(`probe: ${singletons} class(es) with a single sample: it is never in its own training fold, so it is counted wrong`);
  }

  const shift = columnMeans(X);
  const stats = members.map((idx) => foldStats(X, y, idx, shift));
  const maxFold = Math.max(...members.map((m) => m.length));
  const minTrain = N - maxFold;
  const maxTrain = N - Math.min(...members.map((m) => m.length));
  const perClass = classifier === 'lda' && shrinkage === 'auto-per-class';
  const route = routeOpt === 'auto' ? cheaperRoute(N, d, k, C, maxTrain, perClass) : routeOpt;
  const buf = largeArray(maxFold * d);
  if (minTrain < 1) throw new InputError(null, 'probe: a training fold is empty');

  // Primal: one raw Gram per fold, shared by every training fold that contains it.
  const grams: Float64Array[] = [];
  if (route === 'primal' && !perClass) {
    for (let f = 0; f < k; f++) {
      const idx = members[f]!;
      gatherShifted(X, idx, shift, buf);
      grams.push(gramT({ rows: idx.length, cols: d, data: buf }));
    }
  }
  const Zbuf = route === 'dual' || perClass ? largeArray(maxTrain * d) : null;

  const fitOpts = { classifier, lambda, shrinkage };
  const predicted = new Int32Array(N);
  const correct = new Uint8Array(N);
  const shrinkages: number[] = [];
  let constantCols = 0;
  for (let f = 0; f < k; f++) {
    const ts = trainStats(stats, f, d, C, shift);
    constantCols = Math.max(constantCols, ts.constant);
    let model: FoldModel;
    if (perClass) {
      model = fitPerClass(X, y, trainIdxOf(fold, f, N - members[f]!.length), shift, ts, Zbuf!, route, warnings);
    } else if (route === 'primal') {
      const A = new Float64Array(d * d);
      for (let g = 0; g < k; g++) {
        if (g === f) continue;
        const G = grams[g]!;
        for (let t = 0; t < d * d; t++) A[t]! += G[t]!;
      }
      model = fitPrimal(A, ts, d, () => sumNorm4(X, y, fold, f, shift, ts, C), fitOpts, warnings);
    } else {
      model = fitDual(X, y, trainIdxOf(fold, f, N - members[f]!.length), shift, ts, Zbuf!, fitOpts, warnings);
    }
    if (model.shrinkage !== null) shrinkages.push(model.shrinkage);
    // Predict the test fold: logits = X̃_T·Wᵀ + b, argmax (first maximum on ties, as numpy).
    const idx = members[f]!;
    const nt = idx.length, Cp = ts.classes.length;
    gatherShifted(X, idx, shift, buf);
    const Zl = matmulABt(buf, nt, model.W, Cp, d);
    for (let t = 0; t < nt; t++) {
      let best = 0, bestV = -Infinity;
      for (let r = 0; r < Cp; r++) {
        const v = Zl[t * Cp + r]! + model.b[r]!;
        if (v > bestV) {
          bestV = v;
          best = r;
        }
      }
      const i = idx[t]!;
      predicted[i] = ts.classes[best]!;
      correct[i] = predicted[i] === y.ids[i] ? 1 : 0;
    }
  }
  if (constantCols > 0) warnings.add(`probe: up to ${constantCols} feature column(s) constant on a training fold are only centred (scale 1), as scikit-learn's StandardScaler does`);
  let hits = 0;
  for (let i = 0; i < N; i++) hits += correct[i]!;
  return { value: hits / N, warnings: [...warnings], correct, predicted, folds: fold, shrinkage: shrinkages };
}

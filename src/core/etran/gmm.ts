/**
 * Over 450 lines: one EM fit (initialisation, E and M steps, Cholesky precisions, convergence) whose parts share one state and only make sense together.
 *
 * A Gaussian mixture with full covariances fitted by EM, following the steps
 * of scikit-learn's `GaussianMixture(covariance_type='full')` with its
 * defaults (max_iter 100, tol 1e-3, reg_covar 1e-6, init_params 'kmeans',
 * n_init 1), so that NLEEP (nleep.ts) reproduces the sklearn-based code.
 *
 * Model: p(x) = Σ_k w_k N(x | μ_k, Σ_k). With L_k the Cholesky factor of Σ_k
 * and T_k = L_k⁻¹ (so Σ_k⁻¹ = T_kᵀT_k; sklearn stores T_kᵀ as
 * `precisions_cholesky_`):
 *   log N(x | μ_k, Σ_k) = −½ (D log 2π + ‖T_k x − T_k μ_k‖²) + Σ_j log (T_k)_jj.
 *
 * Initialisation (sklearn `_initialize_parameters` + `_initialize`):
 *   hard responsibilities r_ik = [label_i = k] from k-means (ours: seeded
 *   k-means++ seeding, greedy with 2 + ⌊ln K⌋ candidates per centre, then Lloyd
 *   until no label changes or the centres move by ≤ 1e-4 · mean feature
 *   variance, at most 300 rounds; an empty cluster is moved to the point
 *   farthest from its centre), or from `initLabels` when given; then one
 *   M-step, except that the initial weights are n_k / N (not normalised
 *   again). `meansInit` replaces only the means: sklearn still computes the
 *   hard k-means responsibilities and takes the initial weights and
 *   covariances from them, the covariances around the k-means cluster means,
 *   not around `meansInit`. We do the same.
 * E-step: log r_ik = log w_k + log N(x_i | k) − logsumexp_k(…); the lower
 *   bound is the mean over samples of that logsumexp (computed with the
 *   parameters before the M-step that follows). The Mahalanobis terms of all
 *   N×K pairs come from one product (see weightedLogProb): N·K·D²/2
 *   multiply-adds per E-step, the cost that NLEEP's caps bound.
 * M-step: n_k = Σ_i r_ik + 10·eps, μ_k = Σ_i r_ik x_i / n_k,
 *   Σ_k = Σ_i r_ik (x_i − μ_k)(x_i − μ_k)ᵀ / n_k + reg_covar · I,
 *   w_k = n_k / Σ_k n_k.
 * Convergence: stop after the iteration in which |lb_t − lb_{t−1}| < tol
 *   (lb_0 = −∞); not converged after max_iter iterations gives a warning.
 *   The returned parameters are those after the last M-step.
 *
 * Deviations from sklearn (the first two come with a warning):
 * - a mixture cannot have more components than samples: K is clamped to N
 *   (sklearn raises an error);
 * - a covariance that is not positive definite even with reg_covar (sklearn
 *   raises "ill-defined empirical covariance") gets a growing diagonal jitter
 *   (10⁻¹⁰ of its mean variance, ×10 per try) until Cholesky succeeds;
 * - responsibilities below 1e-12 are left out of a component's mean and
 *   covariance sums (their whole share is below N·1e-12 of a unit mass; they
 *   still count in n_k). In high dimension almost all r_ik are 0 or 1, and
 *   this keeps the M-step at O(N·D²) instead of O(N·K·D²).
 * A component that no sample supports keeps n_k = 10·eps: weight ≈ 0, mean 0
 *   and covariance reg_covar·I, as in sklearn; it stays in the model.
 */
import { InputError } from '../errors.js';
import { seededRandom } from '../random.js';
import { cholesky } from '../linalg/cholesky.js';
import { gramT, largeArray, matmulABt } from '../linalg/gram.js';
import { rowLogSumExp } from '../linalg/softmax.js';
import type { Matrix } from './types.js';

export interface GmmOptions {
  /** Number of mixture components K (clamped to N with a warning). */
  components: number;
  /** Seed of the k-means++ seeding (default 0). */
  seed?: number;
  /** EM iterations at most (default 100, sklearn's max_iter). */
  maxIter?: number;
  /** Convergence threshold on the change of the per-sample lower bound (default 1e-3). */
  tol?: number;
  /** Added to every covariance diagonal (default 1e-6). */
  regCovar?: number;
  /** Initial means (K×D), as sklearn's means_init: weights and covariances still come from the k-means labels. */
  meansInit?: Matrix;
  /**
   * Initial hard assignment (one component id per row) in place of our k-means:
   * what sklearn's KMeans returned, to reproduce sklearn's fit exactly.
   */
  initLabels?: Int32Array;
}

export interface GmmModel {
  weights: Float64Array;
  /** K×D component means. */
  means: Matrix;
  /** K covariance matrices, each D×D row-major. */
  covariances: Float64Array[];
  /** T_k = L_k⁻¹ (lower triangular, D×D), Σ_k⁻¹ = T_kᵀ T_k. */
  precisionCholesky: Float64Array[];
  converged: boolean;
  /** EM iterations run. */
  iterations: number;
  /** Mean log-likelihood per sample at the last E-step (sklearn's lower_bound_). */
  lowerBound: number;
  warnings: string[];
}

const EPS = 2.220446049250313e-16;
/** Responsibilities at or below this are left out of the M-step's sums (see header). */
const RESP_FLOOR = 1e-12;
const LOG_2PI = Math.log(2 * Math.PI);

// ---------------------------------------------------------------- k-means

export interface KmeansOptions {
  seed?: number;
  maxIter?: number;
  /** Relative to the mean feature variance (sklearn's tol). Default 1e-4. */
  tol?: number;
}

/** Squared distances of every row of X to every centre (N×K), through ‖x‖² − 2x·c + ‖c‖², clipped at 0. */
function sqDistances(X: Matrix, rowSq: Float64Array, centres: Float64Array, k: number): Float64Array {
  const { rows: n, cols: d } = X;
  // A fresh copy: the product may cache a shared copy of its operand by identity, and centres change.
  const dots = matmulABt(X.data, n, centres.slice(), k, d);
  const cSq = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += centres[c * d + j]! ** 2;
    cSq[c] = s;
  }
  for (let i = 0; i < n; i++) {
    const o = i * k;
    for (let c = 0; c < k; c++) dots[o + c] = Math.max(0, rowSq[i]! - 2 * dots[o + c]! + cSq[c]!);
  }
  return dots;
}

/**
 * k-means++ seeding (greedy: 2 + ⌊ln K⌋ candidates drawn ∝ D², the one that
 * lowers the potential most is kept) then Lloyd iterations. Returns the
 * labels of the final centres. Rows of X are taken as given (no centring).
 */
export function kmeans(X: Matrix, k: number, opts: KmeansOptions = {}): { labels: Int32Array; centres: Float64Array; iterations: number; inertia: number } {
  const { rows: n, cols: d, data } = X;
  if (!(Number.isInteger(k) && k >= 1 && k <= n)) throw new InputError(null, `kmeans: needs 1 ≤ k ≤ ${n} clusters, got ${k}`);
  const rand = seededRandom(opts.seed ?? 0);
  const maxIter = opts.maxIter ?? 300;
  const rowSq = new Float64Array(n);
  const colMean = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = data[i * d + j]!;
      s += v * v;
      colMean[j]! += v / n;
    }
    rowSq[i] = s;
  }
  // Seeding. Distances to the candidates of one round in one product.
  const centres = new Float64Array(k * d);
  const first = Math.min(n - 1, Math.floor(rand() * n));
  centres.set(data.subarray(first * d, first * d + d), 0);
  const closest = sqDistances(X, rowSq, data.slice(first * d, first * d + d), 1);
  const trials = 2 + Math.floor(Math.log(k));
  const cum = new Float64Array(n);
  const cand = new Int32Array(trials);
  for (let c = 1; c < k; c++) {
    let s = 0;
    for (let i = 0; i < n; i++) cum[i] = s += closest[i]!;
    for (let t = 0; t < trials; t++) {
      if (s > 0) {
        const r = rand() * s;
        // First index with cum > r (binary search).
        let lo = 0, hi = n - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (cum[mid]! > r) hi = mid;
          else lo = mid + 1;
        }
        cand[t] = lo;
      } else cand[t] = Math.min(n - 1, Math.floor(rand() * n)); // every point sits on a centre
    }
    const candRows = new Float64Array(trials * d);
    for (let t = 0; t < trials; t++) candRows.set(data.subarray(cand[t]! * d, cand[t]! * d + d), t * d);
    const dist = sqDistances(X, rowSq, candRows, trials); // n × trials
    let best = 0, bestPot = Infinity;
    for (let t = 0; t < trials; t++) {
      let p = 0;
      for (let i = 0; i < n; i++) p += Math.min(closest[i]!, dist[i * trials + t]!);
      if (p < bestPot) {
        bestPot = p;
        best = t;
      }
    }
    centres.set(candRows.subarray(best * d, best * d + d), c * d);
    for (let i = 0; i < n; i++) closest[i] = Math.min(closest[i]!, dist[i * trials + best]!);
  }

  // Lloyd.
  let meanVar = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) meanVar += (data[i * d + j]! - colMean[j]!) ** 2;
  meanVar /= n * d;
  const tol = (opts.tol ?? 1e-4) * meanVar;
  const labels = new Int32Array(n).fill(-1);
  const minDist = new Float64Array(n);
  const assign = (): boolean => {
    const D2 = sqDistances(X, rowSq, centres, k);
    let changed = false;
    for (let i = 0; i < n; i++) {
      let b = 0, bv = Infinity;
      for (let c = 0; c < k; c++) {
        const v = D2[i * k + c]!;
        if (v < bv) {
          bv = v;
          b = c;
        }
      }
      minDist[i] = bv;
      if (labels[i] !== b) changed = true;
      labels[i] = b;
    }
    return changed;
  };
  let iterations = 0;
  assign();
  const counts = new Float64Array(k);
  const sums = new Float64Array(k * d);
  for (let it = 0; it < maxIter; it++) {
    iterations = it + 1;
    counts.fill(0);
    sums.fill(0);
    for (let i = 0; i < n; i++) {
      const c = labels[i]!;
      counts[c]! += 1;
      for (let j = 0; j < d; j++) sums[c * d + j]! += data[i * d + j]!;
    }
    // Empty clusters take the points farthest from their current centres.
    const empty: number[] = [];
    for (let c = 0; c < k; c++) if (counts[c] === 0) empty.push(c);
    if (empty.length > 0) {
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => minDist[b]! - minDist[a]! || a - b);
      let taken = 0;
      for (const c of empty) {
        // Take a point whose cluster keeps at least one other member.
        while (taken < n && counts[labels[order[taken]!]!]! <= 1) taken++;
        if (taken >= n) break;
        const i = order[taken++]!;
        const old = labels[i]!;
        counts[old]! -= 1;
        for (let j = 0; j < d; j++) sums[old * d + j]! -= data[i * d + j]!;
        labels[i] = c;
        counts[c] = 1;
        for (let j = 0; j < d; j++) sums[c * d + j] = data[i * d + j]!;
        minDist[i] = 0;
      }
    }
    let shift = 0;
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue;
      for (let j = 0; j < d; j++) {
        const v = sums[c * d + j]! / counts[c]!;
        shift += (v - centres[c * d + j]!) ** 2;
        centres[c * d + j] = v;
      }
    }
    const changed = assign();
    if (!changed || shift <= tol) break;
  }
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += minDist[i]!;
  return { labels, centres, iterations, inertia };
}

// ---------------------------------------------------------------- Gaussian pieces

/** L⁻¹ for a lower-triangular n×n L (row-major). */
function lowerInverse(L: Float64Array, n: number): Float64Array {
  const T = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    T[c * n + c] = 1 / L[c * n + c]!;
    for (let i = c + 1; i < n; i++) {
      let s = 0;
      for (let l = c; l < i; l++) s += L[i * n + l]! * T[l * n + c]!;
      T[i * n + c] = -s / L[i * n + i]!;
    }
  }
  return T;
}

/** Tally of the covariances that needed more than reg_covar (one warning per fit, not per component). */
interface JitterLog {
  count: number;
  max: number;
}

/**
 * Cholesky of a covariance, with a growing diagonal jitter when it fails
 * (the jitter is added to `cov` itself and tallied in `log`). Returns T = L⁻¹.
 */
function precisionFactor(cov: Float64Array, d: number, k: number, log: JitterLog): Float64Array {
  let L = cholesky(cov, d, 0);
  if (!L) {
    let meanDiag = 0;
    for (let j = 0; j < d; j++) meanDiag += cov[j * d + j]! / d;
    let jitter = Math.max(1e-10 * Math.abs(meanDiag), Number.MIN_VALUE);
    const A = new Float64Array(cov);
    for (let t = 0; t < 40 && !L; t++) {
      for (let j = 0; j < d; j++) A[j * d + j] = cov[j * d + j]! + jitter;
      L = cholesky(A, d, 0);
      if (!L) jitter *= 10;
    }
    if (!L) throw new InputError(null, `gmm: covariance of component ${k} is not positive definite even with a jitter of ${jitter.toExponential(2)} (non-finite features?)`);
    cov.set(A);
    log.count++;
    log.max = Math.max(log.max, jitter);
  }
  return lowerInverse(L, d);
}

/**
 * Weighted log-probabilities log w_k + log N(x_i | μ_k, Σ_k) (N×K) in one
 * product per block of rows. With P_k = Σ_k⁻¹ = T_kᵀT_k, the Mahalanobis term
 * (x − μ_k)ᵀP_k(x − μ_k) = φ(x)·q_k is linear in the features
 * φ(x) = [x_j x_l (j ≤ l), x_j, 1] with q_k = [P_jl (×2 off the diagonal),
 * −2 P_k μ_k, μ_kᵀP_kμ_k]: one N×K product of width D(D+1)/2 + D + 1 instead
 * of K products of D×D (half the multiply-adds, and an N×K result instead of
 * N×K×D). Rounding: the terms cancel to ~eps·‖P_k‖·‖x‖², far below the
 * differences that move a posterior (the goldens agree with sklearn to 1e-12).
 */
function weightedLogProb(X: Matrix, model: Pick<GmmModel, 'weights' | 'means' | 'precisionCholesky'>): Float64Array {
  const { rows: n, cols: d, data } = X;
  const K = model.weights.length;
  const w = (d * (d + 1)) / 2 + d + 1;
  const Q = largeArray(K * w);
  const constant = new Float64Array(K);
  const P = new Float64Array(d * d);
  const v = new Float64Array(d);
  for (let k = 0; k < K; k++) {
    const T = model.precisionCholesky[k]!;
    // P = TᵀT (T lower: P_jl = Σ_{m ≥ max(j,l)} T_mj T_ml), upper triangle.
    P.fill(0);
    for (let m = 0; m < d; m++) {
      const o = m * d;
      for (let j = 0; j <= m; j++) {
        const t = T[o + j]!;
        if (t === 0) continue;
        for (let l = j; l <= m; l++) P[j * d + l]! += t * T[o + l]!;
      }
    }
    const mu = model.means.data.subarray(k * d, k * d + d);
    let c = 0;
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let l = 0; l < d; l++) s += (j <= l ? P[j * d + l]! : P[l * d + j]!) * mu[l]!;
      v[j] = s;
      c += s * mu[j]!;
    }
    const q = k * w;
    let t = 0;
    for (let j = 0; j < d; j++) for (let l = j; l < d; l++) Q[q + t++] = j === l ? P[j * d + l]! : 2 * P[j * d + l]!;
    for (let j = 0; j < d; j++) Q[q + t++] = -2 * v[j]!;
    Q[q + t] = c;
    let logdet = 0;
    for (let j = 0; j < d; j++) logdet += Math.log(T[j * d + j]!);
    constant[k] = -0.5 * d * LOG_2PI + logdet + Math.log(model.weights[k]!);
  }
  const out = new Float64Array(n * K);
  // Blocks of rows, φ ≤ 32 MiB, one buffer for all blocks (fresh pages cost more than the fill).
  const block = Math.max(1, Math.min(n, Math.floor(4e6 / w)));
  const phi = largeArray(block * w);
  for (let r0 = 0; r0 < n; r0 += block) {
    const r1 = Math.min(n, r0 + block);
    const rows = r1 - r0;
    for (let i = 0; i < rows; i++) {
      const x = (r0 + i) * d;
      let o = i * w;
      for (let j = 0; j < d; j++) {
        const xj = data[x + j]!;
        for (let l = j; l < d; l++) phi[o++] = xj * data[x + l]!;
      }
      for (let j = 0; j < d; j++) phi[o++] = data[x + j]!;
      phi[o] = 1;
    }
    const M = matmulABt(phi, rows, Q, K, w);
    for (let i = 0; i < rows; i++) {
      const o = i * K, oo = (r0 + i) * K;
      for (let k = 0; k < K; k++) out[oo + k] = -0.5 * Math.max(0, M[o + k]!) + constant[k]!;
    }
  }
  return out;
}

/** In place: weighted log-probs → responsibilities; returns the mean log-likelihood. */
function normaliseRows(W: Float64Array, n: number, K: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const o = i * K;
    const lse = rowLogSumExp(W, o, K);
    total += lse;
    for (let k = 0; k < K; k++) W[o + k] = Math.exp(W[o + k]! - lse);
  }
  return total / n;
}

/**
 * Parameters from responsibilities R (N×K): n_k, means and covariances
 * (sklearn `_estimate_gaussian_parameters`, full).
 */
function mStep(X: Matrix, R: Float64Array, K: number, regCovar: number): { nk: Float64Array; means: Float64Array; covs: Float64Array[] } {
  const { rows: n, cols: d, data } = X;
  const nk = new Float64Array(K);
  const idx: number[][] = Array.from({ length: K }, () => []);
  for (let i = 0; i < n; i++) {
    const o = i * K;
    for (let k = 0; k < K; k++) {
      const r = R[o + k]!;
      nk[k]! += r;
      if (r > RESP_FLOOR) idx[k]!.push(i);
    }
  }
  for (let k = 0; k < K; k++) nk[k]! += 10 * EPS;
  const means = new Float64Array(K * d);
  const covs: Float64Array[] = [];
  for (let k = 0; k < K; k++) {
    const rows = idx[k]!;
    const m = rows.length;
    const mu = means.subarray(k * d, k * d + d);
    for (const i of rows) {
      const r = R[i * K + k]!;
      for (let j = 0; j < d; j++) mu[j]! += r * data[i * d + j]!;
    }
    for (let j = 0; j < d; j++) mu[j]! /= nk[k]!;
    let cov: Float64Array;
    if (m === 0) cov = new Float64Array(d * d);
    else {
      const Xk = new Float64Array(m * d);
      const s = new Float64Array(m);
      rows.forEach((i, t) => {
        Xk.set(data.subarray(i * d, i * d + d), t * d);
        s[t] = Math.sqrt(R[i * K + k]!);
      });
      cov = gramT({ rows: m, cols: d, data: Xk }, new Float64Array(mu), s);
      const inv = 1 / nk[k]!;
      for (let t = 0; t < d * d; t++) cov[t]! *= inv;
    }
    for (let j = 0; j < d; j++) cov[j * d + j]! += regCovar;
    covs.push(cov);
  }
  return { nk, means, covs };
}

// ---------------------------------------------------------------- EM

/** Fits a full-covariance Gaussian mixture to the rows of X by EM (see the header). */
export function fitGmm(X: Matrix, opts: GmmOptions): GmmModel {
  const { rows: n, cols: d } = X;
  const warnings: string[] = [];
  if (n < 1 || d < 1) throw new InputError(null, `gmm: needs at least one sample and one feature, got ${n}×${d}`);
  for (let t = 0; t < X.data.length; t++) if (!Number.isFinite(X.data[t]!)) throw new InputError(null, `gmm: feature value at row ${Math.floor(t / d) + 1} is not finite`);
  const maxIter = opts.maxIter ?? 100;
  const tol = opts.tol ?? 1e-3;
  const regCovar = opts.regCovar ?? 1e-6;
  if (!(Number.isInteger(opts.components) && opts.components >= 1)) throw new InputError(null, `gmm: components must be a positive integer, got ${opts.components}`);
  if (!(Number.isInteger(maxIter) && maxIter >= 0)) throw new InputError(null, `gmm: maxIter must be an integer ≥ 0, got ${maxIter}`);
  if (!(tol >= 0) || !(regCovar >= 0)) throw new InputError(null, 'gmm: tol and regCovar must be ≥ 0');
  let K = opts.components;
  if (K > n) {
    if (opts.meansInit || opts.initLabels) throw new InputError(null, `gmm: ${K} components given initial values but only ${n} samples`);
    warnings.push(`gmm: ${K} components for ${n} samples; a mixture cannot have more components than samples, so K = ${n}`);
    K = n;
  }
  if (opts.meansInit && (opts.meansInit.rows !== K || opts.meansInit.cols !== d)) {
    throw new InputError(null, `gmm: meansInit is ${opts.meansInit.rows}×${opts.meansInit.cols}, expected ${K}×${d}`);
  }
  // Rows in shared memory when threads are in use, so the products read them without a copy.
  const Xs: Matrix = { rows: n, cols: d, data: largeArray(n * d) };
  Xs.data.set(X.data);

  let labels: Int32Array;
  if (opts.initLabels) {
    labels = opts.initLabels;
    if (labels.length !== n) throw new InputError(null, `gmm: initLabels has ${labels.length} entries for ${n} samples`);
    for (const l of labels) if (!(l >= 0 && l < K)) throw new InputError(null, `gmm: initLabels entry ${l} is not a component id in 0..${K - 1}`);
  } else labels = kmeans(Xs, K, { seed: opts.seed ?? 0 }).labels;
  const R = new Float64Array(n * K);
  for (let i = 0; i < n; i++) R[i * K + labels[i]!] = 1;
  let { nk, means, covs } = mStep(Xs, R, K, regCovar);
  let weights = nk.map((v) => v / n);
  if (opts.meansInit) means = new Float64Array(opts.meansInit.data);
  const jitter: JitterLog = { count: 0, max: 0 };
  let prec = covs.map((c, k) => precisionFactor(c, d, k, jitter));

  let lowerBound = -Infinity;
  let converged = false;
  let iterations = 0;
  for (let it = 1; it <= maxIter; it++) {
    iterations = it;
    const prev = lowerBound;
    const W = weightedLogProb(Xs, { weights, means: { rows: K, cols: d, data: means }, precisionCholesky: prec });
    lowerBound = normaliseRows(W, n, K);
    ({ nk, means, covs } = mStep(Xs, W, K, regCovar));
    let total = 0;
    for (let k = 0; k < K; k++) total += nk[k]!;
    weights = nk.map((v) => v / total);
    prec = covs.map((c, k) => precisionFactor(c, d, k, jitter));
    if (Math.abs(lowerBound - prev) < tol) {
      converged = true;
      break;
    }
  }
  if (jitter.count > 0) {
    warnings.push(`gmm: ${jitter.count} covariance estimate(s) were not positive definite with reg_covar ${regCovar}; a diagonal jitter of at most ${jitter.max.toExponential(2)} was added (sklearn stops with an error here)`);
  }
  if (!converged && maxIter > 0) warnings.push(`gmm: EM did not converge in ${maxIter} iterations (tol ${tol})`);
  return {
    weights,
    means: { rows: K, cols: d, data: means },
    covariances: covs,
    precisionCholesky: prec,
    converged,
    iterations,
    lowerBound,
    warnings,
  };
}

/** Responsibilities p(k | x_i) (N×K, rows summing to 1, log-sum-exp normalised) under a fitted mixture (sklearn `predict_proba`). */
export function gmmPosteriors(model: Pick<GmmModel, 'weights' | 'means' | 'precisionCholesky'>, X: Matrix): Matrix {
  if (X.cols !== model.means.cols) throw new InputError(null, `gmm: model has ${model.means.cols} features, data has ${X.cols}`);
  const K = model.weights.length;
  const W = weightedLogProb(X, model);
  normaliseRows(W, X.rows, K);
  return { rows: X.rows, cols: K, data: W };
}

/** Mean log-likelihood of the rows of X under the mixture (sklearn `score`). */
export function gmmScore(model: Pick<GmmModel, 'weights' | 'means' | 'precisionCholesky'>, X: Matrix): number {
  const W = weightedLogProb(X, model);
  return normaliseRows(W, X.rows, model.weights.length);
}

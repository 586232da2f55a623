/**
 * Over 450 lines: NCTI's three terms (seli, ncc, vc) and the official eigen/svd LDA choice they depend on, one score read top to bottom.
 *
 * NCTI (Wang et al., ICCV 2023, "How Far Pre-trained Models Are from Neural
 * Collapse on the Target Dataset Informs their Transferability"), as the
 * official code (github.com/BUserName/NCTI, `NCTI_Score` in metrics.py and the
 * combination in evaluate_metric_group*_cpu.py) computes it.
 *
 * Per model, on features X (N×D) with labels y (C classes):
 *   1. Z = PCA(X) to 64 dimensions (N×k).
 *   2. s = Σ of the first 32 explained variances (λ_i/(N−1)); α = max(e^{−s}, 1e−10).
 *      α = 1e−10 exactly: scikit-learn's LDA, solver 'svd' (no shrinkage);
 *      otherwise LDA solver 'eigen' with shrinkage α:
 *        Sw = Σ_c π_c shrink(Cov_c), St = shrink(Cov(Z)), Sb = St − Sw,
 *        shrink(A) = (1 − α)A + α·tr(A)/k·I (population covariances),
 *        V from eigh(Sb, Sw) (VᵀSwV = I, descending), coef = μVVᵀ = μSw⁻¹,
 *        b_c = −½ μ_c·coef_c + log π_c.
 *      'svd' (sklearn's _solve_svd): within-class deviations scaled per column by
 *      their std and by 1/√(N−C), SVD, directions with singular value > 1e−4 kept
 *      and whitened; class means (weighted √(n_c/(C−1))) in that space, SVD,
 *      directions with singular value > 1e−4·largest kept: W (k×r);
 *      coef = (μ − x̄)WWᵀ, b_c = −½‖(μ_c − x̄)W‖² + log π_c − x̄·coef_c.
 *   3. The three terms ("seli", "ncc", "vc" in the official printout):
 *        seli = ‖F − mean(F)‖_*, F = LDA transform of Z (Z·V or (Z − x̄)·W,
 *               first min(C − 1, k) columns), ‖·‖_* the nuclear norm;
 *        ncc  = mean_i p(y_i | z_i), p = softmax(z·coefᵀ + b);
 *        vc   = log Σ_c ‖P_c‖_*, P_c the n_c×C rows of p of class c.
 * Across the models of one ranking (not per model, like ETran):
 *   NCTI_m = minmax(seli)_m + minmax(ncc)_m − minmax(vc)_m,
 *   minmax(t) = (t − min)/(max − min) over the models.
 *
 * Where we differ from the official code, and why:
 * - PCA: upstream calls PCA(n_components=64) with sklearn's default solver,
 *   which for inputs larger than 500×500 is the unseeded randomized SVD (a
 *   different score on every run); we compute the exact PCA (pca.ts), what
 *   PCA(svd_solver='full') gives.
 * - Fewer than 64 dimensions available: upstream raises; we use
 *   k = min(64, D, N − 1), further cut to the numerical rank of the centred
 *   features (directions of zero variance would be pure rounding noise, which
 *   the 'svd' solver's per-column std scaling would blow up to unit size), with
 *   a warning.
 * - A term equal for every model contributes 0 (upstream divides 0 by 0); with
 *   one model the combination is undefined: null with a warning.
 * - Upstream assumes labels 0..C−1 all present; absent ids are dropped here.
 * Errors (InputError) where scikit-learn's LDA fails: N ≤ C, or no within-class
 * variation at all.
 *
 * Nuclear norms are computed to SVD accuracy (nuclearNorm: Gram eigenvalues when
 * well conditioned, else eigenvector-preconditioned one-sided Jacobi), so that
 * saturated posteriors (nearly rank-one class blocks) match numpy's SVD.
 *
 * Cost beyond the PCA (the D×D scatter, shared with the other metrics, and its
 * top-64 eigenvectors): O(N·k·C) for the posteriors and about
 * Σ_c min(n_c, C)²·max(n_c, C) for the class nuclear norms. Measured at N = 10,000,
 * D = 2,048, C = 100 (2 shared cores): 8.3 s for a first call, of which ~3.7 s is
 * the D×D scatter that the other metrics reuse; 4.4 s with the scatter cached
 * (top-64 eigenvectors and projection 2.1 s, class nuclear norms 2.1 s, the rest 0.25 s).
 */
import { InputError } from '../errors.js';
import { gramT, matmulABt } from '../linalg/gram.js';
import { identity } from '../linalg/matrix.js';
import { softmaxRowsInPlace } from '../linalg/softmax.js';
import { classStats } from '../linalg/statistics.js';
import { symEig } from '../linalg/symmetric-eigen.js';
import { checkLabels } from './labels.js';
import { pca } from './pca.js';
import type { Labels, Matrix } from './types.js';

export interface NctiOptions {
  /** PCA dimension (official: 64). */
  pcaDims?: number;
}

export interface NctiTerms {
  /** Nuclear norm of the centred LDA-projected features (higher is better). */
  seli: number;
  /** Mean LDA posterior of the true class (higher is better). */
  ncc: number;
  /** log Σ_c nuclear norm of class c's posterior rows (lower is better). */
  vc: number;
}

export interface NctiTermsResult {
  terms: NctiTerms;
  warnings: string[];
  /** PCA dimension used. */
  pcaDims: number;
  /** The LDA solver the official rule picked. */
  solver: 'eigen' | 'svd';
  /** The shrinkage α of the 'eigen' solver; null for 'svd'. */
  shrinkage: number | null;
}

export const NCTI_PCA_DIMS = 64;
/** sklearn LinearDiscriminantAnalysis' default `tol`. */
const LDA_TOL = 1e-4;

// ---------------------------------------------------------------- small dense helpers (k ≤ 64)

/** A (r×q) · B (q×c), row-major. */
function mul(A: Float64Array, r: number, q: number, B: Float64Array, c: number): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) {
    for (let t = 0; t < q; t++) {
      const a = A[i * q + t]!;
      if (a === 0) continue;
      const o = t * c;
      for (let j = 0; j < c; j++) out[i * c + j]! += a * B[o + j]!;
    }
  }
  return out;
}

function transposeOf(A: Float64Array, r: number, c: number): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = A[i * c + j]!;
  return out;
}

/** Eigen-decomposition of a small symmetric matrix, descending: values and V (n×n, column j = vector j). */
function eigDesc(A: Float64Array, n: number): { values: Float64Array; V: Float64Array } {
  const { values, vtb } = symEig(A, n, identity(n), n);
  const vals = new Float64Array(n);
  const V = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const src = n - 1 - j;
    vals[j] = values[src]!;
    for (let i = 0; i < n; i++) V[i * n + j] = vtb![src * n + i]!;
  }
  return { values: vals, V };
}

/**
 * Nuclear norm of an r×c matrix to the accuracy of an SVD (each singular value
 * within a small multiple of ε·σ_max), also when it is far from full rank, as a
 * saturated posterior block is. With m = min(r, c) vectors (rows, or columns)
 * and their m×m Gram G:
 * - all eigenvalues of G ≥ 1e−8·λ_max: Σ √λ_i (each σ_i within ~ε·σ_max/ρ_i,
 *   ρ_i = σ_i/σ_max ≥ 1e−4);
 * - otherwise the square roots would leave errors up to √ε·σ_max on the small
 *   singular values, so: G's eigenvectors U as a preconditioner, B = U·M (rows
 *   almost orthogonal), one-sided Jacobi (Hestenes) rotations on B's rows until
 *   every pair is orthogonal to working precision, σ_i = ‖b_i‖. Rows at the
 *   rounding level of B itself (‖b‖² ≤ (m + len)·ε²·‖B‖²_F) are left alone.
 */
export function nuclearNorm(A: Float64Array, r: number, c: number): number {
  const m = Math.min(r, c), len = Math.max(r, c);
  if (m === 0) return 0;
  const M = r <= c ? A : transposeOf(A, r, c); // m×len, a vector per row
  if (m === 1) {
    let s = 0;
    for (let j = 0; j < len; j++) s += M[j]! * M[j]!;
    return Math.sqrt(s);
  }
  const G = matmulABt(M, m, M, m, len);
  let gmax = 0;
  for (let i = 0; i < m * m; i++) gmax = Math.max(gmax, Math.abs(G[i]!));
  if (!(gmax > 0)) return 0;
  // Normalise and drop entries below 1e−150 of the largest: the tridiagonalisation
  // must not meet squares that underflow (they are far below its rounding anyway).
  for (let i = 0; i < m * m; i++) {
    const g = G[i]! / gmax;
    G[i] = Math.abs(g) < 1e-150 ? 0 : g;
  }
  const { values } = symEig(G, m);
  const lmax = values[m - 1]!;
  if (values[0]! >= 1e-8 * lmax) {
    let s = 0;
    for (const v of values) s += Math.sqrt(v);
    return s * Math.sqrt(gmax);
  }
  let B: Float64Array;
  const Ut = symEig(G, m, identity(m), m).vtb!; // rows = eigenvectors
  if (Ut.every(Number.isFinite)) B = mul(Ut, m, m, M, len);
  else B = Float64Array.from(M.subarray(0, m * len));
  // Pairs count as orthogonal below cos = len·ε: the dot product's own rounding is ~√len·ε, and a
  // remaining cosine δ moves the singular values by O(δ²) only.
  const tol = Math.max(len, 16) * 2 ** -52;
  const nrm = new Float64Array(m);
  for (let sweep = 0; sweep < 40; sweep++) {
    let fro = 0;
    for (let p = 0; p < m; p++) {
      let s = 0;
      for (let j = 0; j < len; j++) s += B[p * len + j]! ** 2;
      nrm[p] = s;
      fro += s;
    }
    const noise = (m + len) * 2 ** -104 * fro;
    let rotated = false;
    for (let p = 0; p < m - 1; p++) {
      if (nrm[p]! <= noise) continue;
      for (let q = p + 1; q < m; q++) {
        const a = nrm[p]!, b = nrm[q]!;
        if (b <= noise) continue;
        const op = p * len, oq = q * len;
        let g = 0;
        for (let j = 0; j < len; j++) g += B[op + j]! * B[oq + j]!;
        if (!(Math.abs(g) > tol * Math.sqrt(a) * Math.sqrt(b))) continue;
        rotated = true;
        const zeta = (b - a) / (2 * g);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const cs = 1 / Math.sqrt(1 + t * t), sn = cs * t;
        for (let j = 0; j < len; j++) {
          const x = B[op + j]!, y = B[oq + j]!;
          B[op + j] = cs * x - sn * y;
          B[oq + j] = sn * x + cs * y;
        }
        nrm[p] = a - t * g;
        nrm[q] = b + t * g;
      }
    }
    if (!rotated) break;
  }
  let total = 0;
  for (let p = 0; p < m; p++) {
    let s = 0;
    for (let j = 0; j < len; j++) s += B[p * len + j]! ** 2;
    total += Math.sqrt(s);
  }
  return total;
}

// ---------------------------------------------------------------- the two LDA solvers (sklearn's)

interface LdaFit {
  coef: Float64Array; // C×k
  intercept: Float64Array; // C
  /** k×m transform directions (columns), m = min(C − 1, k) or fewer. */
  W: Float64Array;
  m: number;
}

/** solver='eigen' with a fixed shrinkage α. */
function ldaEigen(Z: Matrix, y: Labels, means: Float64Array, priors: Float64Array, alpha: number): LdaFit {
  const { rows: n, cols: k } = Z;
  const C = y.numClasses;
  // Total and within-class covariances (population), one pass each.
  const mean = new Float64Array(k);
  for (let c = 0; c < C; c++) for (let j = 0; j < k; j++) mean[j]! += priors[c]! * means[c * k + j]!;
  const Zc = new Float64Array(n * k);
  const Zw = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const c = y.ids[i]!;
    for (let j = 0; j < k; j++) {
      const z = Z.data[i * k + j]!;
      Zc[i * k + j] = z - mean[j]!;
      Zw[i * k + j] = z - means[c * k + j]!;
    }
  }
  const St = gramT({ rows: n, cols: k, data: Zc });
  const Sw = gramT({ rows: n, cols: k, data: Zw });
  let trT = 0, trW = 0;
  for (let j = 0; j < k; j++) {
    trT += St[j * k + j]!;
    trW += Sw[j * k + j]!;
  }
  if (!(trW > 0)) throw new InputError(null, 'ncti: no within-class variation (every class is a single point); the LDA is undefined');
  // shrink(A/N) for both; Sb = St' − Sw'.
  const Swp = new Float64Array(k * k);
  const Sb = new Float64Array(k * k);
  for (let i = 0; i < k * k; i++) {
    Swp[i] = ((1 - alpha) * Sw[i]!) / n;
    Sb[i] = ((1 - alpha) * St[i]!) / n - Swp[i]!;
  }
  for (let j = 0; j < k; j++) {
    Swp[j * k + j]! += (alpha * trW) / n / k;
    Sb[j * k + j]! += (alpha * trT) / n / k - (alpha * trW) / n / k;
  }
  // eigh(Sb, Sw'): Sw' = Q D Qᵀ, H = Sw'^{-1/2} = Q D^{-1/2} Qᵀ, eig(H Sb H) = U Λ Uᵀ, V = H U.
  const w = eigDesc(Swp, k);
  if (!(w.values[k - 1]! > 0)) throw new InputError(null, 'ncti: the shrunk within-class covariance is singular; the LDA is undefined');
  const QD = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) QD[i * k + j] = w.V[i * k + j]! / Math.sqrt(w.values[j]!);
  const H = mul(QD, k, k, transposeOf(w.V, k, k), k);
  const M = mul(mul(H, k, k, Sb, k), k, k, H, k);
  for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) M[j * k + i] = M[i * k + j] = 0.5 * (M[i * k + j]! + M[j * k + i]!);
  const u = eigDesc(M, k);
  const V = mul(H, k, k, u.V, k); // k×k, columns = generalized eigenvectors, descending
  const muV = mul(means, C, k, V, k);
  const coef = mul(muV, C, k, transposeOf(V, k, k), k);
  const intercept = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += means[c * k + j]! * coef[c * k + j]!;
    intercept[c] = -0.5 * s + Math.log(priors[c]!);
  }
  const m = Math.min(C - 1, k);
  const W = new Float64Array(k * m);
  for (let i = 0; i < k; i++) for (let j = 0; j < m; j++) W[i * m + j] = V[i * k + j]!;
  return { coef, intercept, W, m };
}

/** solver='svd' (sklearn's _solve_svd, tol 1e−4). */
function ldaSvd(Z: Matrix, y: Labels, means: Float64Array, priors: Float64Array, warnings: string[]): LdaFit {
  const { rows: n, cols: k } = Z;
  const C = y.numClasses;
  const xbar = new Float64Array(k);
  for (let c = 0; c < C; c++) for (let j = 0; j < k; j++) xbar[j]! += priors[c]! * means[c * k + j]!;
  // Within-class deviations, their column std (population, as np.std), scaled data.
  const Xw = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const c = y.ids[i]!;
    for (let j = 0; j < k; j++) Xw[i * k + j] = Z.data[i * k + j]! - means[c * k + j]!;
  }
  const std = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Xw[i * k + j]!;
    const mj = s / n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (Xw[i * k + j]! - mj) ** 2;
    std[j] = Math.sqrt(ss / n);
    if (std[j] === 0) std[j] = 1;
  }
  const f = Math.sqrt(1 / (n - C));
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) Xw[i * k + j] = (f * Xw[i * k + j]!) / std[j]!;
  // SVD of the scaled deviations through their k×k Gram: S² = eigenvalues, Vt = eigenvectors.
  const g = eigDesc(gramT({ rows: n, cols: k, data: Xw }), k);
  const S = Array.from(g.values, (v) => Math.sqrt(Math.max(0, v)));
  let rank = 0;
  while (rank < k && S[rank]! > LDA_TOL) rank++;
  if (rank === 0) throw new InputError(null, 'ncti: no within-class variation (every class is a single point); the LDA is undefined');
  if (rank < k) warnings.push(`ncti: the within-class features are collinear (rank ${rank} of ${k}), as sklearn's LDA warns`);
  // scalings (k×rank): column r = Vt_r / std / S_r.
  const scal = new Float64Array(k * rank);
  for (let i = 0; i < k; i++) for (let r = 0; r < rank; r++) scal[i * rank + r] = g.V[i * k + r]! / std[i]! / S[r]!;
  // Between: rows √(N π_c/(C−1))·(μ_c − x̄), times the scalings (C×rank).
  const fb = 1 / (C - 1);
  const Mc = new Float64Array(C * k);
  for (let c = 0; c < C; c++) {
    const wgt = Math.sqrt(n * priors[c]! * fb);
    for (let j = 0; j < k; j++) Mc[c * k + j] = wgt * (means[c * k + j]! - xbar[j]!);
  }
  const Mb = mul(Mc, C, k, scal, rank);
  const b = eigDesc(gramT({ rows: C, cols: rank, data: Mb }), rank);
  const Sb = Array.from(b.values, (v) => Math.sqrt(Math.max(0, v)));
  let rankB = 0;
  while (rankB < rank && Sb[rankB]! > LDA_TOL * Sb[0]!) rankB++;
  // W = scalings · Vb[:, :rankB]   (k×rankB)
  const Vb = new Float64Array(rank * rankB);
  for (let i = 0; i < rank; i++) for (let r = 0; r < rankB; r++) Vb[i * rankB + r] = b.V[i * rank + r]!;
  const Wfull = mul(scal, k, rank, Vb, rankB);
  const centred = new Float64Array(C * k);
  for (let c = 0; c < C; c++) for (let j = 0; j < k; j++) centred[c * k + j] = means[c * k + j]! - xbar[j]!;
  const coefR = mul(centred, C, k, Wfull, rankB);
  const intercept = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let r = 0; r < rankB; r++) s += coefR[c * rankB + r]! ** 2;
    intercept[c] = -0.5 * s + Math.log(priors[c]!);
  }
  const coef = mul(coefR, C, rankB, transposeOf(Wfull, k, rankB), k);
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += xbar[j]! * coef[c * k + j]!;
    intercept[c]! -= s;
  }
  const m = Math.min(C - 1, k, rankB);
  const W = new Float64Array(k * m);
  for (let i = 0; i < k; i++) for (let j = 0; j < m; j++) W[i * m + j] = Wfull[i * rankB + j]!;
  return { coef, intercept, W, m };
}

// ---------------------------------------------------------------- per model

/** Labels restricted to the classes present (ids renumbered in order), and how many were absent. */
function presentClasses(y: Labels): { labels: Labels; absent: number } {
  const counts = new Int32Array(y.numClasses);
  for (let i = 0; i < y.ids.length; i++) counts[y.ids[i]!]! += 1;
  const map = new Int32Array(y.numClasses).fill(-1);
  const names: string[] = [];
  for (let c = 0; c < y.numClasses; c++) {
    if (counts[c]! > 0) {
      map[c] = names.length;
      names.push(y.names[c] ?? String(c));
    }
  }
  const absent = y.numClasses - names.length;
  if (absent === 0) return { labels: y, absent };
  return { labels: { ids: y.ids.map((c) => map[c]!), numClasses: names.length, names }, absent };
}

export function nctiTerms(X: Matrix, y: Labels, opts: NctiOptions = {}): NctiTermsResult {
  const want = opts.pcaDims ?? NCTI_PCA_DIMS;
  if (!(Number.isInteger(want) && want >= 1)) throw new InputError(null, `ncti: pcaDims must be an integer ≥ 1, got ${want}`);
  checkLabels(X, y, 'ncti');
  const warnings: string[] = [];
  const pres = presentClasses(y);
  if (pres.absent > 0) warnings.push(`ncti: ${pres.absent} class id(s) have no sample and are left out`);
  const lab = pres.labels;
  const { rows: n } = X;
  const C = lab.numClasses;
  if (C < 2) throw new InputError(null, `ncti: needs at least 2 classes with samples, got ${C}`);
  if (n <= C) throw new InputError(null, `ncti: needs more samples (${n}) than classes (${C}) for its LDA`);

  // 1. PCA to k = min(64, D, N − 1) dimensions, cut to the numerical rank.
  let k = Math.min(want, X.cols, n - 1);
  const p = pca(X, { components: k });
  for (const wmsg of p.warnings) if (!/zero variance/.test(wmsg)) warnings.push(wmsg.replace(/^pca:/, 'ncti: PCA:'));
  const ev = p.explainedVariance;
  const top = ev[0] ?? 0;
  if (!(top > 0)) throw new InputError(null, 'ncti: every feature is constant; nothing to score');
  let rank = 0;
  while (rank < k && ev[rank]! > top * 10 * Math.max(n, X.cols) * 2 ** -52) rank++;
  if (k < want || rank < k) {
    warnings.push(`ncti: PCA to ${rank} dimensions instead of ${want}` +
      (k < want ? ` (min(D, N − 1) = ${k}; the official PCA(64) would fail)` : '') +
      (rank < k ? ` (the centred features have rank ${rank})` : ''));
  }
  let Z = p.projected;
  if (rank < k) {
    const data = new Float64Array(n * rank);
    for (let i = 0; i < n; i++) for (let j = 0; j < rank; j++) data[i * rank + j] = Z.data[i * k + j]!;
    Z = { rows: n, cols: rank, data };
    k = rank;
  }

  // 2. The official rule for the LDA's shrinkage.
  let s = 0;
  for (let j = 0; j < Math.min(32, k); j++) s += ev[j]!;
  const temp = Math.max(Math.exp(-s), 1e-10);
  const solver: 'eigen' | 'svd' = temp === 1e-10 ? 'svd' : 'eigen';
  const { means, priors } = classStats(Z, lab);
  const fit = solver === 'svd' ? ldaSvd(Z, lab, means, priors, warnings) : ldaEigen(Z, lab, means, priors, temp);

  // 3a. seli: nuclear norm of the centred transform F = Z·W (centring commutes with W).
  const Zc = new Float64Array(n * k);
  const mz = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) mz[j]! += Z.data[i * k + j]! / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) Zc[i * k + j] = Z.data[i * k + j]! - mz[j]!;
  const seli = fit.m === 0 ? 0 : nuclearNorm(matmulABt(Zc, n, transposeOf(fit.W, k, fit.m), fit.m, k), n, fit.m);

  // 3b. ncc: mean true-class posterior.
  const P = matmulABt(Z.data, n, fit.coef, C, k);
  for (let i = 0; i < n; i++) for (let c = 0; c < C; c++) P[i * C + c]! += fit.intercept[c]!;
  softmaxRowsInPlace(P, n, C);
  let ncc = 0;
  for (let i = 0; i < n; i++) ncc += P[i * C + lab.ids[i]!]!;
  ncc /= n;

  // 3c. vc: log Σ_c ‖P_c‖_*.
  const members: number[][] = Array.from({ length: C }, () => []);
  for (let i = 0; i < n; i++) members[lab.ids[i]!]!.push(i);
  let nucSum = 0;
  for (let c = 0; c < C; c++) {
    const rows = members[c]!;
    const nc = rows.length;
    const Pc = new Float64Array(nc * C);
    rows.forEach((i, r) => Pc.set(P.subarray(i * C, (i + 1) * C), r * C));
    nucSum += nuclearNorm(Pc, nc, C);
  }
  const vc = Math.log(nucSum);

  return { terms: { seli, ncc, vc }, warnings, pcaDims: k, solver, shrinkage: solver === 'eigen' ? temp : null };
}

// ---------------------------------------------------------------- across a ranking

/**
 * NCTI_m = minmax(seli) + minmax(ncc) − minmax(vc) over the models of one
 * ranking. A term equal for every model contributes 0; one model, or a model
 * with a non-finite term, gets null (with the reason in warnings).
 */
export function nctiCombine(terms: NctiTerms[]): { values: Array<number | null>; warnings: string[] } {
  const warnings: string[] = [];
  const m = terms.length;
  if (m < 2) {
    if (m === 1) warnings.push('ncti: the min-max combination needs at least 2 models; ncti is undefined (null) for a single model');
    return { values: terms.map(() => null), warnings };
  }
  const keys = ['seli', 'ncc', 'vc'] as const;
  const sign = { seli: 1, ncc: 1, vc: -1 };
  const finite = terms.map((t) => keys.every((key) => Number.isFinite(t[key])));
  const bad = finite.filter((f) => !f).length;
  if (bad > 0) warnings.push(`ncti: ${bad} model(s) have a non-finite term; their ncti is null`);
  const values: Array<number | null> = terms.map((_, i) => (finite[i] ? 0 : null));
  for (const key of keys) {
    let lo = Infinity, hi = -Infinity;
    terms.forEach((t, i) => {
      if (!finite[i]) return;
      lo = Math.min(lo, t[key]);
      hi = Math.max(hi, t[key]);
    });
    if (!(hi > lo)) {
      if (lo === hi) warnings.push(`ncti: ${key} is equal for every model and contributes 0`);
      continue;
    }
    terms.forEach((t, i) => {
      if (finite[i]) values[i] = values[i]! + (sign[key] * (t[key] - lo)) / (hi - lo);
    });
  }
  return { values, warnings };
}

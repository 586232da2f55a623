/**
 * LogME (You et al., ICML 2021), the fixed-point version of thuml/LogME.
 *
 * The spectrum of X: when N > D, eigen-decompose XᵀX (s = √|eig|, keep
 * s > 1e−10; x = uᵀy_c = vᵀXᵀy_c / s), otherwise the thin SVD via XXᵀ (all
 * N values; x = uᵀy_c). σ = s². Per class c (one-hot y_c):
 *   res_x2 = ‖y_c‖² − Σx²; α = β = 1; at most 11 times:
 *   t = α/β; γ = Σ σ/(σ+t); m2 = Σ σx²/(t+σ)²; res2 = Σ x²/(1+σ/t)² + res_x2;
 *   α = γ/(m2+1e−5); β = (N−γ)/(res2+1e−5); stop when |α/β − t|/t ≤ 1e−3.
 * evidence_c = [D/2 log α + N/2 log β − ½Σ log(α+βσ) − β/2·res2 − α/2·m2 − N/2 log 2π]/N,
 * LogME = mean_c evidence_c.
 *
 * Only VᵀXᵀY is needed, never V: one symmetric eigen-decomposition with C
 * right-hand sides (linalg.symEig), XᵀX taken from the shared centred scatter.
 *
 * Option `corrected`: upstream drops the −½(D−k)·log α term of the D−k zero
 * singular values (always present when N < D); `corrected: true` adds it.
 */
import { gramRows } from '../linalg/gram.js';
import { centredScatter, classStats } from '../linalg/statistics.js';
import { symEig } from '../linalg/symmetric-eigen.js';
import { checkLabels } from './labels.js';
import type { Labels, Matrix } from './types.js';

export interface LogmeOptions {
  corrected?: boolean;
}

/** Evidence of one target vector given the spectrum σ and its projections x²: the fixed point above, with thuml/LogME's start, stopping rule and order of sums. */
export function logmeEvidence(sigma: Float64Array, x2: Float64Array, resX2: number, n: number, d: number, corrected: boolean): number {
  const k = sigma.length;
  let alpha = 1, beta = 1;
  let m2 = 0, res2 = 0, t = 1;
  for (let it = 0; it < 11; it++) {
    t = alpha / beta;
    let gamma = 0;
    m2 = 0;
    res2 = 0;
    for (let i = 0; i < k; i++) {
      const s = sigma[i]!;
      gamma += s / (s + t);
      m2 += (s * x2[i]!) / ((t + s) * (t + s));
      const q = 1 + s / t;
      res2 += x2[i]! / (q * q);
    }
    res2 += resX2;
    alpha = gamma / (m2 + 1e-5);
    beta = (n - gamma) / (res2 + 1e-5);
    const t2 = alpha / beta;
    if (Math.abs(t2 - t) / t <= 1e-3) break;
  }
  let logdet = 0;
  for (let i = 0; i < k; i++) logdet += Math.log(alpha + beta * sigma[i]!);
  let ev = (d / 2) * Math.log(alpha) + (n / 2) * Math.log(beta) - 0.5 * logdet - (beta / 2) * res2 - (alpha / 2) * m2 - (n / 2) * Math.log(2 * Math.PI);
  if (corrected && d > k) ev -= 0.5 * (d - k) * Math.log(alpha);
  return ev / n;
}

export function logme(X: Matrix, y: Labels, opts: LogmeOptions = {}): { value: number; warnings: string[] } {
  checkLabels(X, y, 'logme');
  const { rows: n, cols: d } = X;
  const C = y.numClasses;
  const counts = new Float64Array(C);
  for (let i = 0; i < n; i++) counts[y.ids[i]!]! += 1;
  return logmeFrom(n, d, y, counts, opts, {
    tall: () => ({ ...centredScatter(X), classMeans: classStats(X, y).means }),
    rowGram: () => gramRows(X),
  });
}

/**
 * Where LogME's spectrum comes from: for N > D the centred scatter, the column
 * and class means (XᵀX = S + N μμᵀ, XᵀY = class sums); for N ≤ D the row Gram
 * XXᵀ. Each is asked for only on its side, so the streamed path computes one.
 */
export interface LogmeSources {
  tall(): { mean: Float64Array; scatter: Float64Array; classMeans: Float64Array };
  rowGram(): Float64Array;
}

/** LogME from its statistics (shared by the in-memory and streamed paths). */
export function logmeFrom(n: number, d: number, y: Labels, counts: Float64Array, opts: LogmeOptions, from: LogmeSources): { value: number; warnings: string[] } {
  const warnings: string[] = [];
  const C = y.numClasses;
  let sigma: Float64Array;
  let x2all: Float64Array; // k×C
  let k: number;
  if (n > d) {
    // XᵀX = S + N μμᵀ from the shared centred scatter; XᵀY = class sums.
    const { mean, scatter, classMeans } = from.tall();
    const G = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) G[i * d + j] = scatter[i * d + j]! + n * mean[i]! * mean[j]!;
    const B = new Float64Array(d * C);
    for (let c = 0; c < C; c++) for (let j = 0; j < d; j++) B[j * C + c] = classMeans[c * d + j]! * counts[c]!;
    const { values, vtb } = symEig(G, d, B, C);
    // Upstream keeps singular values s > 1e−10 of XᵀX's SVD. A direction X does not
    // span (collinear or constant-zero columns) comes out of LAPACK as rounding noise
    // ~eps·λmax rather than 0, and survives that cut unless X is tiny in scale. Such
    // a direction adds nothing to γ, m2 or res2 (its x² moves from res_x2 into res2
    // unchanged) but −½·log α to the evidence. So: eigenvalues at rounding level
    // count as kept null directions (σ = 0, x = 0) exactly when upstream's noise would
    // clear the cut; the rest follow the s > 1e−10 rule.
    const lamMax = Math.abs(values[d - 1]!);
    const noise = d * 2 ** -52 * lamMax;
    const upstreamKeepsNull = 2 ** -52 * lamMax > 1e-20;
    const keep: number[] = [];
    let nulls = 0;
    for (let i = d - 1; i >= 0; i--) {
      const lam = Math.abs(values[i]!);
      if (lam <= noise) {
        if (upstreamKeepsNull) nulls++;
      } else if (Math.sqrt(lam) > 1e-10) keep.push(i);
    }
    k = keep.length + nulls;
    sigma = new Float64Array(k);
    x2all = new Float64Array(k * C);
    keep.forEach((i, r) => {
      const s = Math.sqrt(Math.abs(values[i]!));
      sigma[r] = s * s;
      for (let c = 0; c < C; c++) {
        const x = vtb![i * C + c]! / s;
        x2all[r * C + c] = x * x;
      }
    });
    const rank = keep.length;
    if (rank < d) {
      warnings.push(`logme: X has numerical rank ${rank} < D = ${d}` + (nulls > 0
        ? `; as upstream, its ${nulls} null direction(s) enter the evidence through LAPACK rounding noise (−½·log α each)`
        : `; ${d - rank} zero direction(s) dropped as upstream does`));
    }
  } else {
    // Thin SVD through XXᵀ: u = eigenvectors, σ = eigenvalues, all N kept.
    const K = from.rowGram();
    const Y = new Float64Array(n * C);
    for (let i = 0; i < n; i++) Y[i * C + y.ids[i]!] = 1;
    const { values, vtb } = symEig(K, n, Y, C);
    k = n;
    sigma = new Float64Array(n);
    x2all = new Float64Array(n * C);
    for (let r = 0; r < n; r++) {
      const i = n - 1 - r;
      const s = Math.sqrt(Math.abs(values[i]!));
      sigma[r] = s * s;
      for (let c = 0; c < C; c++) x2all[r * C + c] = vtb![i * C + c]! ** 2;
    }
    if (!opts.corrected) warnings.push(`logme: N = ${n} ≤ D = ${d}; upstream's evidence omits the D − N zero singular values (option corrected adds them)`);
  }
  const x2 = new Float64Array(k);
  let total = 0;
  for (let c = 0; c < C; c++) {
    let sx = 0;
    for (let r = 0; r < k; r++) {
      x2[r] = x2all[r * C + c]!;
      sx += x2[r]!;
    }
    total += logmeEvidence(sigma, x2, counts[c]! - sx, n, d, opts.corrected ?? false);
  }
  return { value: total / C, warnings };
}

/**
 * Regularised H-score (Ibrahim et al., ICLR 2022) as TLlib's
 * `regularized_h_score` computes it: centre X, Ledoit–Wolf shrinkage of
 * S = XᵀX/N exactly as sklearn's `LedoitWolf().fit` (μ = tr S/D,
 * δ = ‖S − μI‖²_F/D, β = min(δ, (Σ_i‖x_i‖⁴/N − ‖S‖²_F)/(N·D)), α* = β/δ,
 * 0 when β = 0), Σ = (1 − α*)S + α*μI, and
 *   H_α = tr( pinv(Σ, rcond=1e−15) · (1 − α*)·Cov(G) ),  Cov(G) with N − 1.
 * Σ is positive definite whenever α* > 0, so Cholesky solves replace pinv.
 */
import { trace } from '../linalg/matrix.js';
import { centredScatter, classStats } from '../linalg/statistics.js';
import { checkLabels } from './labels.js';
import { offsetsFromMeans, weightedQuadraticForms, type HscoreStats } from './hscore.js';
import type { Labels, Matrix } from './types.js';

/** sklearn's Ledoit–Wolf shrinkage for centred data with scatter S·N and per-row squared norms. */
export function ledoitWolfShrinkage(S: Float64Array, d: number, n: number, sumNorm4: number): number {
  const mu = trace(S, d) / d;
  let fro2 = 0;
  for (let i = 0; i < d * d; i++) fro2 += S[i]! * S[i]!;
  // delta_ − 2μ·tr(S) + Dμ², as sklearn writes it, divided by D.
  const delta = (fro2 - 2 * mu * trace(S, d) + d * mu * mu) / d;
  let beta = (1 / (d * n)) * (sumNorm4 / n - fro2);
  beta = Math.min(beta, delta);
  return beta === 0 ? 0 : beta / delta;
}

export function regularizedHscore(X: Matrix, y: Labels): { value: number; warnings: string[]; shrinkage: number } {
  checkLabels(X, y, 'regularized_hscore');
  const { rows: n, cols: d, data } = X;
  const { mean, scatter } = centredScatter(X);
  let sumNorm4 = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = data[i * d + j]! - mean[j]!;
      s += v * v;
    }
    sumNorm4 += s * s;
  }
  const stats = classStats(X, y);
  return regularizedHscoreFromStats({ n, d, numClasses: y.numClasses, mean, scatter, classMeans: stats.means, counts: stats.counts }, sumNorm4);
}

/** The regularised H-score from the H-score's statistics and Σ_i ‖x_i − μ‖⁴ (shared by the in-memory and streamed paths). */
export function regularizedHscoreFromStats(st: HscoreStats, sumNorm4: number): { value: number; warnings: string[]; shrinkage: number } {
  const warnings: string[] = [];
  const { n, d, mean, scatter } = st;
  const S = new Float64Array(d * d);
  for (let i = 0; i < d * d; i++) S[i] = scatter[i]! / n;
  const alpha = ledoitWolfShrinkage(S, d, n, sumNorm4);
  const mu = trace(S, d) / d;
  const Sigma = new Float64Array(d * d);
  for (let i = 0; i < d * d; i++) Sigma[i] = (1 - alpha) * S[i]!;
  for (let i = 0; i < d; i++) Sigma[i * d + i]! += alpha * mu;
  const B = offsetsFromMeans(st.classMeans, mean, st.numClasses, d);
  const w = st.counts.map((c) => ((1 - alpha) * c) / (n - 1));
  const value = weightedQuadraticForms(Sigma, d, B, st.numClasses, w, 1e-15, warnings, 'regularized_hscore');
  return { value, warnings, shrinkage: alpha };
}

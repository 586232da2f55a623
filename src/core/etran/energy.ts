/**
 * ETran's energy score S_en (Gholami et al., ICCV 2023), as the official
 * `Energy_Score(X, percent=0.5, tail='bot')` computes it.
 *
 * Per sample E_i = logsumexp_j X_ij (no temperature, no sign flip). S_en is the
 * mean of the k lowest E_i, k = floor(5N/1000): the 0.5 % of samples that look
 * most out-of-distribution to the model.
 *
 * Float32 semantics: upstream runs torch.logsumexp on float32 features. Each
 * E_i is computed here in Float64 (max-shifted) and then rounded to float32,
 * which agrees with torch to ~1e−7 relative; the mean is taken in Float64.
 *
 * Upstream returns NaN when N < 200 (k = 0); here k = max(1, …) with a warning.
 */
import { InputError } from '../errors.js';
import { rowLogSumExp } from '../linalg/softmax.js';
import type { Matrix } from './types.js';

export interface EnergyOptions {
  /** Share of samples averaged, lowest energies first (default 0.005 = upstream's percent=0.5). */
  fraction?: number;
}

export function energyPerSample(X: Matrix): Float64Array {
  const { rows: n, cols: d, data } = X;
  const E = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    E[i] = Math.fround(rowLogSumExp(data, i * d, d));
  }
  return E;
}

export function energy(X: Matrix, opts: EnergyOptions = {}): { value: number; warnings: string[]; perSample: Float64Array } {
  const fraction = opts.fraction ?? 0.005;
  if (!(fraction > 0 && fraction <= 1)) throw new InputError(null, `energy: fraction must be in (0, 1], got ${fraction}`);
  const n = X.rows;
  if (n === 0 || X.cols === 0) throw new InputError(null, 'energy: empty feature matrix');
  const warnings: string[] = [];
  if (tailSize(n, fraction) < 1) {
    warnings.push(`energy: N = ${n} is too small for the ${(fraction * 100).toFixed(2)} % tail (upstream gives NaN below ${Math.ceil(1 / fraction)} samples); using the single lowest-energy sample`);
  }
  const E = energyPerSample(X);
  return { value: lowestMean(E, fraction), warnings, perSample: E };
}

/** How many samples the tail holds: upstream's 5·N//1000, in integer per-million units so it floors exactly like it. */
function tailSize(n: number, fraction: number): number {
  return Math.floor((Math.round(fraction * 1e6) * n) / 1e6);
}

/** Mean of the lowest max(1, tail) per-sample energies (E is not modified). */
export function lowestMean(E: Float64Array, fraction = 0.005): number {
  const k = Math.max(1, tailSize(E.length, fraction));
  const sorted = Float64Array.from(E).sort();
  let s = 0;
  for (let i = 0; i < k; i++) s += sorted[i]!;
  return s / k;
}

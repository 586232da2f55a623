/**
 * LEEP, the Log Expected Empirical Prediction (Nguyen et al., ICML 2020), as
 * thuml/LogME's LEEP.py computes it.
 *
 * θ = the source model's softmax over its own classes (N × C_s). The joint
 * P(y, z) = Σ_{i: y_i = y} θ_iz / N, the conditional P(y | z) = P(y, z) / P(z),
 * and each sample's empirical prediction of its own label is
 * Σ_z θ_iz P(y_i | z). LEEP is the mean log of that prediction.
 *
 * Option `variant: 'prob-mean'` returns the mean of the prediction without the
 * log: what the ETran/SFDA benchmark code (SFDA metrics.py `LEEP`) reports as
 * LEEP, and what its published LEEP τ values come from.
 */
import { InputError } from '../errors.js';
import type { Labels, Matrix } from './types.js';

export interface LeepOptions {
  /** 'log' (default): mean log-likelihood, the paper and LogME; 'prob-mean': the ETran/SFDA benchmark's mean probability. */
  variant?: 'log' | 'prob-mean';
}

export const LEEP_VARIANTS = ['log', 'prob-mean'] as const;

export function leep(probs: Matrix, labels: Labels, opts: LeepOptions = {}): { value: number; warnings: string[] } {
  const variant = opts.variant ?? 'log';
  if (!LEEP_VARIANTS.includes(variant)) throw new InputError(null, `leep: unknown variant '${String(variant)}' (expected ${LEEP_VARIANTS.join(' or ')})`);
  const { rows: n, cols: cs, data: p } = probs;
  const ct = labels.numClasses;
  const y = labels.ids;
  if (y.length !== n) throw new Error(`leep: ${n} probability rows but ${y.length} labels`);
  const warnings: string[] = [];

  // Joint P(y, z): rows summed per target class, each divided by N first as upstream does.
  const joint = new Float64Array(ct * cs);
  for (let i = 0; i < n; i++) {
    const row = joint.subarray(y[i]! * cs, (y[i]! + 1) * cs);
    for (let z = 0; z < cs; z++) row[z]! += p[i * cs + z]! / n;
  }
  const pz = new Float64Array(cs);
  for (let c = 0; c < ct; c++) for (let z = 0; z < cs; z++) pz[z]! += joint[c * cs + z]!;
  // P(y | z). A source class no sample gives any probability to has no conditional
  // (upstream divides 0 by 0 and returns NaN); it cannot contribute, so leave it out.
  let empty = 0;
  const cond = new Float64Array(ct * cs);
  for (let z = 0; z < cs; z++) {
    if (pz[z] === 0) {
      empty++;
      continue;
    }
    for (let c = 0; c < ct; c++) cond[c * cs + z] = joint[c * cs + z]! / pz[z]!;
  }
  if (empty > 0) warnings.push(`${empty} source class(es) receive zero probability from every sample and were left out (upstream LEEP would return NaN)`);

  let acc = 0;
  let zeros = 0;
  for (let i = 0; i < n; i++) {
    const base = y[i]! * cs;
    let e = 0;
    for (let z = 0; z < cs; z++) e += p[i * cs + z]! * cond[base + z]!;
    if (variant === 'log') {
      if (e === 0) zeros++;
      acc += Math.log(e);
    } else acc += e;
  }
  if (zeros > 0) warnings.push(`${zeros} sample(s) have zero empirical probability of their label, so LEEP is -Infinity`);
  return { value: acc / n, warnings };
}

/**
 * NCE, the Negative Conditional Entropy H(Y | Z) between target labels Y and
 * the source model's hard predictions Z = argmax θ (Tran et al., ICCV 2019),
 * as thuml/LogME's NCE.py computes it: the joint from counts / N, P(y | z)
 * over the source classes that occur (+1e−20 inside the log, as upstream),
 * NCE = Σ_z P(z) Σ_y P(y | z) log P(y | z).
 */
import type { Labels, Matrix } from './types.js';

/** Hard source predictions: argmax of each row, the first index on ties (numpy's argmax). */
export function argmaxRows(probs: Matrix): Int32Array {
  const { rows, cols, data } = probs;
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    for (let z = 1; z < cols; z++) if (data[i * cols + z]! > data[i * cols + best]!) best = z;
    out[i] = best;
  }
  return out;
}

export function nce(probs: Matrix, labels: Labels): { value: number; warnings: string[] } {
  const n = probs.rows;
  const y = labels.ids;
  if (y.length !== n) throw new Error(`nce: ${n} probability rows but ${y.length} labels`);
  const z = argmaxRows(probs);
  const cs = probs.cols;
  const ct = labels.numClasses;
  // Accumulate 1/N per sample as upstream does, so the sums match its rounding.
  const joint = new Float64Array(ct * cs);
  for (let i = 0; i < n; i++) joint[y[i]! * cs + z[i]!]! += 1 / n;
  let conditionalEntropy = 0;
  for (let s = 0; s < cs; s++) {
    let pz = 0;
    for (let c = 0; c < ct; c++) pz += joint[c * cs + s]!;
    if (pz === 0) continue;
    let h = 0;
    for (let c = 0; c < ct; c++) {
      const q = joint[c * cs + s]! / pz + 1e-20;
      h += -q * Math.log(q);
    }
    conditionalEntropy += h * pz;
  }
  const warnings: string[] = [];
  const used = new Set(z).size;
  if (used === 1) warnings.push('the source model predicts the same class for every sample, so NCE is just −H(Y)');
  return { value: -conditionalEntropy, warnings };
}

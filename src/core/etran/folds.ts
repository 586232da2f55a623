/**
 * Stratified, seeded k-fold assignment for the cross-validated probes (probe, knn).
 *
 * Rule (exact, so that another implementation can reproduce the folds):
 *   rand = seededRandom(seed); offset = 0;
 *   for c = 0 .. C−1 (class ids in increasing order):
 *     I = indices of class c, increasing;
 *     Fisher–Yates shuffle of I with rand, from the end: for t = |I|−1 down to 1,
 *       s = floor(rand() · (t + 1)), swap I[t] and I[s];
 *     sample I[t] goes to fold (offset + t) mod k, for t = 0 .. |I|−1;
 *     offset = (offset + |I|) mod k.
 * This deals the concatenation of the shuffled classes round-robin over the
 * folds, so every class's count per fold differs by at most 1 across folds, and
 * so do the fold sizes overall (⌊N/k⌋ or ⌈N/k⌉). Same labels and seed, same folds.
 * A class with fewer than k samples is absent from some test folds, and a class
 * with one sample is absent from the training side of its own fold.
 */
import { InputError } from '../errors.js';
import { seededRandom } from '../random.js';
import type { Labels } from './types.js';

/** Checks a fold count against N: an integer with 2 ≤ k ≤ N. */
export function checkFoldCount(k: number, n: number, metric: string): void {
  if (!Number.isInteger(k) || k < 2) throw new InputError(null, `${metric}: folds must be an integer ≥ 2, got ${k}`);
  if (k > n) throw new InputError(null, `${metric}: ${k} folds need at least ${k} samples, got ${n}`);
}

/** Fold id (0..k−1) of each sample; see the header for the rule. */
export function stratifiedFolds(labels: Labels, k: number, seed: number): Int32Array {
  const n = labels.ids.length;
  checkFoldCount(k, n, 'folds');
  const C = labels.numClasses;
  // Samples grouped by class, increasing index within a class (counting sort).
  const start = new Int32Array(C + 1);
  for (let i = 0; i < n; i++) {
    const c = labels.ids[i]!;
    if (!(c >= 0 && c < C)) throw new InputError(null, `folds: label id ${c} of sample ${i} is outside 0..${C - 1}`);
    start[c + 1]! += 1;
  }
  for (let c = 0; c < C; c++) start[c + 1]! += start[c]!;
  const order = new Int32Array(n);
  const fill = start.slice(0, C);
  for (let i = 0; i < n; i++) order[fill[labels.ids[i]!]!++] = i;

  const rand = seededRandom(seed);
  const fold = new Int32Array(n);
  let offset = 0;
  for (let c = 0; c < C; c++) {
    const a = start[c]!, m = start[c + 1]! - a;
    for (let t = m - 1; t >= 1; t--) {
      const s = Math.floor(rand() * (t + 1));
      const tmp = order[a + t]!;
      order[a + t] = order[a + s]!;
      order[a + s] = tmp;
    }
    for (let t = 0; t < m; t++) fold[order[a + t]!] = (offset + t) % k;
    offset = (offset + m) % k;
  }
  return fold;
}

/** Sample indices of each fold, increasing. */
export function foldMembers(fold: Int32Array, k: number): Int32Array[] {
  const counts = new Int32Array(k);
  for (let i = 0; i < fold.length; i++) counts[fold[i]!]! += 1;
  const out = Array.from(counts, (c) => new Int32Array(c));
  const pos = new Int32Array(k);
  for (let i = 0; i < fold.length; i++) {
    const f = fold[i]!;
    out[f]![pos[f]!++] = i;
  }
  return out;
}

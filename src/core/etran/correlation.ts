/**
 * How well a transferability score ranks models against their true
 * fine-tuning accuracy: weighted Kendall τ (the benchmark's headline number),
 * Kendall τ-b, Pearson r and top-1 regret.
 *
 * Each statistic reproduces scipy 1.10 (`scipy.stats.weightedtau`,
 * `kendalltau`, `pearsonr`) including its edge cases: undefined results are
 * null where scipy returns NaN.
 */
import { InputError } from '../errors.js';

/**
 * Dense ranks that preserve order and ties, with NaN lowest (rank 0) and the
 * other values ranked from 1 — scipy's `_toint64`. The weighted-τ algorithm
 * only compares values, so running it on these ranks gives scipy's result
 * bit for bit whether or not the input held NaNs.
 */
function denseRanksNanLowest(x: ArrayLike<number>): Int32Array {
  const n = x.length;
  const order = Array.from({ length: n }, (_, i) => i).filter((i) => !Number.isNaN(x[i]!));
  order.sort((a, b) => x[a]! - x[b]!);
  const out = new Int32Array(n); // NaN → 0
  let r = 1;
  for (let k = 0; k < order.length; k++) {
    if (k > 0 && x[order[k]!]! !== x[order[k - 1]!]!) r++;
    out[order[k]!] = r;
  }
  return out;
}

/** Stable sort of indices by x ascending, ties by y ascending (numpy `lexsort((y, x))`). */
function lexsortXY(x: Int32Array, y: Int32Array): Int32Array {
  const idx = Array.from({ length: x.length }, (_, i) => i);
  idx.sort((a, b) => x[a]! - x[b]! || y[a]! - y[b]! || a - b);
  return Int32Array.from(idx);
}

/**
 * One direction of scipy's `_weightedrankedtau(x, y, rank=None, weigher=1/(r+1),
 * additive=True)`: Vigna's O(n log n) algorithm, with its floating-point sums
 * in the same order as scipy's, so the two agree to 1e−12. The importance rank comes from
 * x (ties broken by y, then by position): rank 0 is the largest element.
 * Returns NaN when x or y is constant.
 */
function weightedRankedTau(x: Int32Array, y: Int32Array): number {
  const n = x.length;
  const weigher = (r: number): number => 1 / (1 + r);
  const perm = lexsortXY(x, y);
  const temp = new Int32Array(n);
  // rank[perm[n-1-k]] = k: the last element of the ascending sort ranks first.
  const rank = new Int32Array(n);
  for (let k = 0; k < n; k++) rank[perm[n - 1 - k]!] = k;

  // Weigh joint ties.
  let first = 0;
  let t = 0;
  let w = weigher(rank[perm[first]!]!);
  let s = w;
  for (let i = 1; i < n; i++) {
    if (x[perm[first]!] !== x[perm[i]!] || y[perm[first]!] !== y[perm[i]!]) {
      t += s * (i - first - 1);
      first = i;
      s = 0;
    }
    w = weigher(rank[perm[i]!]!);
    s += w;
  }
  t += s * (n - first - 1);

  // Weigh ties in x.
  first = 0;
  let u = 0;
  w = weigher(rank[perm[first]!]!);
  s = w;
  for (let i = 1; i < n; i++) {
    if (x[perm[first]!] !== x[perm[i]!]) {
      u += s * (i - first - 1);
      first = i;
      s = 0;
    }
    w = weigher(rank[perm[i]!]!);
    s += w;
  }
  u += s * (n - first - 1);
  if (first === 0) return NaN; // x is constant

  // Weigh discordances: merge sort of perm by y, accumulating exchange weights.
  let exchanges = 0;
  const weigh = (offset: number, length: number): number => {
    if (length === 1) return weigher(rank[perm[offset]!]!);
    const length0 = length >> 1;
    const length1 = length - length0;
    const middle = offset + length0;
    let residual = weigh(offset, length0);
    const weight = weigh(middle, length1) + residual;
    if (y[perm[middle - 1]!]! < y[perm[middle]!]!) return weight;
    let i = 0;
    let j = 0;
    let k = 0;
    while (j < length0 && k < length1) {
      if (y[perm[offset + j]!]! <= y[perm[middle + k]!]!) {
        temp[i] = perm[offset + j]!;
        residual -= weigher(rank[temp[i]!]!);
        j++;
      } else {
        temp[i] = perm[middle + k]!;
        exchanges += weigher(rank[temp[i]!]!) * (length0 - j) + residual;
        k++;
      }
      i++;
    }
    // Move the left run's remainder after the merged prefix (copy from the end: ranges overlap).
    for (let m = length0 - j - 1; m >= 0; m--) perm[offset + i + m] = perm[offset + j + m]!;
    for (let m = 0; m < i; m++) perm[offset + m] = temp[m]!;
    return weight;
  };
  weigh(0, n);

  // Weigh ties in y.
  first = 0;
  let v = 0;
  w = weigher(rank[perm[first]!]!);
  s = w;
  for (let i = 1; i < n; i++) {
    if (y[perm[first]!] !== y[perm[i]!]) {
      v += s * (i - first - 1);
      first = i;
      s = 0;
    }
    w = weigher(rank[perm[i]!]!);
    s += w;
  }
  v += s * (n - first - 1);
  if (first === 0) return NaN; // y is constant

  // Weigh all pairs.
  s = 0;
  for (let i = 0; i < n; i++) s += weigher(rank[perm[i]!]!);
  const tot = s * (n - 1);
  const tau = (tot - (v + u - t) - 2 * exchanges) / Math.sqrt(tot - u) / Math.sqrt(tot - v);
  return Math.min(1, Math.max(-1, tau));
}

/**
 * scipy.stats.weightedtau(x, y) with its defaults: hyperbolic weigher 1/(r+1),
 * additive weights, rank=True (the mean of the two directions, each ranking by
 * its own variable). NaN counts as the smallest value. Null when undefined
 * (empty input, or either side constant).
 */
export function weightedTau(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  if (x.length !== y.length) throw new Error(`weightedTau: lengths differ (${x.length} vs ${y.length})`);
  if (x.length === 0) return null;
  const rx = denseRanksNanLowest(x);
  const ry = denseRanksNanLowest(y);
  const tau = (weightedRankedTau(rx, ry) + weightedRankedTau(ry, rx)) / 2;
  return Number.isNaN(tau) ? null : tau;
}

/**
 * The weighted τ straight from its definition (Vigna 2015, additive hyperbolic
 * weights), O(n²): for every pair, weight w_ij = 1/(r_i+1) + 1/(r_j+1) with
 * r the importance rank; concordant pairs add, discordant subtract, and the
 * normalisation uses the same weights over pairs untied in x (resp. y).
 * Exists to check the fast algorithm independently; `rankBy` chooses which
 * variable defines the importance ranks (ties broken by the other, then by
 * position, as scipy does).
 */
export function weightedTauByDefinition(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const rx = denseRanksNanLowest(x);
  const ry = denseRanksNanLowest(y);
  const one = (a: Int32Array, b: Int32Array): number => {
    const n = a.length;
    // Importance: descending by a, then by b, then later positions first (scipy's reversed lexsort).
    const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j]! - a[i]! || b[j]! - b[i]! || j - i);
    const rank = new Array<number>(n);
    order.forEach((idx, r) => (rank[idx] = r));
    let num = 0;
    let da = 0;
    let db = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const wij = 1 / (rank[i]! + 1) + 1 / (rank[j]! + 1);
        const sa = Math.sign(a[i]! - a[j]!);
        const sb = Math.sign(b[i]! - b[j]!);
        num += wij * sa * sb;
        if (sa !== 0) da += wij;
        if (sb !== 0) db += wij;
      }
    }
    return num / Math.sqrt(da) / Math.sqrt(db);
  };
  const tau = (one(rx, ry) + one(ry, rx)) / 2;
  return Number.isFinite(tau) ? Math.min(1, Math.max(-1, tau)) : null;
}

/**
 * Kendall τ-b as scipy.stats.kendalltau (variant 'b'), counted over all pairs
 * (the model zoos here are small). Null when n < 2, a side is constant, or any
 * value is NaN (scipy's default nan_policy='propagate').
 */
export function kendallTauB(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const n = x.length;
  if (n !== y.length) throw new Error(`kendallTauB: lengths differ (${n} vs ${y.length})`);
  if (n < 2) return null;
  for (let i = 0; i < n; i++) if (Number.isNaN(x[i]!) || Number.isNaN(y[i]!)) return null;
  // Integer counts, combined in scipy's order so the float result matches.
  let dis = 0;
  let xtie = 0;
  let ytie = 0;
  let ntie = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = x[i]! - x[j]!;
      const dy = y[i]! - y[j]!;
      if (dx === 0) xtie++;
      if (dy === 0) ytie++;
      if (dx === 0 && dy === 0) ntie++;
      if ((dx > 0 && dy < 0) || (dx < 0 && dy > 0)) dis++;
    }
  }
  const tot = (n * (n - 1)) / 2;
  if (xtie === tot || ytie === tot) return null;
  const conMinusDis = tot - xtie - ytie + ntie - 2 * dis;
  const tau = conMinusDis / Math.sqrt(tot - xtie) / Math.sqrt(tot - ytie);
  return Math.min(1, Math.max(-1, tau));
}

/** Pearson r as scipy.stats.pearsonr; null when n < 2, a side is constant, or a value is NaN. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const n = x.length;
  if (n !== y.length) throw new Error(`pearson: lengths differ (${n} vs ${y.length})`);
  if (n < 2) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  if (Number.isNaN(mx) || Number.isNaN(my)) return null;
  let constX = true;
  let constY = true;
  for (let i = 1; i < n; i++) {
    if (x[i] !== x[0]) constX = false;
    if (y[i] !== y[0]) constY = false;
  }
  if (constX || constY) return null;
  mx /= n;
  my /= n;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  const nx = Math.sqrt(sxx);
  const ny = Math.sqrt(syy);
  let r = 0;
  for (let i = 0; i < n; i++) r += ((x[i]! - mx) / nx) * ((y[i]! - my) / ny);
  return Math.max(Math.min(r, 1), -1);
}

/**
 * Top-1 regret: the best true accuracy minus the true accuracy of the model
 * the score puts first, in the truth's own units. NaN scores rank last; when
 * several models share the top score the regret is the worst of them (a tie
 * at the top does not let the score pick the lucky one).
 */
export function top1Regret(scores: ArrayLike<number>, truth: ArrayLike<number>): number {
  const n = scores.length;
  let best = -Infinity;
  for (let i = 0; i < n; i++) best = Math.max(best, truth[i]!);
  let top: number | null = null;
  for (let i = 0; i < n; i++) if (!Number.isNaN(scores[i]!) && (top === null || scores[i]! > top)) top = scores[i]!;
  let chosen = Infinity;
  for (let i = 0; i < n; i++) if (top === null || scores[i] === top) chosen = Math.min(chosen, truth[i]!);
  return best - chosen;
}

export interface Evaluation {
  weighted_tau: number | null;
  kendall_tau: number | null;
  pearson: number | null;
  top1_regret: number;
  n: number;
  /** Names present in only one of the two maps (left out of every statistic). */
  dropped: string[];
}

/**
 * Compares a score per model with the ground truth (e.g. fine-tuning
 * accuracy per model) over the models both maps name. Throws when fewer than
 * two models are in common.
 */
export function evaluateScores(scores: Record<string, number>, truth: Record<string, number>): Evaluation {
  const common = Object.keys(scores).filter((k) => Object.prototype.hasOwnProperty.call(truth, k));
  const dropped = [
    ...Object.keys(scores).filter((k) => !Object.prototype.hasOwnProperty.call(truth, k)),
    ...Object.keys(truth).filter((k) => !Object.prototype.hasOwnProperty.call(scores, k)),
  ];
  if (common.length < 2) {
    throw new InputError(null, `only ${common.length} model(s) appear in both the scores and the truth; at least 2 are needed`);
  }
  const s = Float64Array.from(common, (k) => scores[k]!);
  const t = Float64Array.from(common, (k) => truth[k]!);
  return {
    weighted_tau: weightedTau(s, t),
    kendall_tau: kendallTauB(s, t),
    pearson: pearson(s, t),
    top1_regret: top1Regret(s, t),
    n: common.length,
    dropped,
  };
}

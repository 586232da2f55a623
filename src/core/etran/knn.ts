/**
 * `knn`: k-fold cross-validated k-nearest-neighbour accuracy on L2-normalised
 * features (cosine similarity). Sorkhei et al. ("k-NN as a Simple and Effective
 * Estimator of Transferability", arXiv 2503.18528 / TMLR 2025) find this
 * feature-quality check of self-supervised learning ahead of 23 transferability
 * metrics; see ../shared/specs/etran.md, "Beyond the paper".
 *
 *   x̂_i   = x_i / ‖x_i‖  (an all-zero row stays zero: similarity 0 to everything)
 *   folds  = stratifiedFolds(y, folds, seed)   (folds.ts; 5 folds, seed 0)
 *   for a sample i in fold f: its neighbours are the k samples j outside fold f
 *     with the largest s_ij = x̂_i·x̂_j; equal similarities are ordered by the
 *     lower sample index (so the k-th place is decided by index);
 *   vote: the class with the most neighbours; a tie in count goes to the tied
 *     class with the larger summed similarity (summed in neighbour order), a
 *     remaining exact tie to a uniform draw among the tied classes (lowest id
 *     first) from seededRandom(seed ^ 0x6b6e6e21), drawn in sample order — the
 *     only place besides the folds where the seed matters;
 *   knn    = (1/N) Σ_i [ŷ_i = y_i],  correct[i] = [ŷ_i = y_i].
 *
 * k = 20 by default: the number of neighbours of the k-NN feature evaluation of
 * self-supervised learning (Wu et al. 2018 used 200; DINO, Caron et al. ICCV
 * 2021, found 20 consistently better and it became the common protocol the
 * study above borrows). Unweighted majority vote, as asked of this score. When a
 * training side has fewer than k samples, all of them vote (with a warning).
 *
 * Cost: each pair of folds (a < b) is multiplied once, S = X̂_a·X̂_bᵀ, by the
 * parallel SIMD matmulABt in row blocks of at most ~4M similarities, and S feeds
 * both the running top-k of fold a's rows and (transposed) of fold b's rows:
 * N²(1 − 1/folds)/2 dot products in all, never an N×N matrix.
 */
import { InputError } from '../errors.js';
import { seededRandom } from '../random.js';
import { checkFoldCount, foldMembers, stratifiedFolds } from './folds.js';
import { largeArray, matmulABt } from '../linalg/gram.js';
import { checkLabels } from './labels.js';
import type { Labels, Matrix } from './types.js';

export interface KnnOptions {
  /** Neighbours (default 20). */
  k?: number;
  /** Number of stratified folds (default 5). */
  folds?: number;
  /** Seed of the folds and of the vote tie-break (default 0). */
  seed?: number;
  /** Explicit fold id of each sample (0..folds−1, every fold non-empty); overrides folds (the seed still seeds ties). */
  foldIds?: Int32Array;
  /** Similarities computed per block (default 2²²); only changes memory use and speed, for tests. */
  blockEntries?: number;
}

export interface KnnResult {
  value: number;
  warnings: string[];
  /** 1 where sample i's out-of-fold prediction is right. */
  correct: Uint8Array;
  /** Out-of-fold predicted class id of each sample. */
  predicted: Int32Array;
  /** Fold id of each sample. */
  folds: Int32Array;
  /** Neighbours that voted (k, or fewer when a training side is smaller). */
  k: number;
}

/** Similarities per block of S (rows of fold a × all rows of fold b). */
const BLOCK_ENTRIES = 1 << 22;

/**
 * Running top-k per sample: a binary heap whose root is the worst kept
 * neighbour (lowest similarity; among equal similarities, the highest index).
 */
class TopK {
  readonly sim: Float64Array;
  readonly idx: Int32Array;
  readonly size: Int32Array;
  constructor(n: number, readonly k: number) {
    this.sim = new Float64Array(n * k);
    this.idx = new Int32Array(n * k);
    this.size = new Int32Array(n);
  }

  /** a is worse than b: lower similarity, or equal similarity and higher index. */
  private static worse(sa: number, ia: number, sb: number, ib: number): boolean {
    return sa < sb || (sa === sb && ia > ib);
  }

  push(i: number, s: number, j: number): void {
    const k = this.k, o = i * k, sim = this.sim, idx = this.idx;
    const m = this.size[i]!;
    if (m < k) {
      // Sift up from the end.
      let c = m;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!TopK.worse(s, j, sim[o + p]!, idx[o + p]!)) break;
        sim[o + c] = sim[o + p]!;
        idx[o + c] = idx[o + p]!;
        c = p;
      }
      sim[o + c] = s;
      idx[o + c] = j;
      this.size[i] = m + 1;
      return;
    }
    // Full: keep the candidate only if the root is worse than it.
    if (!TopK.worse(sim[o]!, idx[o]!, s, j)) return;
    let c = 0;
    for (;;) {
      const l = 2 * c + 1;
      if (l >= k) break;
      const r = l + 1;
      let w = l;
      if (r < k && TopK.worse(sim[o + r]!, idx[o + r]!, sim[o + l]!, idx[o + l]!)) w = r;
      if (!TopK.worse(sim[o + w]!, idx[o + w]!, s, j)) break;
      sim[o + c] = sim[o + w]!;
      idx[o + c] = idx[o + w]!;
      c = w;
    }
    sim[o + c] = s;
    idx[o + c] = j;
  }
}

/** Rows `idx` of X, each divided by its L2 norm (zero rows stay zero), into a fresh shared array. */
function normalisedRows(X: Matrix, idx: Int32Array): { data: Float64Array; zero: number } {
  const d = X.cols;
  const out = largeArray(idx.length * d);
  let zero = 0;
  for (let t = 0; t < idx.length; t++) {
    const o = idx[t]! * d, p = t * d;
    let s = 0;
    for (let j = 0; j < d; j++) s += X.data[o + j]! * X.data[o + j]!;
    if (s === 0) {
      zero++;
      continue;
    }
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < d; j++) out[p + j] = X.data[o + j]! * inv;
  }
  return { data: out, zero };
}

export function knn(X: Matrix, y: Labels, opts: KnnOptions = {}): KnnResult {
  checkLabels(X, y, 'knn');
  const kWanted = opts.k ?? 20;
  if (!Number.isInteger(kWanted) || kWanted < 1) throw new InputError(null, `knn: k must be an integer ≥ 1, got ${kWanted}`);
  const seed = opts.seed ?? 0;
  if (!Number.isFinite(seed)) throw new InputError(null, `knn: seed must be a number, got ${seed}`);
  const { rows: N, cols: d } = X;
  const C = y.numClasses;
  let fold: Int32Array, nf: number;
  if (opts.foldIds) {
    fold = opts.foldIds;
    if (fold.length !== N) throw new InputError(null, `knn: foldIds has ${fold.length} entries for ${N} samples`);
    nf = 0;
    for (let i = 0; i < N; i++) {
      if (!(Number.isInteger(fold[i]) && fold[i]! >= 0)) throw new InputError(null, `knn: foldIds[${i}] = ${fold[i]} is not a fold id`);
      nf = Math.max(nf, fold[i]! + 1);
    }
    checkFoldCount(nf, N, 'knn');
  } else {
    nf = opts.folds ?? 5;
    checkFoldCount(nf, N, 'knn');
    fold = stratifiedFolds(y, nf, seed);
  }
  const members = foldMembers(fold, nf);
  if (members.some((m) => m.length === 0)) throw new InputError(null, 'knn: foldIds leaves a fold empty');
  const warnings: string[] = [];
  const minTrain = N - Math.max(...members.map((m) => m.length));
  const k = Math.min(kWanted, minTrain);
  if (k < kWanted) warnings.push(`knn: a training side has only ${minTrain} samples; ${k} neighbours vote instead of ${kWanted}`);

  const rows = members.map((idx) => normalisedRows(X, idx));
  const zero = rows.reduce((s, r) => s + r.zero, 0);
  if (zero > 0) warnings.push(`knn: ${zero} all-zero feature row(s) have similarity 0 to every sample`);

  const top = new TopK(N, k);
  for (let a = 0; a < nf; a++) {
    const ia = members[a]!, na = ia.length;
    for (let b = a + 1; b < nf; b++) {
      const ib = members[b]!, nb = ib.length;
      const Xb = rows[b]!.data;
      const blockRows = Math.max(1, Math.min(na, Math.floor((opts.blockEntries ?? BLOCK_ENTRIES) / nb)));
      const scratch = blockRows < na ? largeArray(blockRows * d) : null;
      for (let r0 = 0; r0 < na; r0 += blockRows) {
        const m = Math.min(blockRows, na - r0);
        let A = rows[a]!.data;
        if (scratch) {
          // The parallel kernel reads its operands from offset 0: copy the block.
          scratch.set(A.subarray(r0 * d, (r0 + m) * d));
          A = scratch;
        }
        const S = matmulABt(A, m, Xb, nb, d);
        for (let r = 0; r < m; r++) {
          const i = ia[r0 + r]!, o = r * nb;
          for (let s = 0; s < nb; s++) {
            const v = S[o + s]!;
            const j = ib[s]!;
            top.push(i, v, j);
            top.push(j, v, i);
          }
        }
      }
    }
  }

  // Votes, in sample order (the tie-break stream depends on nothing else).
  const rand = seededRandom((seed ^ 0x6b6e6e21) >>> 0);
  const count = new Int32Array(C);
  const simSum = new Float64Array(C);
  const order = new Int32Array(k);
  const predicted = new Int32Array(N);
  const correct = new Uint8Array(N);
  const tied: number[] = [];
  let randomTies = 0;
  for (let i = 0; i < N; i++) {
    const o = i * k, m = top.size[i]!;
    for (let t = 0; t < m; t++) order[t] = t;
    const nb = order.subarray(0, m);
    nb.sort((p, q) => {
      const sp = top.sim[o + p]!, sq = top.sim[o + q]!;
      return sp !== sq ? sq - sp : top.idx[o + p]! - top.idx[o + q]!;
    });
    for (let t = 0; t < m; t++) {
      const c = y.ids[top.idx[o + nb[t]!]!]!;
      count[c]! += 1;
      simSum[c]! += top.sim[o + nb[t]!]!;
    }
    let bestCount = -1;
    for (let t = 0; t < m; t++) bestCount = Math.max(bestCount, count[y.ids[top.idx[o + t]!]!]!);
    let bestSim = -Infinity;
    for (let t = 0; t < m; t++) {
      const c = y.ids[top.idx[o + t]!]!;
      if (count[c] === bestCount) bestSim = Math.max(bestSim, simSum[c]!);
    }
    tied.length = 0;
    for (let t = 0; t < m; t++) {
      const c = y.ids[top.idx[o + t]!]!;
      if (count[c] === bestCount && simSum[c] === bestSim && !tied.includes(c)) tied.push(c);
    }
    tied.sort((p, q) => p - q);
    let pick = tied[0]!;
    if (tied.length > 1) {
      pick = tied[Math.floor(rand() * tied.length)]!;
      randomTies++;
    }
    for (let t = 0; t < m; t++) {
      const c = y.ids[top.idx[o + t]!]!;
      count[c] = 0;
      simSum[c] = 0;
    }
    predicted[i] = pick;
    correct[i] = pick === y.ids[i] ? 1 : 0;
  }
  if (randomTies > 0) warnings.push(`knn: ${randomTies} vote(s) tied in count and summed similarity; broken by the seeded draw`);
  let hits = 0;
  for (let i = 0; i < N; i++) hits += correct[i]!;
  return { value: hits / N, warnings, correct, predicted, folds: fold, k };
}

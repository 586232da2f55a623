/**
 * How sure is a ranking? A stratified bootstrap over the target images.
 *
 * Each replicate draws, class by class, n_c images with replacement from the
 * n_c images of class c (so every class keeps its size and no replicate loses
 * a class), recomputes the scores that can be recomputed from per-image terms,
 * re-ranks the models, and records each model's rank. From B replicates:
 *   p_best_m   = share of replicates in which m ranks first (a tie for first
 *                place splits the replicate between the tied models);
 *   interval_m = [r_(⌊0.05·(B−1)⌋), r_(⌈0.95·(B−1)⌉)] of m's sorted ranks
 *                (1 = best): a 90 % percentile interval.
 * Which scores are recomputed, and how, is the registry's business
 * (metrics.ts `resample`); this file only draws and counts.
 */
import type { Labels } from './types.js';
import { seededRandom } from '../random.js';

/** One stratified resample: row indices, class by class in label order. */
export function stratifiedResample(labels: Labels, rand: () => number, byClass: Int32Array[] = rowsByClass(labels)): Int32Array {
  const out = new Int32Array(labels.ids.length);
  let k = 0;
  for (const rows of byClass) {
    for (let i = 0; i < rows.length; i++) out[k++] = rows[Math.floor(rand() * rows.length)]!;
  }
  return out;
}

export function rowsByClass(labels: Labels): Int32Array[] {
  const counts = new Int32Array(labels.numClasses);
  for (const c of labels.ids) counts[c]!++;
  const out = Array.from(counts, (n) => new Int32Array(n));
  const fill = new Int32Array(labels.numClasses);
  labels.ids.forEach((c, i) => (out[c]![fill[c]!++] = i));
  return out;
}

/** Ranks (1 = best) of one replicate's scores; null scores share the last place; ties share the best rank of their group. */
export function competitionRanks(scores: ReadonlyArray<number | null>): number[] {
  const key = (v: number | null): number => (v === null || !Number.isFinite(v) ? -Infinity : v);
  return scores.map((v) => 1 + scores.filter((w) => key(w) > key(v)).length);
}

export interface BootstrapSummary {
  p_best: number[];
  rank_interval: Array<[number, number]>;
}

/**
 * Runs B replicates: `replicate(idx)` returns every model's ranking score on the
 * resampled rows idx. Deterministic for a seed.
 */
export function bootstrapRanking(labels: Labels, n: number, seed: number, nModels: number, replicate: (idx: Int32Array) => ReadonlyArray<number | null>): BootstrapSummary {
  const rand = seededRandom(seed ^ 0x5bd1e995);
  const byClass = rowsByClass(labels);
  const ranks = Array.from({ length: nModels }, () => new Int32Array(n));
  const best = new Float64Array(nModels);
  for (let b = 0; b < n; b++) {
    const r = competitionRanks(replicate(stratifiedResample(labels, rand, byClass)));
    const first = r.filter((x) => x === 1).length;
    r.forEach((x, m) => {
      ranks[m]![b] = x;
      if (x === 1) best[m]! += 1 / first;
    });
  }
  return {
    p_best: Array.from(best, (v) => v / n),
    rank_interval: ranks.map((r) => {
      const s = Int32Array.from(r).sort();
      return [s[Math.floor(0.05 * (n - 1))]!, s[Math.ceil(0.95 * (n - 1))]!];
    }),
  };
}

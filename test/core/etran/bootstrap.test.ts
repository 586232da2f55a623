import { describe, expect, it } from 'vitest';
import { bootstrapRanking, competitionRanks, rowsByClass, stratifiedResample } from '../../../src/core/etran/bootstrap.js';
import { labelsFromIds } from '../../../src/core/etran/labels.js';
import { seededRandom } from '../../../src/core/random.js';

const labels = labelsFromIds([0, 0, 0, 1, 1, 2, 2, 2, 2, 1]);

describe('stratifiedResample', () => {
  it('keeps every class at its size and draws only from that class', () => {
    const rand = seededRandom(3);
    for (let r = 0; r < 20; r++) {
      const idx = stratifiedResample(labels, rand);
      expect(idx.length).toBe(10);
      const counts = [0, 0, 0];
      for (const i of idx) counts[labels.ids[i]!]!++;
      expect(counts).toEqual([3, 3, 4]);
    }
  });
  it('rowsByClass lists rows in order', () => {
    expect(rowsByClass(labels).map((r) => Array.from(r))).toEqual([[0, 1, 2], [3, 4, 9], [5, 6, 7, 8]]);
  });
});

describe('competitionRanks', () => {
  it('1 = best, ties share the best rank of their group, null last', () => {
    expect(competitionRanks([0.5, 0.9, 0.5, null, 0.1])).toEqual([2, 1, 2, 5, 4]);
  });
});

describe('bootstrapRanking', () => {
  it('a model that always wins has p_best 1 and interval [1, 1]; ties split the win', () => {
    const s = bootstrapRanking(labels, 50, 0, 3, () => [3, 1, 1]);
    expect(s.p_best).toEqual([1, 0, 0]);
    expect(s.rank_interval).toEqual([[1, 1], [2, 2], [2, 2]]);
    const t = bootstrapRanking(labels, 10, 0, 2, () => [1, 1]);
    expect(t.p_best).toEqual([0.5, 0.5]);
  });
  it('p_best sums to 1 and intervals come from the rank distribution; deterministic by seed', () => {
    // Scores = mean of per-row terms; model 0 slightly better on average than model 1.
    const t0 = Float64Array.from([1, 0, 1, 1, 0, 1, 0, 1, 1, 0]);
    const t1 = Float64Array.from([1, 1, 0, 0, 1, 0, 1, 0, 1, 0]);
    const mean = (t: Float64Array, idx: Int32Array) => idx.reduce((a, i) => a + t[i]!, 0) / idx.length;
    const run = (seed: number) => bootstrapRanking(labels, 200, seed, 2, (idx) => [mean(t0, idx), mean(t1, idx)]);
    const a = run(7);
    expect(a.p_best[0]! + a.p_best[1]!).toBeCloseTo(1, 12);
    expect(a.p_best[0]).toBeGreaterThan(a.p_best[1]!);
    expect(a.p_best[1]).toBeGreaterThan(0); // the gap is within sampling noise on 10 rows
    expect(a.rank_interval[1]).toEqual([1, 2]);
    expect(run(7)).toEqual(a);
    expect(run(8)).not.toEqual(a);
  });
});

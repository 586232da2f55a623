/**
 * knn: a hand-computed case, the tie rules, agreement with a naive reference
 * (all pairs, sort, vote) on data full of exact ties, blocking, scale
 * invariance, zero rows and bad options.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.js';
import { stratifiedFolds } from '../../../src/core/etran/folds.js';
import { knn } from '../../../src/core/etran/knn.js';
import { seededRandom } from '../../../src/core/random.js';
import type { Labels, Matrix } from '../../../src/core/etran/types.js';

const labels = (ids: number[], c = Math.max(...ids) + 1): Labels => ({
  ids: Int32Array.from(ids), numClasses: c, names: Array.from({ length: c }, (_, i) => String(i)),
});
const mat = (rows: number[][]): Matrix => ({ rows: rows.length, cols: rows[0]!.length, data: Float64Array.from(rows.flat()) });

/** The definition, written the slow way: every pair, full sort, count/sum/draw vote. */
function naiveKnn(X: Matrix, y: Labels, fold: Int32Array, k: number, seed: number): Int32Array {
  const { rows: n, cols: d } = X;
  const unit = (i: number): number[] => {
    const r = Array.from(X.data.subarray(i * d, i * d + d));
    const s = Math.sqrt(r.reduce((a, v) => a + v * v, 0));
    return s === 0 ? r.map(() => 0) : r.map((v) => v / s);
  };
  const U = Array.from({ length: n }, (_, i) => unit(i));
  const rand = seededRandom((seed ^ 0x6b6e6e21) >>> 0);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const cand: Array<[number, number]> = [];
    for (let j = 0; j < n; j++) {
      if (fold[j] === fold[i]) continue;
      let s = 0;
      for (let t = 0; t < d; t++) s += U[i]![t]! * U[j]![t]!;
      cand.push([s, j]);
    }
    cand.sort((a, b) => (a[0] !== b[0] ? b[0] - a[0] : a[1] - b[1]));
    const nb = cand.slice(0, k);
    const count = new Map<number, number>(), sum = new Map<number, number>();
    for (const [s, j] of nb) {
      const c = y.ids[j]!;
      count.set(c, (count.get(c) ?? 0) + 1);
      sum.set(c, (sum.get(c) ?? 0) + s);
    }
    const best = Math.max(...count.values());
    const bestSum = Math.max(...[...count.keys()].filter((c) => count.get(c) === best).map((c) => sum.get(c)!));
    const tied = [...count.keys()].filter((c) => count.get(c) === best && sum.get(c) === bestSum).sort((a, b) => a - b);
    out[i] = tied.length > 1 ? tied[Math.floor(rand() * tied.length)]! : tied[0]!;
  }
  return out;
}

describe('knn: hand-computed', () => {
  // Two folds; cosine similarities (fold 0 rows × fold 1 rows):
  //            1:(1,.1)c0  3:(.1,1)c1  5:(1,.9)c1
  //   0:(1,0)c0   .995       .0995       .743
  //   2:(0,1)c1   .0995      .995        .669
  //   4:(1,1)c0   .7739      .7739       .9986
  const X = mat([[1, 0], [1, 0.1], [0, 1], [0.1, 1], [1, 1], [1, 0.9]]);
  const y = labels([0, 0, 1, 1, 0, 1]);
  const foldIds = Int32Array.from([0, 1, 0, 1, 0, 1]);
  it('k = 1: nearest neighbour; 4 and 5 pick each other (wrong)', () => {
    const r = knn(X, y, { k: 1, foldIds });
    expect(Array.from(r.predicted)).toEqual([0, 0, 1, 1, 1, 0]);
    expect(r.value).toBeCloseTo(4 / 6, 15);
  });
  it('k = 2: count ties go to the larger summed similarity', () => {
    // 0: {1 c0 .995, 5 c1 .743} → c0;  3: {2 c1 .995, 4 c0 .774} → c1;  4: {5 c1 .999, 1 c0 .774} → c1
    const r = knn(X, y, { k: 2, foldIds });
    expect(Array.from(r.predicted)).toEqual([0, 0, 1, 1, 1, 0]);
    expect(Array.from(r.correct)).toEqual([1, 1, 1, 1, 0, 0]);
  });
  it('k = 3: the whole other fold votes (majority c1 for fold 0, c0 for fold 1)', () => {
    const r = knn(X, y, { k: 3, foldIds });
    expect(Array.from(r.predicted)).toEqual([1, 0, 1, 0, 1, 0]);
    expect(r.value).toBeCloseTo(2 / 6, 15);
    // More neighbours than a training side holds: all of it votes, with a warning.
    const r9 = knn(X, y, { k: 9, foldIds });
    expect(r9.k).toBe(3);
    expect(r9.predicted).toEqual(r.predicted);
    expect(r9.warnings.join('\n')).toMatch(/3 neighbours vote instead of 9/);
  });
});

describe('knn: tie rules', () => {
  it('equal similarities at the k-th place: the lower sample index is the neighbour', () => {
    // Sample 0 (fold 0) sees 1 and 2 (fold 1) at the same similarity.
    const X = mat([[1, 0], [2, 1], [4, 2], [0, 1]]);
    const foldIds = Int32Array.from([0, 1, 1, 0]);
    expect(knn(X, labels([0, 0, 1, 1]), { k: 1, foldIds }).predicted[0]).toBe(0);
    expect(knn(X, labels([1, 1, 0, 0]), { k: 1, foldIds }).predicted[0]).toBe(1);
  });

  it('a tie in count and summed similarity is drawn with the seeded stream', () => {
    // Sample 0 = (1,1) sees (1,0) c0 and (0,1) c1 at exactly the same similarity.
    const X = mat([[1, 1], [1, 0], [0, 1], [5, 5]]);
    const y = labels([2, 0, 1, 2]);
    const foldIds = Int32Array.from([0, 1, 1, 0]);
    const picks = new Set<number>();
    for (let seed = 0; seed < 16; seed++) {
      const r = knn(X, y, { k: 2, foldIds, seed });
      const expected = [0, 1][Math.floor(seededRandom((seed ^ 0x6b6e6e21) >>> 0)() * 2)];
      expect(r.predicted[0]).toBe(expected);
      expect(knn(X, y, { k: 2, foldIds, seed }).predicted).toEqual(r.predicted);
      expect(r.warnings.join('\n')).toMatch(/broken by the seeded draw/);
      picks.add(r.predicted[0]!);
    }
    expect(picks).toEqual(new Set([0, 1]));
  });
});

describe('knn: against the naive definition', () => {
  // Small integer features: many exact ties in similarity (duplicated directions).
  const n = 90;
  const r = seededRandom(5);
  const X: Matrix = { rows: n, cols: 3, data: Float64Array.from({ length: n * 3 }, () => Math.floor(r() * 3)) };
  const y = labels(Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 3 : Math.floor(r() * 3))));
  it.each([[1, 5, 0], [3, 5, 1], [7, 3, 2], [20, 4, 3]])('k=%i folds=%i seed=%i (blocked and unblocked)', (k, folds, seed) => {
    const fold = stratifiedFolds(y, folds, seed);
    const want = naiveKnn(X, y, fold, k, seed);
    const a = knn(X, y, { k, folds, seed });
    expect(Array.from(a.folds)).toEqual(Array.from(fold));
    expect(Array.from(a.predicted)).toEqual(Array.from(want));
    const b = knn(X, y, { k, folds, seed, blockEntries: 7 });
    expect(b.predicted).toEqual(a.predicted);
    expect(a.value).toBe(a.correct.reduce((s, v) => s + v, 0) / n);
  });
});

describe('knn: properties and edge cases', () => {
  function synth(n: number, d: number, c: number, seed: number): { X: Matrix; y: Labels } {
    const r = seededRandom(seed);
    const g = (): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
    const mu = Array.from({ length: c * d }, g);
    const ids = Array.from({ length: n }, (_, i) => i % c);
    const data = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = 0.8 * mu[ids[i]! * d + j]! + g();
    return { X: { rows: n, cols: d, data }, y: labels(ids) };
  }

  it('is invariant to scaling all features, or one sample', () => {
    const { X, y } = synth(150, 16, 5, 3);
    const base = knn(X, y);
    expect(knn({ ...X, data: X.data.map((v) => v * 37.25) }, y).predicted).toEqual(base.predicted);
    const one = Float64Array.from(X.data);
    for (let j = 0; j < 16; j++) one[10 * 16 + j]! *= 0.003;
    expect(knn({ ...X, data: one }, y).predicted).toEqual(base.predicted);
    expect(base.value).toBeGreaterThan(0.5); // well above chance (0.2) on separable classes
  });

  it('defaults: k 20, 5 folds seeded by 0, deterministic', () => {
    const { X, y } = synth(100, 8, 4, 9);
    const r = knn(X, y);
    expect(r.k).toBe(20);
    expect(Array.from(r.folds)).toEqual(Array.from(stratifiedFolds(y, 5, 0)));
    expect(knn(X, y)).toEqual(r);
  });

  it('zero rows have similarity 0 to everything (warned)', () => {
    const X = mat([[0, 0], [1, 0], [-1, 0], [0, 0], [2, 0], [-3, 0]]);
    const y = labels([0, 1, 0, 0, 1, 0]);
    const foldIds = Int32Array.from([0, 1, 1, 0, 1, 1]);
    const r = knn(X, y, { k: 1, foldIds });
    // Every fold-1 row is at similarity 0 from sample 0: the lowest index (1, class 1) wins.
    expect(r.predicted[0]).toBe(1);
    expect(r.warnings.join('\n')).toMatch(/2 all-zero feature row/);
    expect(Number.isFinite(r.value)).toBe(true);
  });

  it('a single-sample class can never be predicted for its own sample', () => {
    const { X, y } = synth(60, 6, 3, 4);
    const ids = Array.from(y.ids);
    ids[5] = 3;
    const r = knn(X, labels(ids, 4), { k: 5 });
    expect(r.correct[5]).toBe(0);
  });

  it('rejects bad options', () => {
    const X = mat([[1, 0], [0, 1], [1, 1]]);
    const y = labels([0, 1, 0]);
    expect(() => knn(X, y, { k: 0 })).toThrow(InputError);
    expect(() => knn(X, y, { k: 1.5 })).toThrow(/k must be an integer/);
    expect(() => knn(X, y, { folds: 4 })).toThrow(/at least 4 samples/);
    expect(() => knn(X, y, { folds: 1 })).toThrow(InputError);
    expect(() => knn(X, labels([0, 1]))).toThrow(/3 feature rows but 2 labels/);
  });
});

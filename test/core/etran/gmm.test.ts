/**
 * The Gaussian mixture behind NLEEP: hand-computed cases, properties, and
 * parity with scikit-learn's GaussianMixture (test/golden/nleep_golden.py)
 * given the labels sklearn's KMeans starts from.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitGmm, gmmPosteriors, gmmScore, kmeans } from '../../../src/core/etran/gmm.js';
import { InputError } from '../../../src/core/errors.js';
import type { Matrix } from '../../../src/core/etran/types.js';

interface GmmCase {
  name: string;
  X: number[][];
  components: number;
  init_labels: number[];
  means_init: number[][] | null;
  weights: number[];
  means: number[][];
  covariances: number[][][];
  lower_bound: number;
  n_iter: number;
  converged: boolean;
  posteriors: number[][];
  score: number;
}
const golden = JSON.parse(readFileSync(new URL('../../golden/nleep_golden.json', import.meta.url), 'utf8')) as { gmm: GmmCase[] };
const mat = (rows: number[][]): Matrix => ({ rows: rows.length, cols: rows[0]!.length, data: Float64Array.from(rows.flat()) });
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe('fitGmm: hand-computed cases', () => {
  it('one component: weight 1, the sample mean and the population covariance + reg_covar, in one extra iteration', () => {
    // Points (0,0), (2,0), (0,2), (2,2): mean (1,1), covariance I (population), + 1e-6.
    const X = mat([[0, 0], [2, 0], [0, 2], [2, 2]]);
    const m = fitGmm(X, { components: 1 });
    expect(Array.from(m.weights)).toEqual([1]);
    expect(maxAbsDiff(m.means.data, [1, 1])).toBeLessThan(1e-15);
    expect(maxAbsDiff(m.covariances[0]!, [1 + 1e-6, 0, 0, 1 + 1e-6])).toBeLessThan(1e-15);
    // Log-likelihood of each point under N((1,1), (1+1e-6)I): −log 2π − log σ² − ‖x−μ‖²/(2σ²), ‖x−μ‖² = 2.
    const s2 = 1 + 1e-6;
    const ll = -Math.log(2 * Math.PI) - Math.log(s2) - 2 / (2 * s2);
    expect(Math.abs(m.lowerBound - ll)).toBeLessThan(1e-14);
    // The first E-step already sees the final parameters; the second sees no change.
    expect(m.iterations).toBe(2);
    expect(m.converged).toBe(true);
  });

  it('two far-apart pairs: weights ½, each mean at its pair, posteriors 0/1', () => {
    const X = mat([[0, 0], [0, 1], [100, 0], [100, 1]]);
    const m = fitGmm(X, { components: 2, regCovar: 1e-3 });
    expect(maxAbsDiff(m.weights, [0.5, 0.5])).toBeLessThan(1e-12);
    const means = [Array.from(m.means.data.subarray(0, 2)), Array.from(m.means.data.subarray(2, 4))].sort((a, b) => a[0]! - b[0]!);
    expect(maxAbsDiff(means.flat(), [0, 0.5, 100, 0.5])).toBeLessThan(1e-12);
    const P = gmmPosteriors(m, X);
    for (let i = 0; i < 4; i++) {
      const row = Array.from(P.data.subarray(2 * i, 2 * i + 2));
      expect(Math.max(...row)).toBeCloseTo(1, 12);
      expect(row[0]! + row[1]!).toBeCloseTo(1, 14);
    }
    // Within one pair, the variance along x is 0: Σ = diag(reg, 0.25 + reg).
    const cov = m.covariances[0]!;
    expect(cov[0]).toBeCloseTo(1e-3, 12);
    expect(cov[3]).toBeCloseTo(0.25 + 1e-3, 12);
  });

  it('more components than samples: clamped to N with a warning', () => {
    const m = fitGmm(mat([[0], [1], [3]]), { components: 5 });
    expect(m.weights.length).toBe(3);
    expect(m.warnings.join()).toMatch(/cannot have more components than samples/);
    const P = gmmPosteriors(m, mat([[0], [1], [3]]));
    // Each point is its own component, whose variance is reg_covar: posteriors are one-hot.
    for (let i = 0; i < 3; i++) expect(Math.max(...P.data.subarray(3 * i, 3 * i + 3))).toBeCloseTo(1, 12);
  });

  it('duplicate points and constant columns: reg_covar keeps every covariance positive definite', () => {
    const X = mat([[1, 5], [1, 5], [1, 5], [2, 5], [2, 5], [2, 5]]);
    const m = fitGmm(X, { components: 2 });
    expect(m.converged).toBe(true);
    expect(Number.isFinite(m.lowerBound)).toBe(true);
    for (const c of m.covariances) expect(c[3]).toBeCloseTo(1e-6, 15);
  });

  it('rejects bad input with InputError', () => {
    expect(() => fitGmm(mat([[0, Number.NaN]]), { components: 1 })).toThrow(InputError);
    expect(() => fitGmm(mat([[0], [1]]), { components: 0 })).toThrow(InputError);
    expect(() => fitGmm(mat([[0], [1]]), { components: 2, meansInit: mat([[0, 0], [1, 1]]) })).toThrow(/meansInit/);
    expect(() => fitGmm(mat([[0], [1]]), { components: 2, initLabels: Int32Array.from([0, 2]) })).toThrow(/initLabels/);
  });
});

describe('kmeans', () => {
  it('finds three separated groups whatever the seed, labels consistent within groups', () => {
    const rows: number[][] = [];
    for (const [cx, cy] of [[0, 0], [10, 0], [0, 10]] as const) for (let t = 0; t < 5; t++) rows.push([cx + 0.1 * t, cy - 0.05 * t]);
    for (const seed of [0, 1, 7]) {
      const { labels } = kmeans(mat(rows), 3, { seed });
      for (let g = 0; g < 3; g++) {
        const l = labels.slice(5 * g, 5 * g + 5);
        expect(new Set(l).size).toBe(1);
      }
      expect(new Set(labels).size).toBe(3);
    }
  });
  it('is deterministic for a seed, and never leaves a cluster empty', () => {
    const rows = Array.from({ length: 40 }, (_, i) => [Math.sin(i), Math.cos(3 * i), (i % 7) / 7]);
    const a = kmeans(mat(rows), 12, { seed: 3 });
    const b = kmeans(mat(rows), 12, { seed: 3 });
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    expect(new Set(a.labels).size).toBe(12);
  });
});

describe('fitGmm matches sklearn GaussianMixture given the same k-means labels (nleep_golden.py)', () => {
  for (const c of golden.gmm) {
    it(c.name, () => {
      const X = mat(c.X);
      const m = fitGmm(X, {
        components: c.components,
        initLabels: Int32Array.from(c.init_labels),
        ...(c.means_init ? { meansInit: mat(c.means_init) } : {}),
      });
      expect(m.iterations).toBe(c.n_iter);
      expect(m.converged).toBe(c.converged);
      expect(maxAbsDiff(m.weights, c.weights)).toBeLessThan(1e-6);
      expect(maxAbsDiff(m.means.data, c.means.flat())).toBeLessThan(1e-6);
      expect(maxAbsDiff(m.covariances.flatMap((v) => Array.from(v)), c.covariances.flat(2))).toBeLessThan(1e-6);
      expect(Math.abs(m.lowerBound - c.lower_bound)).toBeLessThan(1e-6);
      expect(maxAbsDiff(gmmPosteriors(m, X).data, c.posteriors.flat())).toBeLessThan(1e-6);
      expect(Math.abs(gmmScore(m, X) - c.score)).toBeLessThan(1e-6);
    });
  }
});

describe('properties', () => {
  const c = golden.gmm[2]!;
  it('posterior rows sum to 1; seeded fits are deterministic', () => {
    const X = mat(c.X);
    const a = fitGmm(X, { components: 4, seed: 5 });
    const b = fitGmm(X, { components: 4, seed: 5 });
    expect(Array.from(a.means.data)).toEqual(Array.from(b.means.data));
    const P = gmmPosteriors(a, X);
    for (let i = 0; i < P.rows; i++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += P.data[i * 4 + k]!;
      expect(Math.abs(s - 1)).toBeLessThan(1e-12);
    }
  });
  it('translating the data translates the means and leaves posteriors unchanged', () => {
    const X = mat(c.X);
    const shifted: Matrix = { ...X, data: X.data.map((v, t) => v + (t % X.cols) * 3 - 2) };
    const a = fitGmm(X, { components: 4, seed: 1 });
    const b = fitGmm(shifted, { components: 4, seed: 1 });
    expect(maxAbsDiff(gmmPosteriors(a, X).data, gmmPosteriors(b, shifted).data)).toBeLessThan(1e-8);
    expect(Math.abs(a.lowerBound - b.lowerBound)).toBeLessThan(1e-8);
  });
});

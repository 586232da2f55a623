/**
 * NLEEP: hand-computed cases, properties the method claims, caps, edge cases,
 * and parity with the sklearn pipeline of the SFDA benchmark
 * (test/golden/nleep_golden.py, given sklearn's k-means labels).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nleep, stratifiedSubsample } from '../../../src/core/etran/nleep.js';
import { InputError } from '../../../src/core/errors.js';
import { seededRandom } from '../../../src/core/random.js';
import type { Labels, Matrix } from '../../../src/core/etran/types.js';

interface NleepCase {
  name: string;
  X: number[][];
  labels: number[];
  pca_k: number;
  components: number;
  init_labels: number[];
  n_iter: number;
  nleep: number;
  nleep_prob_mean: number;
}
const golden = JSON.parse(readFileSync(new URL('../../golden/nleep_golden.json', import.meta.url), 'utf8')) as { nleep: NleepCase[] };
const mat = (rows: number[][]): Matrix => ({ rows: rows.length, cols: rows[0]!.length, data: Float64Array.from(rows.flat()) });
const labels = (ids: number[]): Labels => {
  const c = Math.max(...ids) + 1;
  return { ids: Int32Array.from(ids), numClasses: c, names: Array.from({ length: c }, (_, i) => String(i)) };
};

/** Seeded x = sep·μ_y + ε with per-dimension noise scales falling from 2 to 0.2 (so PCA-80 % keeps a few dims). */
function synth(n: number, d: number, c: number, seed: number, sep = 1): { X: Matrix; y: Labels } {
  const u = seededRandom(seed);
  const g = (): number => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const mu = Array.from({ length: c * d }, g);
  const ids = Array.from({ length: n }, (_, i) => (i < c ? i : Math.floor(u() * c)));
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = sep * mu[ids[i]! * d + j]! + (2 - (1.8 * j) / Math.max(1, d - 1)) * g();
  return { X: { rows: n, cols: d, data }, y: labels(ids) };
}

describe('nleep: hand-computed cases', () => {
  // Two tight groups 100 apart on a line (PCA keeps that one direction), one component per class:
  // the posteriors are one-hot on the group, so P(y | z) is the label share inside each group.
  const rows = [[0, 0], [0.1, 0.01], [0.2, -0.01], [100, 0], [100.1, 0.01], [100.2, -0.01]];
  it('labels that follow the groups: NLEEP = log 1 = 0, prob-mean 1', () => {
    const y = labels([0, 0, 0, 1, 1, 1]);
    const r = nleep(mat(rows), y, { componentsPerClass: 1 });
    expect(r.dims).toBe(1);
    expect(r.components).toBe(2);
    expect(Math.abs(r.value)).toBeLessThan(1e-12);
    expect(nleep(mat(rows), y, { componentsPerClass: 1, variant: 'prob-mean' }).value).toBeCloseTo(1, 12);
  });
  it('one label out of place in each group: P(y|z) = 2/3 or 1/3', () => {
    const y = labels([0, 0, 1, 1, 1, 0]);
    // Four samples predict their label with 2/3, two with 1/3.
    const r = nleep(mat(rows), y, { componentsPerClass: 1 });
    expect(r.value).toBeCloseTo((4 * Math.log(2 / 3) + 2 * Math.log(1 / 3)) / 6, 12);
    const p = nleep(mat(rows), y, { componentsPerClass: 1, variant: 'prob-mean' });
    expect(p.value).toBeCloseTo((4 * (2 / 3) + 2 * (1 / 3)) / 6, 12);
  });
});

describe('nleep matches the sklearn pipeline (PCA 0.8, GaussianMixture 5·C, LEEP) given its k-means labels', () => {
  for (const c of golden.nleep) {
    it(c.name, () => {
      const X = mat(c.X);
      const y = labels(c.labels);
      const init = Int32Array.from(c.init_labels);
      const r = nleep(X, y, { initLabels: init });
      expect(r.dims).toBe(c.pca_k);
      expect(r.components).toBe(c.components);
      expect(r.iterations).toBe(c.n_iter);
      expect(Math.abs(r.value - c.nleep)).toBeLessThan(1e-6);
      const p = nleep(X, y, { initLabels: init, variant: 'prob-mean' });
      expect(Math.abs(p.value - c.nleep_prob_mean)).toBeLessThan(1e-6);
    });
  }
});

describe('properties', () => {
  const { X, y } = synth(150, 10, 3, 11, 1.5);
  const base = nleep(X, y);
  it('log variant ≤ 0; prob-mean in (0, 1] and ≥ exp(log variant) (Jensen)', () => {
    expect(base.value).toBeLessThanOrEqual(0);
    const p = nleep(X, y, { variant: 'prob-mean' }).value;
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThanOrEqual(1);
    expect(p).toBeGreaterThanOrEqual(Math.exp(base.value) - 1e-12);
  });
  it('seeded: the same seed gives the same value, bit for bit', () => {
    expect(nleep(X, y, { seed: 3 }).value).toBe(nleep(X, y, { seed: 3 }).value);
  });
  it('invariant to a global feature scale when reg_covar scales along (PCA share and EM are scale-equivariant)', () => {
    for (const s of [10, 0.1, 1e3]) {
      const scaled: Matrix = { ...X, data: X.data.map((v) => v * s) };
      const r = nleep(scaled, y, { regCovar: 1e-6 * s * s });
      expect(r.dims).toBe(base.dims);
      expect(r.iterations).toBe(base.iterations);
      expect(Math.abs(r.value - base.value)).toBeLessThan(1e-9);
      // With the fixed default reg_covar = 1e-6 the value moves with the scale: a little when the
      // features grow (reg_covar's share shrinks), more when they shrink towards it (8.8e-4 at s = 0.1 here).
      if (s > 1) expect(Math.abs(nleep(scaled, y).value - base.value)).toBeLessThan(1e-4);
    }
  });
  it('invariant to renaming the classes', () => {
    const perm = [2, 0, 1];
    const renamed: Labels = { ...y, ids: Int32Array.from(y.ids, (k) => perm[k]!) };
    expect(Math.abs(nleep(X, renamed).value - base.value)).toBeLessThan(1e-12);
  });
  it('separable classes score higher than shuffled labels', () => {
    const u = seededRandom(5);
    const ids = Array.from(y.ids);
    for (let i = ids.length - 1; i > 0; i--) {
      const j = Math.floor(u() * (i + 1));
      [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    }
    expect(nleep(X, { ...y, ids: Int32Array.from(ids) }).value).toBeLessThan(base.value);
  });
});

describe('caps', () => {
  const { X, y } = synth(300, 40, 4, 21, 1);
  it('under the caps the result is the uncapped NLEEP', () => {
    const a = nleep(X, y);
    const b = nleep(X, y, { maxSamples: 1e6, maxDims: 1e6, maxComponents: 1e6 });
    expect(a.value).toBe(b.value);
    expect(a.warnings.join()).not.toMatch(/cap|subsample/);
  });
  it('maxDims, maxComponents and maxSamples bind with a warning each', () => {
    const r = nleep(X, y, { maxDims: 3, maxComponents: 6, maxSamples: 120 });
    expect(r.dims).toBe(3);
    expect(r.components).toBe(6);
    expect(r.fitSamples).toBe(120);
    const w = r.warnings.join('\n');
    expect(w).toMatch(/maxDims = 3/);
    expect(w).toMatch(/maxComponents = 6/);
    expect(w).toMatch(/subsample of 120 of 300/);
    expect(r.value).toBeLessThanOrEqual(0);
  });
  it('stratified subsample: the asked size, every class kept, proportional shares, seeded', () => {
    const y2 = labels([...Array(90).fill(0), ...Array(9).fill(1), 2]);
    const s = stratifiedSubsample(y2, 20, 1);
    expect(s.length).toBe(20);
    const counts = [0, 0, 0];
    for (const i of s) counts[y2.ids[i]!]!++;
    expect(counts[2]).toBe(1);
    expect(counts[0]).toBeGreaterThanOrEqual(17);
    expect(new Set(s).size).toBe(20);
    expect(Array.from(stratifiedSubsample(y2, 20, 1))).toEqual(Array.from(s));
    expect(Array.from(stratifiedSubsample(y2, 20, 2))).not.toEqual(Array.from(s));
  });
});

describe('edge cases', () => {
  it('N < D, a class with one sample, constant columns: a defined value', () => {
    const { X, y } = synth(20, 50, 3, 4, 2);
    for (let i = 0; i < 20; i++) X.data[i * 50 + 7] = 3; // a constant column
    const ids = Array.from(y.ids);
    ids[0] = 3; // class 3 has one sample
    const r = nleep(X, labels(ids));
    expect(Number.isFinite(r.value)).toBe(true);
    expect(r.value).toBeLessThanOrEqual(0);
    // 5·4 = 20 components for 20 rows: allowed (K = N).
    expect(r.components).toBe(20);
  });
  it('more components than rows: clamped with a warning', () => {
    const { X, y } = synth(12, 6, 3, 8, 2);
    const r = nleep(X, y);
    expect(r.components).toBe(12);
    expect(r.warnings.join()).toMatch(/cannot have more components than samples/);
  });
  it('every feature constant: uninformative posteriors, a defined value and a warning', () => {
    const X = mat(Array.from({ length: 10 }, () => [1, 2, 3]));
    const r = nleep(X, labels([0, 0, 0, 0, 0, 0, 1, 1, 1, 1]), { componentsPerClass: 1 });
    expect(Number.isFinite(r.value)).toBe(true);
    expect(r.warnings.join()).toMatch(/constant/);
  });
  it('C = 1000 with one sample per class stays defined (components capped at 500)', () => {
    const u = seededRandom(9);
    const n = 1000, d = 3;
    const data = Float64Array.from({ length: n * d }, () => u());
    const ids = Int32Array.from({ length: n }, (_, i) => i);
    const y: Labels = { ids, numClasses: 1000, names: Array.from({ length: 1000 }, (_, i) => String(i)) };
    const r = nleep({ rows: n, cols: d, data }, y, { maxIter: 3 });
    expect(r.components).toBe(500);
    expect(Number.isFinite(r.value)).toBe(true);
    expect(r.value).toBeLessThanOrEqual(0);
    expect(r.warnings.join()).toMatch(/maxComponents = 500/);
  });
  it('bad input: InputError', () => {
    const X = mat([[0, 1], [1, 0], [2, 2]]);
    expect(() => nleep(X, labels([0, 1]))).toThrow(InputError);
    expect(() => nleep(X, labels([0, 0, 0]))).toThrow(/at least 2 classes/);
    expect(() => nleep(X, labels([0, 1, 1]), { variant: 'nope' as 'log' })).toThrow(/variant/);
    expect(() => nleep(X, labels([0, 1, 1]), { varianceShare: 1 })).toThrow(/varianceShare/);
    expect(() => nleep(X, labels([0, 1, 1]), { maxSamples: 0 })).toThrow(/maxSamples/);
  });
});

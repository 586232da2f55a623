import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { leep } from '../../../src/core/etran/leep.js';
import { nce } from '../../../src/core/etran/nce.js';
import { labelsFromIds, labelsFromValues } from '../../../src/core/etran/labels.js';
import { asSourceProbabilities, softmaxRows } from '../../../src/core/etran/source-probs.js';
import type { Matrix } from '../../../src/core/etran/types.js';

interface SourceCase {
  name: string;
  logits: number[][];
  probs: number[][];
  labels: number[];
  leep: number;
  leep_prob_mean: number;
  nce: number;
}
const golden = JSON.parse(readFileSync(new URL('../../golden/etran_cli_golden.json', import.meta.url), 'utf8')) as { source: SourceCase[] };
const mat = (rows: number[][]): Matrix => ({ rows: rows.length, cols: rows[0]!.length, data: Float64Array.from(rows.flat()) });
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-300, Math.abs(b));

describe('LEEP and NCE: hand-computed cases', () => {
  // Two samples, two source classes, two target classes.
  // θ = [[0.8, 0.2], [0.4, 0.6]], y = [0, 1]; joint/N: class0 row = [0.4, 0.1], class1 row = [0.2, 0.3]
  // P(z) = [0.6, 0.4]; P(y=0|z) = [2/3, 1/4], P(y=1|z) = [1/3, 3/4]
  // EEP_1 = 0.8·2/3 + 0.2·1/4 = 0.58333…, EEP_2 = 0.4·1/3 + 0.6·3/4 = 0.58333…
  const theta = mat([
    [0.8, 0.2],
    [0.4, 0.6],
  ]);
  const y = labelsFromIds([0, 1]);
  it('LEEP (log, default) and the SFDA/ETran benchmark variant (prob-mean)', () => {
    const eep = 0.8 * (2 / 3) + 0.2 * (1 / 4);
    expect(leep(theta, y).value).toBeCloseTo(Math.log(eep), 14);
    expect(leep(theta, y, { variant: 'prob-mean' }).value).toBeCloseTo(eep, 14);
  });
  it('NCE: argmax z = [0, 1] separates the labels perfectly, so −H(Y|Z) = 0 (up to the 1e−20 guard)', () => {
    expect(Math.abs(nce(theta, y).value)).toBeLessThan(1e-15);
  });
  it('NCE: one source class for all samples gives −H(Y) and a warning', () => {
    const r = nce(mat([[0.9, 0.1], [0.7, 0.3], [0.6, 0.4], [0.8, 0.2]]), labelsFromIds([0, 0, 1, 1]));
    expect(r.value).toBeCloseTo(-Math.log(2), 14);
    expect(r.warnings.join()).toMatch(/same class/);
  });
  it('LEEP of a perfect source classifier is 0 (log 1)', () => {
    const r = leep(mat([[1, 0], [0, 1], [1, 0]]), labelsFromIds([1, 0, 1]));
    expect(r.value).toBeCloseTo(0, 15);
  });
});

describe('LEEP and NCE match thuml/LogME on seeded goldens', () => {
  for (const c of golden.source) {
    it(c.name, () => {
      const y = labelsFromIds(c.labels);
      const p = mat(c.probs);
      expect(rel(leep(p, y).value, c.leep)).toBeLessThan(1e-12);
      expect(rel(leep(p, y, { variant: 'prob-mean' }).value, c.leep_prob_mean)).toBeLessThan(1e-12);
      expect(rel(nce(p, y).value, c.nce)).toBeLessThan(1e-12);
    });
    it(`${c.name}: logits are detected and soft-maxed to the same result`, () => {
      const sp = asSourceProbabilities(mat(c.logits));
      expect(sp.softmaxReason).not.toBeNull();
      expect(rel(leep(sp.probs, labelsFromIds(c.labels)).value, c.leep)).toBeLessThan(1e-12);
      expect(asSourceProbabilities(mat(c.probs)).softmaxReason).toBeNull();
    });
  }
});

describe('properties', () => {
  const c = golden.source[1]!;
  it('invariant to renaming the target labels (any integers or strings)', () => {
    const p = mat(c.probs);
    const names = ['zebra', 'ant', 'moth', 'cat', 'bee'];
    const renamed = labelsFromValues(c.labels.map((l) => names[l]!));
    expect(rel(leep(p, renamed).value, c.leep)).toBeLessThan(1e-12);
    expect(rel(nce(p, renamed).value, c.nce)).toBeLessThan(1e-12);
    const spread = labelsFromValues(c.labels.map((l) => 1000 - 7 * l));
    expect(rel(leep(p, spread).value, c.leep)).toBeLessThan(1e-12);
  });
  it('invariant to permuting the source classes', () => {
    const p = mat(c.probs);
    const perm = Array.from({ length: p.cols }, (_, i) => (i * 5 + 3) % p.cols);
    const q = mat(c.probs.map((row) => perm.map((j) => row[j]!)));
    expect(rel(leep(q, labelsFromIds(c.labels)).value, c.leep)).toBeLessThan(1e-12);
    expect(rel(nce(q, labelsFromIds(c.labels)).value, c.nce)).toBeLessThan(1e-12);
  });
  it('softmax is shift-invariant and rows sum to 1', () => {
    const a = softmaxRows(mat([[1, 2, 3]]));
    const b = softmaxRows(mat([[1001, 1002, 1003]]));
    for (let j = 0; j < 3; j++) expect(a.data[j]).toBeCloseTo(b.data[j]!, 15);
    expect(a.data.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 15);
  });
  it('a source class no sample uses is left out with a warning instead of NaN', () => {
    const r = leep(mat([[0.5, 0.5, 0], [0.1, 0.9, 0]]), labelsFromIds([0, 1]));
    expect(Number.isFinite(r.value)).toBe(true);
    expect(r.warnings.join()).toMatch(/zero probability/);
  });
});

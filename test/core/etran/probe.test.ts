/**
 * probe: a hand-computed case, parity with scikit-learn on explicit folds
 * (test/golden/probe_golden.py), the two linear-algebra routes, invariances,
 * edge cases (singleton class, constant columns, N < D, C = 1000) and bad options.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.js';
import { stratifiedFolds } from '../../../src/core/etran/folds.js';
import { ledoitWolfShrinkage, probe, type ProbeOptions } from '../../../src/core/etran/probe.js';
import type { Labels, Matrix } from '../../../src/core/etran/types.js';
import { synthClasses } from './score-fixtures.js';

const labels = (ids: number[], c = Math.max(...ids) + 1): Labels => ({
  ids: Int32Array.from(ids), numClasses: c, names: Array.from({ length: c }, (_, i) => String(i)),
});

const synth = synthClasses;

interface GoldenRun { config: { classifier: 'lda' | 'ridge'; shrinkage?: number | 'auto'; lambda?: number }; predicted: number[]; accuracy: number; shrinkage: number[] }
interface GoldenCase { name: string; n: number; d: number; c: number; X: number[]; y: number[]; folds: number[]; runs: GoldenRun[]; sklearn_auto: { accuracy: number; agreement_with_pooled: number } }
const golden = JSON.parse(readFileSync(new URL('../../golden/probe_golden.json', import.meta.url), 'utf8')) as { cases: GoldenCase[] };

describe('probe: hand-computed', () => {
  // D = 1, two classes, four folds with one sample of each class: LDA (and ridge)
  // reduce to "nearer training class mean" (equal training priors).
  //   class 0: 0, 1, 2, 8      class 1: 5, 6, 7, 3.4      fold t holds the t-th of each
  //   fold 0: means 11/3, 16.4/3 → cut 4.57: 0 ✓ 5 ✓      fold 1: cut 4.23: 1 ✓ 6 ✓
  //   fold 2: cut 3.9: 2 ✓ 7 ✓                            fold 3: means 1, 6 → cut 3.5: 8 ✗ 3.4 ✗
  const X: Matrix = { rows: 8, cols: 1, data: Float64Array.from([0, 1, 2, 8, 5, 6, 7, 3.4]) };
  const y = labels([0, 0, 0, 0, 1, 1, 1, 1]);
  const foldIds = Int32Array.from([0, 1, 2, 3, 0, 1, 2, 3]);
  it.each<[string, ProbeOptions]>([
    ['lda auto', {}], ['lda δ=0.5', { shrinkage: 0.5 }], ['ridge λ=1', { classifier: 'ridge' }], ['ridge λ=100', { classifier: 'ridge', lambda: 100 }],
  ])('%s: accuracy 6/8, the two fold-3 samples wrong', (_name, opts) => {
    for (const route of ['primal', 'dual'] as const) {
      const r = probe(X, y, { ...opts, foldIds, route });
      expect(r.value).toBe(0.75);
      expect(Array.from(r.correct)).toEqual([1, 1, 1, 0, 1, 1, 1, 0]);
      expect(Array.from(r.predicted)).toEqual([0, 0, 0, 1, 1, 1, 1, 0]);
    }
  });

  it('Ledoit–Wolf δ: 0 for an isotropic sample covariance, from the formula otherwise', () => {
    // Rows (±1, 0), (0, ±1): Sw = ½I, Σ‖r‖⁴/n = 1, ‖Sw‖²_F = ½ → β = (1 − ½)/(2·4) > 0 but γ = 0 → δ = min(β, 0)/0 := 0.
    expect(ledoitWolfShrinkage(1, 0.5, 4, 4, 2)).toBe(0);
    // tr = 3, ‖S‖²_F = 5, Σ‖r‖⁴ = 40, n = 4, D = 2: β = (10 − 5)/8 = 0.625, γ = (5 − 4.5)/2 = 0.25 → δ = 1.
    expect(ledoitWolfShrinkage(3, 5, 40, 4, 2)).toBe(1);
    // Σ‖r‖⁴ = 22: β = (5.5 − 5)/8 = 0.0625 → δ = 0.25.
    expect(ledoitWolfShrinkage(3, 5, 22, 4, 2)).toBeCloseTo(0.25, 15);
  });
});

describe.each(golden.cases.map((c) => [c.name, c] as const))('probe vs scikit-learn: %s', (_name, c) => {
  const X: Matrix = { rows: c.n, cols: c.d, data: Float64Array.from(c.X) };
  const y = labels(c.y, c.c);
  const foldIds = Int32Array.from(c.folds);
  it.each(c.runs.map((r) => [JSON.stringify(r.config), r] as const))('%s: identical predictions (both routes)', (_cfg, run) => {
    for (const route of ['primal', 'dual'] as const) {
      const r = probe(X, y, { ...run.config, foldIds, route });
      expect(Array.from(r.predicted)).toEqual(run.predicted);
      expect(r.value).toBe(run.accuracy);
      if (run.config.shrinkage === 'auto') {
        expect(r.shrinkage).toHaveLength(run.shrinkage.length);
        r.shrinkage.forEach((s, f) => expect(Math.abs(s - run.shrinkage[f]!)).toBeLessThan(1e-10));
      }
    }
  });
});

describe('probe: properties and edge cases', () => {
  it('default: 5 stratified folds seeded by 0; deterministic', () => {
    const { X, y } = synth(120, 8, 4, 3, 0.6);
    const a = probe(X, y);
    expect(Array.from(a.folds)).toEqual(Array.from(stratifiedFolds(y, 5, 0)));
    expect(probe(X, y)).toEqual(a);
    expect(probe(X, y, { seed: 1 }).folds).not.toEqual(a.folds);
    expect(a.value).toBe(a.correct.reduce((s, v) => s + v, 0) / 120);
  });

  it('is invariant to per-column scaling and shifts of the features (standardisation)', () => {
    const { X, y } = synth(150, 12, 5, 11, 0.5);
    const d = X.cols;
    const Y: Matrix = { ...X, data: X.data.map((v, t) => v * (0.001 + (t % d) * 7.5) + 1000 * ((t % d) - 3)) };
    for (const opts of [{}, { shrinkage: 0.2 }, { shrinkage: 'auto-per-class' as const }, { classifier: 'ridge' as const, lambda: 3 }]) {
      expect(probe(Y, y, opts).predicted).toEqual(probe(X, y, opts).predicted);
    }
  });

  it('the primal (Gram) and dual (n×n) routes agree', () => {
    for (const [n, d] of [[200, 30], [60, 90]] as const) {
      const { X, y } = synth(n, d, 6, n + d, 0.4);
      for (const opts of [{}, { shrinkage: 0.05 }, { shrinkage: 'auto-per-class' as const }, { classifier: 'ridge' as const, lambda: 0.5 }]) {
        const p = probe(X, y, { ...opts, route: 'primal' });
        const q = probe(X, y, { ...opts, route: 'dual' });
        expect(q.predicted).toEqual(p.predicted);
        p.shrinkage.forEach((s, f) => expect(Math.abs(s - q.shrinkage[f]!)).toBeLessThan(1e-12));
      }
    }
  });

  it('a single-sample class is never predicted for its own sample (counted wrong, warned)', () => {
    const { X, y } = synth(60, 5, 3, 5, 3);
    const ids = Array.from(y.ids);
    ids[7] = 3; // the only sample of class 3
    const y4 = labels(ids, 4);
    const r = probe(X, y4);
    expect(r.correct[7]).toBe(0);
    expect(r.predicted[7]).not.toBe(3);
    expect(r.warnings.join('\n')).toMatch(/1 class\(es\) with a single sample/);
    // A class with no sample at all is simply never predicted.
    const r5 = probe(X, labels(ids, 5));
    expect(r5.predicted).toEqual(r.predicted);
  });

  it('constant columns are centred, not NaN; ridge ignores them', () => {
    const { X, y } = synth(80, 6, 3, 9, 0.8);
    const d = 8;
    const data = new Float64Array(80 * d);
    for (let i = 0; i < 80; i++) {
      for (let j = 0; j < 6; j++) data[i * d + j] = X.data[i * 6 + j]!;
      data[i * d + 6] = 0.1; // constant (not exactly representable: the mean is off by an ulp)
      data[i * d + 7] = -4;
    }
    const r = probe({ rows: 80, cols: d, data }, y);
    expect(Number.isFinite(r.value)).toBe(true);
    // (LDA's shrinkage target tr(Sw)/D does count them, so only ridge is unchanged.)
    const ridge = { classifier: 'ridge' as const, lambda: 2 };
    expect(probe({ rows: 80, cols: d, data }, y, ridge).predicted).toEqual(probe(X, y, ridge).predicted);
    expect(r.warnings.join('\n')).toMatch(/2 feature column\(s\) constant/);
    // All columns constant: no within-class variance, predicts by priors.
    const flat = probe({ rows: 80, cols: 2, data: new Float64Array(160).fill(2) }, y);
    expect(flat.warnings.join('\n')).toMatch(/no within-class variance/);
    expect(Number.isFinite(flat.value)).toBe(true);
  });

  it('N < D (dual) and C = 1000 give defined results', () => {
    const a = synth(50, 400, 5, 1, 0.3);
    const r = probe(a.X, a.y);
    expect(r.value).toBeGreaterThanOrEqual(0);
    expect(r.value).toBeLessThanOrEqual(1);
    const ids = Array.from({ length: 2000 }, (_, i) => i % 1000);
    const b = synth(2000, 12, 1000, 2, 3);
    const rb = probe(b.X, labels(ids, 1000));
    expect(Number.isFinite(rb.value)).toBe(true);
    expect(rb.shrinkage.every((s) => s >= 0 && s <= 1)).toBe(true);
  });

  it('rejects bad options with InputError', () => {
    const { X, y } = synth(20, 3, 2, 1);
    expect(() => probe(X, y, { folds: 1 })).toThrow(InputError);
    expect(() => probe(X, y, { folds: 21 })).toThrow(/at least 21 samples/);
    expect(() => probe(X, y, { shrinkage: 1.5 })).toThrow(/shrinkage/);
    expect(() => probe(X, y, { lambda: -1, classifier: 'ridge' })).toThrow(/lambda/);
    expect(() => probe(X, y, { classifier: 'svm' as never })).toThrow(/classifier/);
    expect(() => probe(X, y, { foldIds: new Int32Array(20) })).toThrow(InputError);
    expect(() => probe(X, labels([0, 1]))).toThrow(/20 feature rows but 2 labels/);
  });
});

import { describe, expect, it } from 'vitest';
import { historyPrior } from '../../../src/core/etran/history.js';
import { RECOMMENDED_FORM, recommendedCombine } from '../../../src/core/etran/recommended.js';

const names = ['a', 'b', 'c'];
const vals = (rows: Array<Record<string, number | null>>) => rows.map((r) => new Map(Object.entries(r)));

describe('recommendedCombine', () => {
  it('mean normalised rank of the components (hand-computed)', () => {
    // p: a 0, b 1, c 0.5 ; q: a 1, b 0, c 0.5 → means 0.5, 0.5, 0.5 ; r: a 0, b 0.5, c 1
    const form = { components: ['p', 'q', 'r'], kappa: Infinity };
    const v = vals([{ p: 1, q: 9, r: 0 }, { p: 3, q: 1, r: 5 }, { p: 2, q: 5, r: 7 }]);
    const out = recommendedCombine(names, v, form).values;
    expect(out[0]).toBeCloseTo(1 / 3, 15);
    expect(out[1]).toBeCloseTo(0.5, 15);
    expect(out[2]).toBeCloseTo(2 / 3, 15);
  });
  it('a missing component is left out of that model; none at all gives null with a reason', () => {
    const form = { components: ['p', 'q'], kappa: Infinity };
    const r = recommendedCombine(names, vals([{ p: 1, q: null }, { p: 2, q: 1 }, { p: null, q: null }]), form);
    expect(r.values).toEqual([0, 0.75, null]); // p ranks a 0, b 1; q ranks b alone 0.5 → b (1 + 0.5)/2
    expect(r.warnings[0]).toMatch(/undefined for c/);
  });
  it('the history weight grows with the number of past datasets: w = H/(H+κ)', () => {
    const rows = [
      { model: 'a', dataset: 'd1', score: 3 }, { model: 'b', dataset: 'd1', score: 2 }, { model: 'c', dataset: 'd1', score: 1 },
      { model: 'a', dataset: 'd2', score: 3 }, { model: 'b', dataset: 'd2', score: 2 },
    ];
    const h = historyPrior(rows, names, 't');
    const form = { components: ['p'], kappa: 2 };
    const out = recommendedCombine(names, vals([{ p: 1 }, { p: 2 }, { p: 3 }]), form, h).values;
    // a: T 0, P 1, H 2 → w 0.5 → 0.5 ; b: T 0.5, P 0.25 (0.5 and 0), w 0.5 → 0.375 ; c: T 1, P 0, H 1 → w 1/3 → 2/3
    expect(out[0]).toBeCloseTo(0.5, 15);
    expect(out[1]).toBeCloseTo(0.375, 15);
    expect(out[2]).toBeCloseTo(2 / 3, 15);
  });
  it('a model without history keeps its target part', () => {
    const h = historyPrior([{ model: 'a', dataset: 'd', score: 1 }, { model: 'b', dataset: 'd', score: 0 }], names, 't');
    const out = recommendedCombine(names, vals([{ p: 1 }, { p: 2 }, { p: 3 }]), { components: ['p'], kappa: 1 }, h).values;
    expect(out[2]).toBe(1);
  });
  it('the shipped form names only registry metrics that need nothing but features and labels', () => {
    for (const c of RECOMMENDED_FORM.components) expect(['probe', 'knn', 'ncti', 'nleep', 'etran', 'logme']).toContain(c);
    expect(RECOMMENDED_FORM.kappa).toBeGreaterThan(0);
  });
});

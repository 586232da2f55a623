/**
 * stratifiedFolds: the documented dealing rule (against an independent Python
 * copy in test/golden/probe_golden.py), balance, determinism, bad input.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { foldMembers, stratifiedFolds } from '../../../src/core/etran/folds.js';
import { InputError } from '../../../src/core/errors.js';
import type { Labels } from '../../../src/core/etran/types.js';

const labels = (ids: number[]): Labels => {
  const c = Math.max(...ids) + 1;
  return { ids: Int32Array.from(ids), numClasses: c, names: Array.from({ length: c }, (_, i) => String(i)) };
};

const golden = JSON.parse(readFileSync(new URL('../../golden/probe_golden.json', import.meta.url), 'utf8')) as {
  fold_cases: Array<{ seed: number; k: number; y: number[]; folds: number[] }>;
};

describe('stratifiedFolds', () => {
  it.each(golden.fold_cases.map((c) => [c.seed, c.k, c] as const))('follows the documented rule (seed %i, k %i; Python copy)', (_s, _k, c) => {
    expect(Array.from(stratifiedFolds(labels(c.y), c.k, c.seed))).toEqual(c.folds);
  });

  it('deals the first class from fold 0 and continues the offset into the next class', () => {
    // Class 0 has 3 samples → folds {0, 1, 2} in shuffled order; class 1 starts at offset 3 mod 4 = 3.
    const y = labels([0, 0, 0, 1, 1]);
    const f = stratifiedFolds(y, 4, 42);
    expect([...f.slice(0, 3)].sort()).toEqual([0, 1, 2]);
    expect([...f.slice(3)].sort()).toEqual([0, 3]);
  });

  it('balances every class and the fold sizes to within one, for any seed', () => {
    const ids: number[] = [];
    [13, 1, 7, 22, 4, 9].forEach((m, c) => { for (let t = 0; t < m; t++) ids.push(c); });
    // Interleave the classes so index order is not class order.
    const y = labels(ids.map((_, i) => ids[(i * 17) % ids.length]!));
    for (const seed of [0, 1, 99, 2 ** 31]) {
      for (const k of [2, 3, 5, 10]) {
        const f = stratifiedFolds(y, k, seed);
        const sizes = foldMembers(f, k).map((m) => m.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        for (let c = 0; c < y.numClasses; c++) {
          const per = new Array(k).fill(0);
          y.ids.forEach((yc, i) => { if (yc === c) per[f[i]!]++; });
          expect(Math.max(...per) - Math.min(...per)).toBeLessThanOrEqual(1);
        }
      }
    }
  });

  it('is deterministic for a seed and changes with it', () => {
    const y = labels(Array.from({ length: 60 }, (_, i) => i % 4));
    expect(stratifiedFolds(y, 5, 7)).toEqual(stratifiedFolds(y, 5, 7));
    expect(stratifiedFolds(y, 5, 7)).not.toEqual(stratifiedFolds(y, 5, 8));
  });

  it('rejects k < 2, k > N and non-integers', () => {
    const y = labels([0, 1, 0]);
    expect(() => stratifiedFolds(y, 1, 0)).toThrow(InputError);
    expect(() => stratifiedFolds(y, 4, 0)).toThrow(/at least 4 samples/);
    expect(() => stratifiedFolds(y, 2.5, 0)).toThrow(InputError);
    expect(Array.from(stratifiedFolds(y, 3, 0)).sort()).toEqual([0, 1, 2]);
  });

  it('foldMembers lists each fold in increasing order', () => {
    const m = foldMembers(Int32Array.from([1, 0, 1, 2, 0]), 3);
    expect(m.map((a) => Array.from(a))).toEqual([[1, 4], [0, 2], [3]]);
  });
});

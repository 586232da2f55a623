import { describe, expect, it } from 'vitest';
import { normalizedRanks } from '../../../src/core/etran/ranks.js';

describe('normalizedRanks', () => {
  it('best 1, worst 0, evenly spaced', () => {
    expect(normalizedRanks([0.2, 0.9, 0.5])).toEqual([0, 1, 0.5]);
  });
  it('ties share their average rank (hand-computed: ranks 0, 1.5, 1.5, 3 of 0..3)', () => {
    expect(normalizedRanks([1, 2, 2, 3])).toEqual([0, 0.5, 0.5, 1]);
  });
  it('missing values are null and do not take a place', () => {
    expect(normalizedRanks([5, null, Number.NaN, 7, Infinity])).toEqual([0, null, null, 1, null]);
  });
  it('one value alone is 0.5; none gives all null', () => {
    expect(normalizedRanks([null, 3])).toEqual([null, 0.5]);
    expect(normalizedRanks([null])).toEqual([null]);
  });
  it('depends only on the order (any increasing map leaves it unchanged)', () => {
    const v = [0.3, -2, 8, 1.5, 0.7];
    expect(normalizedRanks(v.map((x) => Math.exp(x) * 10 - 4))).toEqual(normalizedRanks(v));
  });
});

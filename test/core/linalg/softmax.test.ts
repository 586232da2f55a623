/**
 * Row softmax and log-sum-exp (src/core/linalg/softmax.ts): shifted by the row
 * maximum, so large logits stay finite.
 */
import { describe, expect, it } from 'vitest';
import { rowLogSumExp, softmaxRowsInPlace } from '../../../src/core/linalg/softmax.js';

describe('softmax and log-sum-exp', () => {
  it('rowLogSumExp reads one row at an offset and survives large values', () => {
    const A = Float64Array.from([9, 9, 0, Math.log(2), 1000, 1000]);
    expect(rowLogSumExp(A, 2, 2)).toBeCloseTo(Math.log(3), 15);
    expect(rowLogSumExp(A, 4, 2)).toBeCloseTo(1000 + Math.log(2), 12);
  });
  it('softmaxRowsInPlace gives rows that sum to one', () => {
    const Z = Float64Array.from([1, 2, 3, 1000, 1000, 1000]);
    softmaxRowsInPlace(Z, 2, 3);
    expect(Z[3]).toBeCloseTo(1 / 3, 15);
    expect(Z[0]! + Z[1]! + Z[2]!).toBeCloseTo(1, 15);
    expect(Z[2]! / Z[1]!).toBeCloseTo(Math.E, 12);
  });
});

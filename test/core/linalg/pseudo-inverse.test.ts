/**
 * Quadratic forms through the pseudo-inverse (src/core/linalg/pseudo-inverse.ts).
 */
import { describe, expect, it } from 'vitest';
import { pinvQuadratic } from '../../../src/core/linalg/pseudo-inverse.js';

describe('pseudo-inverse', () => {
  it('pinvQuadratic drops directions below rcond like numpy.linalg.pinv', () => {
    // A = diag(2, 1e−20): pinv keeps only the first direction at rcond 1e−15.
    const { Q, dropped } = pinvQuadratic(Float64Array.from([2, 0, 0, 1e-20]), 2, Float64Array.from([1, 1]), 1, 1e-15);
    expect(dropped).toBe(1);
    expect(Q[0]).toBeCloseTo(0.5, 15);
  });
});

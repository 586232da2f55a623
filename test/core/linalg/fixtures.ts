/**
 * Shared fixtures for the linalg tests: a seeded random matrix and the largest
 * element-wise difference between two arrays.
 */

/** A deterministic uniform stream in [−0.5, 0.5) (a linear congruential generator). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

/** An r×c row-major matrix of rng(seed) values. */
export const randomMatrix = (r: number, c: number, seed: number): Float64Array => Float64Array.from({ length: r * c }, rng(seed));

/** max_i |a_i − b_i|. */
export const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

/** A symmetric n×n matrix R + Rᵀ from random R. */
export function randomSymmetric(n: number, seed: number): Float64Array {
  const R = randomMatrix(n, n, seed);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = R[i * n + j]! + R[j * n + i]!;
  return A;
}

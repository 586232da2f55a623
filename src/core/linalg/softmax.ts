/**
 * Row-wise softmax and log-sum-exp, both shifted by the row maximum (numpy's and
 * scipy's order of operations) so that large logits do not overflow.
 */

/** Softmax of each row of an r×c matrix in place (numpy order: subtract row max, exp, divide by sum). */
export function softmaxRowsInPlace(Z: Float64Array, r: number, c: number): void {
  for (let i = 0; i < r; i++) {
    const o = i * c;
    let mx = -Infinity;
    for (let j = 0; j < c; j++) if (Z[o + j]! > mx) mx = Z[o + j]!;
    let s = 0;
    for (let j = 0; j < c; j++) {
      const v = Math.exp(Z[o + j]! - mx);
      Z[o + j] = v;
      s += v;
    }
    for (let j = 0; j < c; j++) Z[o + j]! /= s;
  }
}

/** log Σ_j exp(A[o + j]) over one row of `len` entries: max + log Σ exp(x − max). */
export function rowLogSumExp(A: Float64Array, o: number, len: number): number {
  let mx = -Infinity;
  for (let j = 0; j < len; j++) if (A[o + j]! > mx) mx = A[o + j]!;
  let s = 0;
  for (let j = 0; j < len; j++) s += Math.exp(A[o + j]! - mx);
  return mx + Math.log(s);
}
